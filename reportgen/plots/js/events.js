// Events: each plot's CustomJS calls P.handle(args, cb_obj, cb_data). At "document_ready" it
// decodes the compact columns, places the runs on the axes, draws, and listens to the plot's
// pointer events (P.attach): a press on an axis starts a brush at once (a press held still,
// a slow drag, a touch drag all brush); a press inside a brush moves it, one on its edge
// resizes it; a press on an axis's title drags the axis. It also answers a double click
// (clear), the top-k choice, the filter, the colour choice, the axis toolbar and the buttons
// (P.mode_of names them). Each plot's state lives in window.__reportgen[runs.id]; its last 30
// events are logged there with their timings (for benchmarks/scale.py).
// Args: runs (the table's source, in table order = best first); compact (the same runs:
// `_l<j>` level codes of categorical axes, `_v<j>` values of axes not in the table, `_t`
// top-set level, `_g` sweep, `run_id`); coded ({field: levels}, decoded here); crisp, shadow
// and hovered (line sources); density and backdrop (image renderers); table, table_filter;
// brushes (a box per place); brush_labels, axis_lines, ticks (sources); axis_info (per
// column: name, kind, field, labels or scales); shown (columns drawn at first); goal, metric,
// colour_default; count, note, legend (Divs); top, where, colour (widgets); bar (the colour
// bar); plot; the axis toolbar (axis_pick, axis_left, axis_right, axis_invert, axis_scale,
// axis_hide, axis_add, axis_reset); the buttons (clear, keep, exclude, copy, ids, csv);
// top_levels; palette; level_colors; groups; group_colors; lod (thresholds and geometry).
P.init = function init(c) {
  const runs = c.runs, n = runs.get_length(), lod = c.lod;
  const data = Object.assign({}, runs.data);
  for (const [field, levels] of Object.entries(c.coded)) {
    const codes = data[field];
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = codes[i] === 0 ? null : levels[codes[i] - 1];
    data[field] = out;
  }
  runs.data = data;
  c.table.change.emit();  // the table keeps its rows until told: show the decoded text
  let width = 980, height = 400;  // the frame in pixels, from Bokeh's view when it is there
  const view = P.view_of(c.plot);
  if (view && view.frame) {
    const xs = view.frame.x_scale, ys = view.frame.y_scale;
    width = Math.abs(xs.compute(c.shown - 1) - xs.compute(0));
    height = Math.abs(ys.compute(lod.y1) - ys.compute(lod.y0));
  }
  const more = c.compact.data;
  const st = {n, brush: {}, drag: null, view, width, scope: null, scope_n: n,
              rows: Math.max(50, Math.round(height)),
              tol: 2 * (lod.y1 - lod.y0) / Math.max(height, 1),  // two pixels, in axis units
              group: more._g, top: more._t};
  P.store()[runs.id] = st;
  P.init_axes(c, st, data);  // places the runs on the axes and the grey lines behind
  return st;
};

P.store = function store() {
  return (window.__reportgen = window.__reportgen || {});
};

P.view_of = function view_of(model) {  // Bokeh's view of a model, once the page has one
  return window.Bokeh && Bokeh.index ? [...Bokeh.index.all_views()].find(
    (v) => v.model === model) : undefined;
};

// Which control an event comes from: a widget's change comes as cb_obj, a button's click
// as an event whose origin is the button, a plot's event as its name.
P.mode_of = function mode_of(c, cb_obj, cb_data) {
  const who = cb_obj && cb_obj.origin ? cb_obj.origin : cb_obj;
  const controls = {top: c.top, where: c.where, colour: c.colour, clear: c.clear,
                    keep: c.keep, exclude: c.exclude, copy: c.copy, ids: c.ids, csv: c.csv,
                    pick: c.axis_pick, left: c.axis_left, right: c.axis_right,
                    invert: c.axis_invert, scale: c.axis_scale, hide: c.axis_hide,
                    add: c.axis_add, reset: c.axis_reset};
  for (const [mode, model] of Object.entries(controls)) if (model === who) return mode;
  return (cb_data && cb_data.event_name) || cb_obj.event_name;
};

