// The selection as data: keep it (the view narrows to it: brushes, filter and top-k then work
// within it) or exclude it (set aside); "Clear selection" brings every run back. Copy the
// selected runs' names, one a line, in table order.
P.set_scope = function set_scope(c, st, keep) {
  const {chosen} = P.selection(c, st), scope = new Uint8Array(st.n);
  if (keep) for (const i of chosen) scope[i] = 1;
  else {
    if (st.scope) scope.set(st.scope); else scope.fill(1);
    for (const i of chosen) scope[i] = 0;
  }
  let n = 0;
  for (let i = 0; i < st.n; i++) n += scope[i];
  P.scope_to(c, st, scope, n);
};

P.scope_to = function scope_to(c, st, scope, n) {  // scope null: every run
  st.scope = scope;
  st.scope_n = scope ? n : st.n;
  st.backdrop = false;  // the grey runs behind a selection are the runs in view
  if (st.n <= c.lod.crisp_runs || st.pos.length < 2) {
    const xs = [], ys = [];
    for (let i = 0; i < st.n; i++) {
      if (scope && !scope[i]) continue;
      const l = P.line(c, st, i);
      xs.push(l[0]); ys.push(l[1]);
    }
    c.shadow.data = {xs, ys};
  }
};

// The selected runs' names, or (`what` "ids") their run ids, one a line, to the clipboard.
P.copy_names = function copy_names(c, st, what) {
  const {chosen} = P.selection(c, st), names = c.runs.data.name;
  const ids = what === "ids" ? c.compact.data.run_id ?? names : names;
  const button = what === "ids" ? c.ids : c.copy, label = button.label;
  P.clipboard(chosen.map((i) => ids[i]).join("\n") + "\n", (how) => {
    button.label = `${how} ${chosen.length.toLocaleString("en-US")} ${what === "ids" ? "id" : "name"}(s)`;
    setTimeout(() => { button.label = label; }, 2500);
  });
};

P.clipboard = function clipboard(text, said) {  // `said("Copied" or "Could not copy")`
  const by_hand = () => {  // without clipboard access: the old way
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    said(ok ? "Copied" : "Could not copy");
  };
  if (navigator.clipboard && window.isSecureContext)
    navigator.clipboard.writeText(text).then(() => said("Copied"), by_hand);
  else by_hand();
};

// Ctrl+C (Cmd+C) on the run table's selected rows copies them as tab-separated values with a
// header, each value as recorded: Bokeh's own copy wrote float32 digits and times as epoch
// milliseconds.
P.table_copy = function table_copy(c) {
  const view = P.view_of(c.table);
  if (!view) return;
  view.el.addEventListener("keydown", (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.key.toLowerCase() !== "c") return;
    const picked = new Set(c.runs.selected.indices);
    if (!picked.size) return;
    ev.stopPropagation();  // before the grid's own copy
    ev.preventDefault();
    const order = view.data && view.data.index ? [...view.data.index]
                                               : [...picked].sort((a, b) => a - b);
    const rows = order.filter((i) => picked.has(i));
    P.clipboard(P.rows_text(c, rows, "\t"), () => {});
  }, true);
};

// Rows of the run table as text: a header, then one line a run; `sep` "," (CSV, quoted where
// needed) or a tab (values with tabs or line breaks get spaces). Each value as recorded:
// numbers to their last digit, times in ISO 8601 UTC, missing values empty.
P.rows_text = function rows_text(c, rows, sep) {
  const data = c.runs.data, more = c.compact.data;
  const columns = c.table.columns.map((t) => ({field: t.field, title: P.unescape(t.title),
    time: t.formatter && t.formatter.type === "DateFormatter"}));
  if (more.run_id) columns.unshift({field: "run_id", title: "run_id", time: false});
  const cell = (v, time) => {
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
    if (time) return new Date(v).toISOString().replace(".000Z", "Z");
    const text = typeof v === "number" ? (Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf")
                                       : String(v);
    if (sep !== ",") return text.replace(/[\t\r\n]/g, " ");
    return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((col) => cell(col.title, false)).join(sep)];
  for (const i of rows)
    lines.push(columns.map((col) => cell((data[col.field] ?? more[col.field])[i], col.time))
      .join(sep));
  return lines.join("\r\n") + "\r\n";
};

// The selected runs as CSV, in table order: run id (when the ids are not the names), then
// the run table's columns.
P.selection_csv = function selection_csv(c, st) {
  return P.rows_text(c, P.selection(c, st).chosen, ",");
};

P.download_csv = function download_csv(c, st) {
  const blob = new Blob([P.selection_csv(c, st)], {type: "text/csv;charset=utf-8"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${c.plot.tags[0] || "runs"}-selection.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
};
