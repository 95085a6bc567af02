// Brushing for reportgen's parallel coordinates. Bokeh passes: mode, lines (all runs),
// fg_filter (runs drawn in colour), table_filter (rows the run table shows), background
// (grey renderer), brushes (one BoxAnnotation per axis), count (Div), top (Select), n_axes, ranked,
// live (apply the selection while dragging, or only when the drag ends: large sweeps).
const store = (window.__reportgen = window.__reportgen || {});
const st = store[lines.id] || (store[lines.id] = {brush: {}, drag: null});
const nearest = (x) => {
  const k = Math.round(x);
  return k >= 0 && k < n_axes && Math.abs(x - k) < 0.4 ? k : null;
};
if (mode === "start") {
  const k = nearest(cb_obj.x);
  st.drag = k === null ? null : {k: k, y0: cb_obj.y};
  if (st.drag === null) return;
} else if (mode === "pan") {
  if (st.drag === null) return;
  const {k, y0} = st.drag;
  st.brush[k] = [Math.min(y0, cb_obj.y), Math.max(y0, cb_obj.y)];
} else if (mode === "end") {
  if (st.drag === null) return;
  const b = st.brush[st.drag.k];
  if (b !== undefined && b[1] - b[0] < 0.01) delete st.brush[st.drag.k];
  st.drag = null;
} else if (mode === "clear") {
  const k = nearest(cb_obj.x);
  if (k === null) st.brush = {}; else delete st.brush[k];
} else if (mode === "reset") {
  st.brush = {};
  top.value = "0";
}
const draw_brushes = () => {
  brushes.forEach((box, k) => {
    const b = st.brush[k];
    if (b === undefined) { box.visible = false; return; }
    box.bottom = b[0]; box.top = b[1]; box.visible = true;
  });
};
if (mode === "pan" && !live) { draw_brushes(); return; }
const data = lines.data;
const ys = data.ys, rank = data.rank, row = data.row, signed = data.signed;
const n = ys.length;
const frac = parseFloat(top.value);
// the top set of the best-region analysis: the best max(k%, 5) evaluated runs, ties included
const limit = frac > 0 ? Math.min(ranked, Math.max(5, Math.ceil(frac * ranked))) : 0;
let threshold = Infinity;
for (let i = 0; i < n && frac > 0; i++) if (rank[i] === limit - 1) threshold = signed[i];
const active = Object.keys(st.brush).map(Number);
const chosen = [], rows = [];
for (let i = 0; i < n; i++) {
  let ok = !(frac > 0) || (rank[i] >= 0 && signed[i] <= threshold);
  for (let j = 0; ok && j < active.length; j++) {
    const b = st.brush[active[j]], y = ys[i][active[j]];
    ok = y >= b[0] && y <= b[1];
  }
  if (ok) { chosen.push(i); rows.push(row[i]); }
}
rows.sort((a, b) => a - b);
fg_filter.indices = chosen;
table_filter.indices = rows;
background.visible = chosen.length < n;
draw_brushes();
const what = frac > 0 ? ` (top ${Math.round(frac * 100)}%` + (active.length ? " and brushed)" : ")")
                      : (active.length ? " (brushed)" : "");
count.text = `<b>${chosen.length}</b> of ${n} runs selected${what}`;
