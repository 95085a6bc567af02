// reportgen's parallel coordinates, run by Bokeh as one CustomJS per plot: at "document_ready"
// it builds the lines from compact columns, then it answers brushing (pan on an axis, double
// click to clear), the top-k choice, the Clear button and the colour toggle.
// Args: runs (the table's source, in table order = best first); compact (the same runs:
// `_p<j>` uint16 axis positions, `_c` colour rank 1..255 (0 = no value), `_t` top-set level,
// `_g` sweep); coded ({field: levels}, decoded here); crisp and shadow (line sources); density
// and backdrop (image renderers); table, table_filter; brushes; count, note (Divs); top
// (Select); toggle (colour by sweep or metric, or null); bar (the colour bar, or null); plot;
// n_axes; tips; top_levels; palette; groups; group_colors; lod (thresholds and geometry).
const store = (window.__reportgen = window.__reportgen || {});
const t_start = performance.now();
// a document event comes as cb_data (cb_obj is then the document), a model's as cb_obj
const mode = cb_obj === top ? "top" : (toggle !== null && cb_obj === toggle) ? "colour"
  : (cb_data && cb_data.event_name) || cb_obj.event_name;

function fmt(v) {  // reportgen.formatting.fmt_number, for tooltips
  if (v === null || v === undefined || Number.isNaN(v)) return "missing";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const m = Math.abs(v);
  if (m >= 1e6 || m < 1e-3) {
    const [mant, exp] = v.toExponential(3).split("e");
    return mant.replace(/\.?0+$/, "") + "e" + Number(exp);
  }
  return String(Number(v.toPrecision(4)));
}

function rgba(hex, alpha) {  // little-endian RGBA packed into one uint32
  const c = parseInt(hex.slice(1), 16);
  return ((alpha << 24) | ((c & 0xff) << 16) | (c & 0xff00) | ((c >> 16) & 0xff)) >>> 0;
}

function init() {
  const n = runs.get_length();
  const data = Object.assign({}, runs.data);
  for (const [field, levels] of Object.entries(coded)) {
    const codes = data[field];
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = codes[i] === 0 ? null : levels[codes[i] - 1];
    data[field] = out;
  }
  runs.data = data;
  table.change.emit();  // the table keeps its rows until told: show the decoded text
  const more = compact.data, pos = [];
  for (let j = 0; j < n_axes; j++) {
    const raw = more["_p" + j], p = new Float32Array(n);
    for (let i = 0; i < n; i++) p[i] = raw[i] === 0 ? lod.missing_y : (raw[i] - 1) / 65534;
    pos.push(p);
  }
  let width = 980, height = 400;  // the frame in pixels, from Bokeh's view when it is there
  const view = window.Bokeh && Bokeh.index ? [...Bokeh.index.all_views()].find(
    (v) => v.model === plot) : undefined;
  if (view && view.frame) {
    const xs = view.frame.x_scale, ys = view.frame.y_scale;
    width = Math.abs(xs.compute(n_axes - 1) - xs.compute(0));
    height = Math.abs(ys.compute(lod.y1) - ys.compute(lod.y0));
  }
  const gap = Math.max(8, Math.round(width / Math.max(n_axes - 1, 1)));
  const st = {n, pos, brush: {}, drag: null, by_group: groups.length > 0,
              gap, rows: Math.max(50, Math.round(height)), colour: more._c,
              group: more._g, top: more._t,
              values: tips.map((t) => t.field ? (data[t.field] ?? more[t.field]) : null)};
  if (groups.length) {  // each run's sweep colour as R, G, B: the density averages them
    st.group_rgb = [0, 8, 16].map((shift) => {
      const channel = new Float32Array(n), of = group_colors.map((hex) =>
        (parseInt(hex.slice(1), 16) >> (16 - shift)) & 0xff);
      for (let i = 0; i < n; i++) channel[i] = of[st.group[i]];
      return channel;
    });
  }
  store[runs.id] = st;
  if (n <= lod.crisp_runs || n_axes < 2) {
    const xs = [], ys = [];
    for (let i = 0; i < n; i++) { const l = line(st, i); xs.push(l[0]); ys.push(l[1]); }
    shadow.data = {xs, ys};
  }
  return st;
}

function line(st, i) {
  const xs = new Array(n_axes), ys = new Array(n_axes);
  for (let j = 0; j < n_axes; j++) { xs[j] = j; ys[j] = st.pos[j][i]; }
  return [xs, ys];
}

function colour_of(st) {
  return st.by_group ? (i) => group_colors[st.group[i]] : (i) => palette[st.colour[i]];
}