P.handle = function handle(c, cb_obj, cb_data) {
  const t_start = performance.now();
  const mode = P.mode_of(c, cb_obj, cb_data);
  const st = P.store()[c.runs.id] ?? P.init(c);
  if (st.quiet) return;  // the page's own change of a control
  if (mode === "document_ready") {
    st.c = c;
    P.follow_theme();  // the figures dark on a dark page
    P.restore_view(c, st);
    if (st.pending_top !== undefined) {  // its change draws, and then the page is ready
      const top = st.pending_top;
      delete st.pending_top;
      c.top.value = top;
    } else P.draw(c, st);
    P.attach(c, st);
    st.ready = true;
    st.last = {mode, start: t_start, end: performance.now()};  // ms since the page began
    // the grey backdrop of a large sweep, ready before the first brush
    if (st.n > c.lod.crisp_runs && st.pos.length > 1)
      setTimeout(() => P.make_backdrop(c, st), 400);  // after the first paint, not before it
    return;
  }
  if (mode === "doubletap") {
    const k = P.nearest_axis(st, cb_obj.x);
    if (k === null) st.brush = {}; else delete st.brush[st.axes[k]];
  } else if (mode === "copy" || mode === "ids") {
    P.copy_names(c, st, mode);
    return;
  } else if (mode === "csv") {
    P.download_csv(c, st);
    return;
  } else if (mode === "pick") {
    P.axis_toolbar(c, st);
    return;
  } else if (["left", "right", "invert", "scale", "hide", "add", "reset"].includes(mode)) {
    if (!P.axis_action(c, st, mode)) { P.axis_toolbar(c, st); return; }
  } else if (mode === "clear" || mode === "keep" || mode === "exclude") {
    if (mode === "clear") P.scope_to(c, st, null, st.n);  // every run back in view
    else P.set_scope(c, st, mode === "keep");
    st.brush = {};
    let pending = false;  // a widget's change draws
    if (c.where.value) { c.where.value = ""; pending = true; }
    if (c.top.value !== "0") { c.top.value = "0"; pending = true; }
    if (pending) return;
  } else if (mode === "where") {
    P.set_where(c, st);
  }
  P.draw(c, st);
  if (mode === "where") P.show_found(c, st);
  P.log(st, mode, t_start);
  if (st.ready) P.save_view();
};

P.log = function log(st, mode, start) {  // for benchmarks/scale.py
  st.last = {mode, start, end: performance.now()};
  st.log = (st.log || []).slice(-30).concat([st.last]);
};

