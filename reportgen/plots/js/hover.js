// Hover: the one drawn line nearest the pointer (within a few pixels) is highlighted and its
// run shown in one small box: Bokeh's hover tool stacked a box for every line under the
// pointer, 3–5 boxes 465 px tall over the axes. Text goes in as text: run names are the
// users' own. A click on a line selects its row in the run table (scrolled into view);
// hovering a table row draws its run's line thick, even a run the plot draws as density.
P.nearest_line = function nearest_line(c, st, x, y) {
  const ys = c.crisp.data.ys, k = st.pos.length;
  if (!ys || ys.length === 0 || x < -0.1 || x > k - 0.9) return -1;
  const j = Math.max(0, Math.min(k - 2, Math.floor(x)));
  const t = k > 1 ? Math.min(1, Math.max(0, x - j)) : 0;
  let best = -1, dist = 3 * (st.tol || 0.005);
  for (let m = 0; m < ys.length; m++) {  // later lines are drawn on top: they win ties
    const line = ys[m], at = k > 1 ? line[j] + (line[j + 1] - line[j]) * t : line[0];
    const e = Math.abs(at - y);
    if (e <= dist) { dist = e; best = m; }
  }
  return best;
};

P.hover = function hover(c, st, x, y, cx, cy) {
  const m = P.nearest_line(c, st, x, y);
  if (m < 0) { P.unhover(c, st); return; }
  const d = c.crisp.data, tip = P.tip(st);
  if (st.hovered !== m) {
    st.hovered = m;
    P.highlight(c, [d.xs[m], d.ys[m]]);
    const i = d.row[m], rows = [["run", d.name[m]]];
    if (c.groups.length) rows.push(["sweep", c.groups[st.group[i]]]);
    for (const j of st.axes) rows.push([c.axis_info[j].name, P.value_text(c, st, j, i)]);
    tip.replaceChildren(...rows.map(([what, value]) => {
      const row = document.createElement("div"), key = document.createElement("b");
      key.textContent = what + " ";
      row.append(key, String(value));
      return row;
    }));
  }
  const r = st.view.el.getBoundingClientRect();
  tip.style.left = Math.min(cx - r.left + 14, r.width - 200) + "px";
  tip.style.top = (cy - r.top + 14) + "px";
  tip.style.display = "block";
};

P.value_text = function value_text(c, st, j, i) {  // run i's value of column j, as text
  const a = c.axis_info[j], v = st.raw[j][i];
  if (a.kind === "categorical") return v === 0 ? "missing" : a.labels[v - 1];
  return P.fmt(typeof v === "number" ? v : NaN);
};

P.unhover = function unhover(c, st, all) {  // `all`: a table row's or a found run's too
  if (st.hovered === undefined || st.hovered === -1 || (st.hovered === -2 && !all)) return;
  st.hovered = -1;
  P.highlight(c, null);
  if (st.tip) st.tip.style.display = "none";
};

P.highlight = function highlight(c, line) {  // one run's line drawn thick, or none
  c.hovered.data = line ? {xs: [line[0]], ys: [line[1]]} : {xs: [], ys: []};
};

P.tip = function tip(st) {  // the one box, made on the first hover
  if (!st.tip) {
    const el = document.createElement("div");
    el.className = "reportgen-tip";
    el.style.cssText = "position:absolute;display:none;pointer-events:none;z-index:10;"
      + "background:var(--bg,#fff);color:var(--fg,#1d1d1f);border:1px solid var(--line,#bbb);"
      + "border-radius:4px;"
      + "padding:4px 8px;font:12px/1.45 sans-serif;max-width:320px;"
      + "box-shadow:0 1px 4px rgba(0,0,0,.2);overflow-wrap:anywhere";
    (st.view.shadow_el || st.view.el).appendChild(el);
    st.tip = el;
  }
  return st.tip;
};

// The run table's rows and the plot's lines, linked both ways.
P.link_table = function link_table(c, st) {
  const view = P.view_of(c.table);
  if (!view || !view.grid) return;
  view.grid.onMouseEnter.subscribe((e) => {
    const cell = view.grid.getCellFromEvent(e);
    if (!cell || st.drag) return;
    const i = view.data.index[cell.row];
    if (i === undefined) return;
    st.hovered = -2;  // a table row, not a drawn line
    P.highlight(c, P.line(c, st, i));
  });
  view.grid.onMouseLeave.subscribe(() => {
    if (st.hovered === -2) { st.hovered = -1; P.highlight(c, null); }
  });
};

P.select_row = function select_row(c, st, m) {  // m: a drawn line, or -1 for none
  c.runs.selected.indices = m < 0 ? [] : [c.crisp.data.row[m]];
};

// A filter that finds exactly one run (its name typed in the box): its line drawn thick,
// even when the plot draws the selection as a density, and its row selected in the table.
P.show_found = function show_found(c, st) {
  const {chosen} = P.selection(c, st);
  if (!st.where || chosen.length !== 1) return;
  st.hovered = -2;
  P.highlight(c, P.line(c, st, chosen[0]));
  c.runs.selected.indices = [chosen[0]];
};
