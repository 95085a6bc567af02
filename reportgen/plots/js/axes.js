// Axes: which columns are drawn and in which order (st.axes, column numbers), each column's
// scale (st.mode: linear, log, rank, or categorical) and direction (st.inverted); each run's
// place on each column (st.cols, computed when first needed), the drawn axes' places in
// order (st.pos), and the axes' lines, ticks and titles. Brushes belong to columns
// (st.brush[column], in the axis's drawn units): moving an axis takes its brush along.
P.init_axes = function init_axes(c, st, data) {
  const info = c.axis_info;
  st.axes = [...Array(c.shown).keys()];
  st.mode = info.map((a) => a.kind);
  st.inverted = info.map(() => false);
  st.raw = info.map((a) => data[a.field] ?? c.compact.data[a.field]);
  st.cols = info.map(() => null);
  st.sorted = info.map(() => null);
  P.place(c, st);
};

// Each run's place on column j in [0, 1] (the missing band for runs without a value, or
// without a positive one on a log scale), by its scale and direction.
P.positions = function positions(c, st, j) {
  const a = c.axis_info[j], raw = st.raw[j], n = st.n, miss = c.lod.missing_y;
  const out = new Float32Array(n), mode = st.mode[j];
  if (a.kind === "categorical") {
    const m = a.labels.length;
    for (let i = 0; i < n; i++) out[i] = raw[i] === 0 ? miss : P.spot(raw[i] - 1, m);
  } else if (mode === "rank") {  // average rank among the runs with a value
    out.fill(miss);
    P.average_ranks(P.value_order(st, j), raw, 0.5, (i, at) => { out[i] = at; });
  } else {
    const [lo, hi] = a.scales[mode].span, log = mode === "log", w = hi - lo;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      out[i] = typeof v === "number" && Number.isFinite(v) && (!log || v > 0)
        ? ((log ? Math.log10(v) : v) - lo) / w : miss;
    }
  }
  if (st.inverted[j]) for (let i = 0; i < n; i++) if (out[i] !== miss) out[i] = 1 - out[i];
  return out;
};

// The place of level i of m on a categorical axis (one level: the middle).
P.spot = function spot(i, m) {
  return m === 1 ? 0.5 : i / (m - 1);
};

// For runs sorted by value (`list`, run numbers; `raw`, their values): each run's average
// rank as a fraction, 0 the first, 1 the last (ties share one; a list of one: `alone`),
// handed to put(run, fraction).
P.average_ranks = function average_ranks(list, raw, alone, put) {
  const m = list.length;
  for (let r = 0; r < m;) {
    let e = r;
    while (e + 1 < m && raw[list[e + 1]] === raw[list[r]]) e++;
    const at = m === 1 ? alone : (r + e) / 2 / (m - 1);
    for (let q = r; q <= e; q++) put(list[q], at);
    r = e + 1;
  }
};

// The value of the run at fraction t (0 the first, 1 the last) of runs sorted by value.
P.at_fraction = function at_fraction(list, raw, t) {
  return raw[list[Math.round(t * (list.length - 1))]];
};

// Column j's runs with a finite value, lowest value first (computed once, kept).
P.value_order = function value_order(st, j) {
  if (st.sorted[j] === null) {
    const raw = st.raw[j], idx = [];
    for (let i = 0; i < st.n; i++) {
      const v = raw[i];
      if (typeof v === "number" && Number.isFinite(v)) idx.push(i);
    }
    const order = Uint32Array.from(idx);
    order.sort((a, b) => raw[a] - raw[b]);
    st.sorted[j] = order;
  }
  return st.sorted[j];
};

// The value at drawn height y on column j (for a brush's labels and for a change of scale).
P.to_value = function to_value(c, st, j, y) {
  const a = c.axis_info[j], mode = st.mode[j];
  let t = Math.min(1, Math.max(0, y));
  if (st.inverted[j]) t = 1 - t;
  if (mode === "rank") {
    const order = P.value_order(st, j);
    return order.length ? P.at_fraction(order, st.raw[j], t) : NaN;
  }
  const [lo, hi] = a.scales[mode].span, v = lo + t * (hi - lo);
  return mode === "log" ? 10 ** v : v;
};