// Brushing from the pointer: Bokeh's pan gesture waits for movement and gives way to its
// press gesture after 300 ms, so a hand that rests before dragging made no brush; pointer
// events start at the press. Vertical touch drags brush (horizontal ones still scroll).
// A press on an axis's title drags the axis to another place; a click on it picks it in
// the axis toolbar.
P.attach = function attach(c, st) {
  const view = st.view, el = view && view.canvas_view ? view.canvas_view.events_el : null;
  if (el === null) return;
  el.style.touchAction = "pan-x pinch-zoom";
  const at = (ev) => {
    const r = el.getBoundingClientRect();
    return [view.frame.x_scale.invert(ev.clientX - r.left),
            view.frame.y_scale.invert(ev.clientY - r.top)];
  };
  const on_title = (y) => y > c.plot.y_range.end;  // above the frame: the axes' titles
  el.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    const [x, y] = at(ev), k = P.nearest_axis(st, x, on_title(y) ? 0.5 : 0.4);
    // a click (no drag) on a line selects its row in the run table, beside one clears it
    st.pressed = {line: P.nearest_line(c, st, x, y), x: ev.clientX, y: ev.clientY};
    if (k === null) return;
    ev.preventDefault();
    el.setPointerCapture(ev.pointerId);
    P.unhover(c, st);
    st.drag = on_title(y) ? {k, mode: "axis", column: st.axes[k]} : P.grab(st, st.axes[k], y);
  });
  el.addEventListener("pointermove", (ev) => {
    const [x, y] = at(ev);
    if (st.drag === null) {
      el.style.cursor = on_title(y) && P.nearest_axis(st, x, 0.5) !== null ? "grab" : "";
      P.hover(c, st, x, y, ev.clientX, ev.clientY);
      return;
    }
    const t = performance.now();
    if (st.drag.mode === "axis") {  // the axis follows the pointer from place to place
      const to = Math.max(0, Math.min(st.axes.length - 1, Math.round(x)));
      const from = st.axes.indexOf(st.drag.column);
      if (to === from) return;
      P.move_axis(st, from, to);
      st.drag.moved = true;
      P.place(c, st);
      P.draw(c, st);
      P.log(st, "reorder", t);
      return;
    }
    P.move_brush(st, y);
    const j = st.drag.k, b = st.brush[j];
    if (!c.lod.live) {  // large sweeps: the box follows, the selection waits for the release
      const box = c.brushes[st.axes.indexOf(j)];
      box.bottom = b[0]; box.top = b[1]; box.visible = true;
      P.label_brushes(c, st);
      return;
    }
    P.draw(c, st);
    P.log(st, "pan", t);
  });
  const release = (ev) => {
    const p = st.pressed, d = st.drag;
    const clicked = p && Math.abs(ev.clientX - p.x) + Math.abs(ev.clientY - p.y) < 4;
    st.pressed = null;
    if (clicked && (d === null || d.mode === "new")) P.select_row(c, st, p.line);
    if (d === null) return;
    st.drag = null;
    if (d.mode === "axis") {
      if (!d.moved) c.axis_pick.value = c.axis_info[d.column].name;  // picked in the toolbar
      else P.save_view();
      return;
    }
    const t = performance.now(), b = st.brush[d.k];
    if (d.mode === "new" && (b === undefined || b[1] - b[0] < 0.01)) delete st.brush[d.k];
    P.draw(c, st);
    P.log(st, "panend", t);
    P.save_view();
  };
  el.addEventListener("pointerleave", () => P.unhover(c, st));
  P.tab_leaves_table(c);
  P.table_copy(c);
  P.link_table(c, st);
  el.addEventListener("pointerup", release);
  el.addEventListener("pointercancel", release);
};

// Tab moves on from the run table: its grid took Tab to walk from cell to cell, so the
// keyboard could not leave it (400 presses stayed inside); the arrow keys still walk cells.
P.tab_leaves_table = function tab_leaves_table(c) {
  const view = P.view_of(c.table);
  if (!view) return;
  view.el.addEventListener("keydown", (ev) => {
    if (ev.key === "Tab") ev.stopPropagation();  // before the grid sees it; focus moves on
  }, true);
};

// What a press at height y on column k's axis takes hold of: an edge of its brush
// (resize), the brush itself (move), or nothing yet (a new brush from y).
P.grab = function grab(st, k, y) {
  const b = st.brush[k], edge = 2 * (st.tol || 0.005);
  if (b !== undefined && b[1] - b[0] > 4 * edge) {
    if (Math.abs(y - b[0]) <= edge) return {k, mode: "low"};
    if (Math.abs(y - b[1]) <= edge) return {k, mode: "high"};
    if (y > b[0] && y < b[1]) return {k, mode: "move", offset: y - b[0], span: b[1] - b[0]};
  }
  return {k, mode: "new", y0: y};
};

P.move_brush = function move_brush(st, y) {
  const d = st.drag, b = st.brush[d.k];
  if (d.mode === "new") st.brush[d.k] = [Math.min(d.y0, y), Math.max(d.y0, y)];
  else if (d.mode === "move") {
    const low = Math.min(Math.max(y - d.offset, -0.02), 1.02 - d.span);
    st.brush[d.k] = [low, low + d.span];
  } else {
    const other = d.mode === "low" ? b[1] : b[0];
    st.brush[d.k] = [Math.min(other, y), Math.max(other, y)];
    d.mode = y <= other ? "low" : "high";  // dragged past the other edge: it becomes this one
  }
};
