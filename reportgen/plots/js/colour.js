// Colour: by the metric (best bright), by sweep (a comparison), or by any column, as the
// colour choice says. A numeric colouring ranks the selected runs among themselves (ties
// share a colour): a brush or a top-k choice spreads its lines over the whole palette
// instead of drawing them all in the one bright shade of the best; the colour bar names the
// values at five ranks of the selection. A categorical one, or a numeric one of at most ten
// values, gives each level a colour, named in the legend; runs without a value are grey.
P.colouring = function colouring(c, st, chosen) {
  const how = c.colour.value;
  if (how === "sweep" && c.groups.length)
    return P.by_level(c, st, "sweep", (i) => st.group[i], c.groups, c.group_colors);
  const j = c.axis_info.findIndex((a) => how === "metric" ? a.name === c.metric
                                                          : "c:" + a.name === how);
  if (j < 0) return P.by_level(c, st, "none", () => -1, [], []);
  const a = c.axis_info[j];
  if (a.kind === "categorical") {
    const raw = st.raw[j], colours = a.labels.map((_, q) => c.level_colors[q % c.level_colors.length]);
    return P.by_level(c, st, how, (i) => raw[i] - 1, a.labels, colours);
  }
  const few = a.name === c.metric ? null : P.few_values(st, j);
  if (few !== null) {  // a numeric column of a few values (0/1, sizes): a colour per value
    const raw = st.raw[j], index = new Map(few.map((v, q) => [v, q]));
    const colours = few.map((_, q) => c.level_colors[q % c.level_colors.length]);
    return P.by_level(c, st, how, (i) => index.get(raw[i]) ?? -1, few.map(P.fmt), colours);
  }
  const best = a.name === c.metric && c.goal !== "";
  return P.by_rank(c, st, j, best && c.goal === "minimize" ? -1 : 1,
                   a.name + (best ? " (best bright)" : " (high bright)"), chosen);
};

// Column j's distinct values, lowest first, when there are at most ten; else null.
P.few_values = function few_values(st, j) {
  st.few = st.few || {};
  if (!(j in st.few)) {
    const order = P.value_order(st, j), raw = st.raw[j], out = [];
    for (let q = 0; q < order.length && out.length <= 10; q++)
      if (q === 0 || raw[order[q]] !== raw[order[q - 1]]) out.push(raw[order[q]]);
    st.few[j] = out.length > 0 && out.length <= 10 ? out : null;
  }
  return st.few[j];
};

// The chosen runs with a value of column j, ranked worst (or lowest) first: each one's
// colour rank 1..255 (0: no value), and the values at five places of the colour bar.
P.by_rank = function by_rank(c, st, j, sign, title, chosen) {
  const n = st.n, order = P.value_order(st, j), raw = st.raw[j];
  const mask = st.mask && st.mask.length === n ? st.mask : (st.mask = new Uint8Array(n));
  mask.fill(0);
  for (const i of chosen) mask[i] = 1;
  const picked = [];
  if (sign > 0) { for (let q = 0; q < order.length; q++) if (mask[order[q]]) picked.push(order[q]); }
  else for (let q = order.length - 1; q >= 0; q--) if (mask[order[q]]) picked.push(order[q]);
  const code = st.code && st.code.length === n ? st.code : (st.code = new Uint8Array(n));
  code.fill(0);
  P.average_ranks(picked, raw, 1, (i, at) => { code[i] = 1 + Math.round(254 * at); });
  const ticks = picked.length === 0 ? [] : [0, 0.25, 0.5, 0.75, 1].map((t) =>
    [t, P.fmt(P.at_fraction(picked, raw, t))]);
  return {kind: "rank", of: (i) => c.palette[code[i]], code, ticks,
          title: title + (chosen.length < (st.scope ? st.scope_n : st.n)
                          ? ", within the selection" : "")};
};

// A colour per level (`level(i)`: 0-based, negative for none); the density mixes the
// levels' colours through each pixel by their share (channels R, G, B per run).
P.by_level = function by_level(c, st, key, level, labels, colours) {
  const grey = c.palette[0], of = (i) => { const q = level(i); return q >= 0 ? colours[q] ?? grey : grey; };
  st.rgb = st.rgb || {};
  if (!st.rgb[key]) {
    const hexes = colours.map((h) => parseInt(h.slice(1), 16)), g = parseInt(grey.slice(1), 16);
    st.rgb[key] = [0, 8, 16].map((shift) => {
      const channel = new Float32Array(st.n);
      for (let i = 0; i < st.n; i++) {
        const q = level(i), hex = q >= 0 && q < hexes.length ? hexes[q] : g;
        channel[i] = (hex >> (16 - shift)) & 0xff;
      }
      return channel;
    });
  }
  return {kind: "levels", of, rgb: st.rgb[key],
          legend: labels.map((label, q) => [label, colours[q]])};
};

// The colour bar (a numeric colouring) or the legend (levels) says what the colours mean.
P.show_colouring = function show_colouring(c, st, col) {
  const bar = c.bar, rank = col.kind === "rank";
  if (bar.visible !== rank) bar.visible = rank;
  if (rank) {
    const key = col.title + JSON.stringify(col.ticks);
    if (st.bar_key !== key) {
      st.bar_key = key;
      bar.title = col.title;
      bar.ticker.ticks = col.ticks.map(([t]) => t);
      bar.major_label_overrides = new Map(col.ticks);
    }
  }
  const legend = rank ? "" : col.legend.map(([label, colour]) =>
    `<span style="color:${colour}">&#9632;</span>&nbsp;${P.escape(label)}`).join(" &nbsp;");
  if (c.legend.text !== legend) c.legend.text = legend;
};