// The drawn height of value v on column j; on a rank axis the place of the first run at
// or above v, or (`upper`) of the last run at or below it.
P.from_value = function from_value(c, st, j, v, upper) {
  const a = c.axis_info[j], mode = st.mode[j];
  let t;
  if (mode === "rank") {
    const order = P.value_order(st, j), raw = st.raw[j], m = order.length;
    let lo = 0, hi = m;  // the runs below v (at or below it, for `upper`)
    while (lo < hi) {
      const mid = (lo + hi) >> 1, x = raw[order[mid]];
      if (upper ? x <= v : x < v) lo = mid + 1; else hi = mid;
    }
    const at = Math.min(Math.max(upper ? lo - 1 : lo, 0), m - 1);
    t = m > 1 ? at / (m - 1) : 0.5;
  } else {
    const [low, high] = a.scales[mode].span;
    t = ((mode === "log" ? Math.log10(Math.max(v, 1e-300)) : v) - low) / (high - low);
  }
  return st.inverted[j] ? 1 - t : t;
};

// The ticks of column j: [position, label] pairs as drawn.
P.ticks_of = function ticks_of(c, st, j) {
  const a = c.axis_info[j], mode = st.mode[j];
  let ticks;
  if (a.kind === "categorical") {
    ticks = a.labels.map((label, i) => [P.spot(i, a.labels.length), label]);
  } else if (mode === "rank") {
    const order = P.value_order(st, j);
    ticks = order.length === 0 ? [] : [0, 0.25, 0.5, 0.75, 1].map((t) =>
      [t, P.fmt(P.at_fraction(order, st.raw[j], t))]);
  } else ticks = a.scales[mode].ticks;
  return st.inverted[j] ? ticks.map(([p, label]) => [1 - p, label]) : ticks;
};

P.title_of = function title_of(c, st, j) {
  const a = c.axis_info[j];
  const arrow = a.name === c.metric ? {minimize: " ↓", maximize: " ↑"}[c.goal] || "" : "";
  const how = [st.mode[j] !== a.kind ? st.mode[j] : "", st.inverted[j] ? "inverted" : ""]
    .filter((w) => w);
  return a.name + arrow + (how.length ? ` (${how.join(", ")})` : "");
};

// After any change of the axes: the drawn places, the axes' lines, ticks and titles, the
// plot's width in axes, the brush boxes' places, and the axis toolbar's choices.
P.place = function place(c, st) {
  for (const j of st.axes) if (st.cols[j] === null) st.cols[j] = P.positions(c, st, j);
  st.pos = st.axes.map((j) => st.cols[j]);
  const k = st.axes.length;
  c.plot.x_range.end = Math.max(k, 1) - 0.35;
  st.gap = Math.max(8, Math.round(st.width / Math.max(k - 1, 1)));
  c.axis_lines.data = {x: [...st.axes.keys()], y0: st.axes.map(() => 0),
                       y1: st.axes.map(() => 1)};
  const tx = [], ty = [], tt = [];
  st.axes.forEach((j, slot) => {
    for (const [p, label] of P.ticks_of(c, st, j)) { tx.push(slot); ty.push(p); tt.push(label); }
  });
  c.ticks.data = {x: tx, y: ty, text: tt};
  const titles = st.axes.map((j) => P.title_of(c, st, j));
  // titles slant when they would run into each other (about 7 px a character)
  const slant = k > 8 || Math.max(...titles.map((t) => t.length)) * 7 > st.gap;
  for (const axis of c.plot.above) {
    axis.ticker.ticks = [...st.axes.keys()];
    axis.major_label_overrides = new Map(titles.map((t, slot) => [slot, t]));
    axis.major_label_orientation = slant ? 0.5 : "horizontal";
  }
  c.brushes.forEach((box, slot) => { box.left = slot - 0.07; box.right = slot + 0.07; });
  st.backdrop = false;  // the grey runs behind a selection: drawn again on these axes
  P.scope_to(c, st, st.scope, st.scope_n);
  P.axis_toolbar(c, st);
};

