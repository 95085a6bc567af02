// The view travels: each plot's brushes (by axis name, in drawn units), its top-k choice,
// colouring, filter and axes (order, scale, direction) are kept in the URL's `#` part, so a
// link to the file opens the same view. The form is
// #view=KEY~BRUSHES~TOP~COLOUR~FILTER~AXES;KEY~... with BRUSHES as NAME:LOW:HIGH,... and AXES
// as NAME[:SCALE][:inv],... (KEY: the section's anchor; names and the filter URI-encoded;
// empty parts for what is as the report opens), written with history.replaceState: no
// jump, no new entry.
P.view_part = function view_part(st) {
  const c = st.c, name = (j) => encodeURIComponent(c.axis_info[j].name);
  const brushes = Object.keys(st.brush).map(Number).sort((a, b) => a - b)
    .map((j) => [name(j), st.brush[j][0].toFixed(4), st.brush[j][1].toFixed(4)].join(":"));
  const colour = c.colour.value === c.colour_default ? "" : c.colour.value;
  const where = st.where_text || "";
  const plain = st.axes.length === c.shown && st.axes.every((j, slot) => j === slot)
    && st.axes.every((j) => st.mode[j] === c.axis_info[j].kind && !st.inverted[j]);
  const axes = plain ? "" : st.axes.map((j) => [name(j),
    st.mode[j] !== c.axis_info[j].kind ? st.mode[j] : "", st.inverted[j] ? "inv" : ""]
    .filter((w) => w).join(":")).join(",");
  if (!brushes.length && c.top.value === "0" && !colour && !where && !axes) return "";
  return [encodeURIComponent(c.plot.tags[0]), brushes.join(","),
          c.top.value === "0" ? "" : c.top.value, encodeURIComponent(colour),
          encodeURIComponent(where), axes].join("~");
};

P.save_view = function save_view() {
  const parts = Object.values(P.store()).filter((st) => st.c).map(P.view_part)
    .filter((p) => p);
  const hash = parts.length ? "#view=" + parts.join(";") : "";
  if (hash === (location.hash || "")) return;
  try {
    history.replaceState(history.state, "", hash || location.pathname + location.search);
  } catch (e) { /* a page in a sandboxed frame may not: the view still works */ }
};

// This plot's part of the URL: {brushes: {name: [lo, hi]}, top, colour, where, axes: [[name,
// scale, inverted], ...] or null}.
P.saved_view = function saved_view(key) {
  const hash = location.hash || "";
  if (!hash.startsWith("#view=")) return null;
  for (const part of hash.slice(6).split(";")) {
    const [k, brushes, top, colour, where, axes] = part.split("~");
    if (decodeURIComponent(k || "") !== key) continue;
    const out = {brushes: {}, top: top || "0", colour: decodeURIComponent(colour || ""),
                 where: decodeURIComponent(where || ""), axes: null};
    for (const b of (brushes || "").split(",").filter((b) => b)) {
      const [name, lo, hi] = b.split(":");
      const low = parseFloat(lo), high = parseFloat(hi);
      if (Number.isFinite(low) && Number.isFinite(high))
        out.brushes[decodeURIComponent(name)] = [Math.min(low, high), Math.max(low, high)];
    }
    if (axes) out.axes = axes.split(",").filter((a) => a).map((a) => {
      const [name, ...how] = a.split(":");
      return [decodeURIComponent(name), how.find((w) => w !== "inv") || "", how.includes("inv")];
    });
    return out;
  }
  return null;
};

// At load: the saved view of this plot, if the URL holds one (unknown axes, scales and
// colourings are ignored).
P.restore_view = function restore_view(c, st) {
  const saved = P.saved_view(c.plot.tags[0]);
  if (saved === null) return;
  const index = (name) => c.axis_info.findIndex((a) => a.name === name);
  if (saved.axes !== null) {
    const axes = [];
    for (const [name, mode, inverted] of saved.axes) {
      const j = index(name);
      if (j < 0 || axes.includes(j)) continue;
      const a = c.axis_info[j], ok = a.kind !== "categorical"
        && (mode === "rank" || (a.scales && a.scales[mode] !== undefined));
      P.rescale(c, st, j, ok ? mode : st.mode[j], inverted);
      axes.push(j);
    }
    if (axes.length) st.axes = axes;
  }
  for (const [name, b] of Object.entries(saved.brushes)) {
    const j = index(name);
    if (j >= 0 && st.axes.includes(j)) st.brush[j] = b;
  }
  P.place(c, st);
  const colours = c.colour.options.map((o) => Array.isArray(o) ? o[0] : o);
  if (saved.colour && colours.includes(saved.colour)) {
    st.quiet = true;  // the first draw reads it
    c.colour.value = saved.colour;
    st.quiet = false;
  }
  if (saved.where) {
    c.where.value = saved.where;  // its change applies it and redraws
  }
  if (saved.top !== "0" && c.top_levels[saved.top] !== undefined) st.pending_top = saved.top;
};