// Every chosen run's polyline counted into a (rows x gap*(k-1)) grid. Lines are first binned
// per pair of axes by their end rows, so each distinct segment is drawn once with its weight:
// the work is bounded by bins^2 per gap, not by the runs. Each pixel keeps its count and, per
// channel, the sum of the runs' values through it (for a mean): by metric one channel, the
// colour rank (runs without a value left out); by sweep three, the sweep colour's R, G and B.
function rasterise(st, chosen, channels, valid) {
  const W = st.gap * (n_axes - 1), H = st.rows, span = lod.y1 - lod.y0, k = channels.length;
  const count = new Float32Array(W * H), rated = new Float32Array(W * H);
  const sums = channels.map(() => new Float32Array(W * H));
  const bins = Math.min(H, 200), scale = bins / span, cells = bins * bins;
  const cnt = new Float32Array(cells), nrated = new Float32Array(cells);
  const csum = channels.map(() => new Float32Array(cells));
  for (let j = 0; j + 1 < n_axes; j++) {
    cnt.fill(0); nrated.fill(0); csum.forEach((c) => c.fill(0));
    const a = st.pos[j], b = st.pos[j + 1];
    for (let m = 0; m < chosen.length; m++) {
      const i = chosen[m];
      const r0 = Math.min(bins - 1, Math.max(0, Math.floor((a[i] - lod.y0) * scale)));
      const r1 = Math.min(bins - 1, Math.max(0, Math.floor((b[i] - lod.y0) * scale)));
      const c = r0 * bins + r1;
      cnt[c] += 1;
      if (valid === null || valid[i] > 0) {
        nrated[c] += 1;
        for (let q = 0; q < k; q++) csum[q][c] += channels[q][i];
      }
    }
    const x0 = j * st.gap, rowscale = H / bins;
    for (let c = 0; c < cells; c++) {
      const w = cnt[c];
      if (w === 0) continue;
      const r = nrated[c];
      const y0 = (Math.floor(c / bins) + 0.5) * rowscale, y1 = (c % bins + 0.5) * rowscale;
      let prev = Math.floor(y0);
      for (let x = 0; x < st.gap; x++) {
        const row = Math.min(H - 1, Math.floor(y0 + (y1 - y0) * (x + 1) / st.gap));
        const lo = Math.min(prev, row), hi = Math.max(prev, row);
        for (let rr = lo; rr <= hi; rr++) {
          const p = rr * W + x0 + x;
          count[p] += w; rated[p] += r;
          for (let q = 0; q < k; q++) sums[q][p] += csum[q][c];
        }
        prev = row;
      }
    }
  }
  return {count, rated, sums, W, H};
}

// The grid as an image: alpha grows with the log of the count; colour is the mean colour rank
// of the runs through the pixel (by metric), the mean of their sweeps' colours (by sweep), or
// grey (the backdrop).
function paint(renderer, st, chosen, how, max_alpha) {
  const channels = how === "group" ? st.group_rgb : how === "metric" ? [st.colour] : [];
  const grid = rasterise(st, chosen, channels, how === "metric" ? st.colour : null);
  const {count, rated, sums, W, H} = grid;
  let most = 0;
  for (let p = 0; p < count.length; p++) if (count[p] > most) most = count[p];
  const norm = 1 / Math.log1p(most || 1);
  const packed = palette.map((hex) => rgba(hex, 0)), grey = rgba(lod.grey, 0);
  const src = renderer.data_source, Image = src.data.image[0].constructor;
  const img = new Image(new Uint32Array(W * H), [H, W]);
  for (let p = 0; p < count.length; p++) {
    if (count[p] === 0) continue;
    const alpha = Math.round(max_alpha * (0.2 + 0.8 * Math.log1p(count[p]) * norm));
    let base = grey;
    if (how === "metric") base = rated[p] > 0 ? packed[Math.round(sums[0][p] / rated[p])]
                                              : packed[0];
    else if (how === "group") base = (Math.round(sums[2][p] / rated[p]) << 16)
      | (Math.round(sums[1][p] / rated[p]) << 8) | Math.round(sums[0][p] / rated[p]);
    img[p] = (base | (alpha << 24)) >>> 0;
  }
  src.data = {image: [img], x: [0], y: [lod.y0], dw: [n_axes - 1], dh: [lod.y1 - lod.y0]};
}

function selection(st) {
  const level = top.value === "0" ? 0 : top_levels[top.value];
  const active = Object.keys(st.brush).map(Number);
  const out = [];
  for (let i = 0; i < st.n; i++) {
    let ok = level === 0 || (st.top[i] > 0 && st.top[i] <= level);
    for (let a = 0; ok && a < active.length; a++) {
      const b = st.brush[active[a]], y = st.pos[active[a]][i];
      ok = y >= b[0] && y <= b[1];
    }
    if (ok) out.push(i);
  }
  return {chosen: out, level, active: active.length};
}