// The toolbar follows: the drawn axes to pick from (the picked one kept if still drawn),
// the picked axis's scales, and the columns that can be added.
P.axis_toolbar = function axis_toolbar(c, st) {
  const names = st.axes.map((j) => c.axis_info[j].name);
  // these changes are the page's own: a callback that runs now returns at once; one that
  // runs later (Bokeh may run them after this returns) finds nothing left to change
  st.quiet = true;
  c.axis_pick.options = names;
  if (!names.includes(c.axis_pick.value)) c.axis_pick.value = names[0] ?? "";
  const j = P.picked(c);
  const a = j === null ? null : c.axis_info[j];
  if (a === null || a.kind === "categorical") {
    c.axis_scale.options = [["categorical", "levels"]];
    c.axis_scale.value = "categorical";
    c.axis_scale.disabled = true;
  } else {
    c.axis_scale.options = [...Object.keys(a.scales), "rank"];
    c.axis_scale.value = st.mode[j];
    c.axis_scale.disabled = false;
  }
  c.axis_add.options = [["", "add an axis…"]].concat(c.axis_info.map((b) => b.name)
    .filter((_, q) => !st.axes.includes(q)));
  c.axis_add.value = "";
  for (const b of [c.axis_left, c.axis_right, c.axis_invert, c.axis_hide]) b.disabled = j === null;
  c.axis_hide.disabled = j === null || st.axes.length < 2;
  st.quiet = false;
};

P.picked = function picked(c) {  // the column picked in the toolbar, or null
  const q = c.axis_info.findIndex((a) => a.name === c.axis_pick.value);
  return q < 0 ? null : q;
};

// A toolbar action on the picked axis (or the added column): what the reader asked.
P.axis_action = function axis_action(c, st, what) {
  const j = what === "add" ? c.axis_info.findIndex((a) => a.name === c.axis_add.value)
                           : P.picked(c);
  if (what === "reset") {
    st.axes = [...Array(c.shown).keys()];
    c.axis_info.forEach((a, q) => {
      if (st.mode[q] !== a.kind || st.inverted[q]) P.rescale(c, st, q, a.kind, false);
    });
    for (const q of Object.keys(st.brush).map(Number)) if (!st.axes.includes(q)) delete st.brush[q];
  } else if (j === null || j < 0) {
    return false;
  } else if (what === "add") {
    if (!st.axes.includes(j)) st.axes.push(j);
    c.axis_pick.value = c.axis_info[j].name;
  } else if (what === "hide") {
    if (st.axes.length < 2) return false;
    st.axes = st.axes.filter((q) => q !== j);
    delete st.brush[j];
  } else if (what === "left" || what === "right") {
    const slot = st.axes.indexOf(j), to = slot + (what === "left" ? -1 : 1);
    if (slot < 0 || to < 0 || to >= st.axes.length) return false;
    P.move_axis(st, slot, to);
  } else if (what === "invert") {
    P.rescale(c, st, j, st.mode[j], !st.inverted[j]);
  } else if (what === "scale") {
    const mode = c.axis_scale.value;
    if (mode === st.mode[j] || c.axis_info[j].kind === "categorical") return false;
    P.rescale(c, st, j, mode, st.inverted[j]);
  }
  P.place(c, st);
  return true;
};

P.move_axis = function move_axis(st, from, to) {
  const [j] = st.axes.splice(from, 1);
  st.axes.splice(to, 0, j);
};

// Column j drawn with another scale or direction; its brush keeps the same runs: a flip
// mirrors it, a new scale takes each end through its value.
P.rescale = function rescale(c, st, j, mode, inverted) {
  const b = st.brush[j];
  if (b !== undefined) {
    let next = b;
    if (mode !== st.mode[j]) {
      const values = b.map((y) => P.to_value(c, st, j, y)).sort((x, y) => x - y);
      st.mode[j] = mode;
      const ends = [P.from_value(c, st, j, values[0], false),
                    P.from_value(c, st, j, values[1], true)];
      next = [Math.min(...ends), Math.max(...ends)];
    }
    if (inverted !== st.inverted[j]) next = [1 - next[1], 1 - next[0]];
    st.brush[j] = next;
  }
  st.mode[j] = mode;
  st.inverted[j] = inverted;
  st.cols[j] = st.axes.includes(j) ? P.positions(c, st, j) : null;
};
