// The view travels: each plot's brushes (by axis name, in axis units), its filter, its top-k
// choice and its colouring are kept in the URL's `#` part, so a link to the file opens the same view.
// The form is #view=KEY~AXIS:LOW:HIGH,AXIS:LOW:HIGH~TOP~COLOUR~FILTER;KEY~... (KEY: the
// section's anchor; names and the filter URI-encoded), written with history.replaceState:
// no jump, no new entry.
P.view_part = function view_part(st) {
  const c = st.c, brushes = Object.keys(st.brush).map(Number).sort((a, b) => a - b)
    .map((k) => [encodeURIComponent(c.axis_names[k]),
                 st.brush[k][0].toFixed(4), st.brush[k][1].toFixed(4)].join(":"));
  const colour = c.toggle !== null && !st.by_group ? "metric" : "";
  const where = st.where_text || "";
  if (!brushes.length && c.top.value === "0" && !colour && !where) return "";
  return [encodeURIComponent(c.plot.tags[0]), brushes.join(","),
          c.top.value === "0" ? "" : c.top.value, colour, encodeURIComponent(where)].join("~");
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

P.saved_view = function saved_view(key) {  // {brushes: {name: [lo, hi]}, top, colour, where}
  const hash = location.hash || "";
  if (!hash.startsWith("#view=")) return null;
  for (const part of hash.slice(6).split(";")) {
    const [k, brushes, top, colour, where] = part.split("~");
    if (decodeURIComponent(k || "") !== key) continue;
    const out = {brushes: {}, top: top || "0", colour: colour || "",
                 where: decodeURIComponent(where || "")};
    for (const b of (brushes || "").split(",").filter((b) => b)) {
      const [name, lo, hi] = b.split(":");
      const low = parseFloat(lo), high = parseFloat(hi);
      if (Number.isFinite(low) && Number.isFinite(high))
        out.brushes[decodeURIComponent(name)] = [Math.min(low, high), Math.max(low, high)];
    }
    return out;
  }
  return null;
};

// At load: the saved view of this plot, if the URL holds one (unknown axes are ignored).
P.restore_view = function restore_view(c, st) {
  const saved = P.saved_view(c.plot.tags[0]);
  if (saved === null) return;
  c.axis_names.forEach((name, k) => {
    if (saved.brushes[name] !== undefined) st.brush[k] = saved.brushes[name];
  });
  if (c.toggle !== null && saved.colour === "metric") {
    c.toggle.active = 1;  // the widget shows it; its change redraws, as it would
    P.apply_colour(c, st);  // the first draw already by metric
  }
  if (saved.where) {
    c.where.value = saved.where;  // its change applies it and redraws
  }
  if (saved.top !== "0" && c.top_levels[saved.top] !== undefined) st.pending_top = saved.top;
};