function draw(st) {
  const {chosen, level, active} = selection(st);
  const n = st.n, dense = chosen.length > lod.crisp_runs && n_axes > 1;
  const colour = colour_of(st);
  if (dense) paint(density, st, chosen, st.by_group ? "group" : "metric", 235);
  density.visible = dense;
  const shown = dense ? chosen.slice(0, lod.lod_lines) : chosen;
  const cols = {xs: [], ys: [], color: [], name: [], row: []};
  tips.forEach((_, j) => { cols["t" + j] = []; });
  if (groups.length) cols.group = [];
  const names = runs.data.name;
  for (let m = shown.length - 1; m >= 0; m--) {  // worst first: the best are drawn on top
    const i = shown[m], l = line(st, i);
    cols.xs.push(l[0]); cols.ys.push(l[1]); cols.color.push(colour(i));
    cols.name.push(names[i]); cols.row.push(i);
    tips.forEach((tip, j) => {
      const p = st.pos[j][i];
      cols["t" + j].push(tip.labels ? (p === lod.missing_y ? "missing"
        : tip.labels[Math.round(p * (tip.labels.length - 1))] ?? tip.labels[0])
        : fmt(st.values[j][i]));
    });
    if (groups.length) cols.group.push(groups[st.group[i]]);
  }
  crisp.data = cols;
  const behind = n > lod.crisp_runs && chosen.length < n && n_axes > 1;
  if (behind) make_backdrop(st);
  backdrop.visible = behind;
  shadow_renderer_visible(chosen.length < n && n <= lod.crisp_runs);
  // the table follows once the plot has painted: at 100,000 runs its update is the slow part
  const rows = chosen.length === n ? null : chosen, token = (st.token = (st.token || 0) + 1);
  if (n <= lod.crisp_runs) table_filter.indices = rows;
  else requestAnimationFrame(() => setTimeout(() => {
    if (st.token === token) table_filter.indices = rows;
  }, 0));
  brushes.forEach((box, k) => {
    const b = st.brush[k];
    if (b === undefined) { box.visible = false; return; }
    box.bottom = b[0]; box.top = b[1]; box.visible = true;
  });
  const what = level > 0 ? ` (top ${Math.round(parseFloat(top.value) * 100)}%`
                           + (active ? " and brushed)" : ")") : (active ? " (brushed)" : "");
  count.text = `<b>${chosen.length.toLocaleString("en-US")}</b> of `
               + `${n.toLocaleString("en-US")} runs selected${what}`;
  const which = chosen.length < n ? `the ${chosen.length.toLocaleString("en-US")} selected runs`
                                  : `all ${n.toLocaleString("en-US")} runs`;
  note.text = dense ? `Drawn: ${which} as a density (stronger where more runs pass; colour: `
    + (st.by_group ? "the sweeps of the runs through each pixel, mixed by their share"
                   : "the mean rank of the runs through each pixel")
    + `), and the best ${shown.length} as lines` + (chosen.length < n
      ? "; the other runs in grey behind." : ".") : "";
}

function make_backdrop(st) {  // every run in grey, behind a selection
  if (st.backdrop) return;
  const all = new Int32Array(st.n);
  for (let i = 0; i < st.n; i++) all[i] = i;
  paint(backdrop, st, all, "grey", 150);
  st.backdrop = true;
}

function shadow_renderer_visible(on) {
  for (const r of plot.renderers)
    if (r.data_source === shadow) r.visible = on;
}

let st = store[runs.id];
if (st === undefined) st = init();
if (mode === "document_ready") {
  draw(st);
  st.ready = true;
  st.last = {mode, start: t_start, end: performance.now()};  // ms since the page began
  // the grey backdrop of a large sweep, ready before the first brush
  if (st.n > lod.crisp_runs && n_axes > 1)
    setTimeout(() => make_backdrop(st), 400);  // after the first paint, not before it
  return;
}
const nearest = (x) => {
  const k = Math.round(x);
  return k >= 0 && k < n_axes && Math.abs(x - k) < 0.4 ? k : null;
};
if (mode === "panstart") {
  const k = nearest(cb_obj.x);
  st.drag = k === null ? null : {k: k, y0: cb_obj.y};
  return;
} else if (mode === "pan") {
  if (st.drag === null) return;
  const {k, y0} = st.drag;
  st.brush[k] = [Math.min(y0, cb_obj.y), Math.max(y0, cb_obj.y)];
  if (!lod.live) {
    const box = brushes[k];
    box.bottom = st.brush[k][0]; box.top = st.brush[k][1]; box.visible = true;
    return;
  }
} else if (mode === "panend") {
  if (st.drag === null) return;
  const b = st.brush[st.drag.k];
  if (b !== undefined && b[1] - b[0] < 0.01) delete st.brush[st.drag.k];
  st.drag = null;
} else if (mode === "doubletap") {
  const k = nearest(cb_obj.x);
  if (k === null) st.brush = {}; else delete st.brush[k];
} else if (mode === "button_click") {
  st.brush = {};
  if (top.value !== "0") { top.value = "0"; return; }  // its change draws
} else if (mode === "colour") {
  st.by_group = toggle.active === 0;
  if (bar !== null) bar.visible = !st.by_group;
}
draw(st);
st.last = {mode, start: t_start, end: performance.now()};
st.log = (st.log || []).slice(-30).concat([st.last]);  // for benchmarks/scale.py
