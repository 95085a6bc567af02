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
  const text = chosen.map((i) => ids[i]).join("\n") + "\n";
  const button = what === "ids" ? c.ids : c.copy, label = button.label;
  const said = (how) => {
    button.label = `${how} ${chosen.length.toLocaleString("en-US")} ${what === "ids" ? "id" : "name"}(s)`;
    setTimeout(() => { button.label = label; }, 2500);
  };
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

// The selected runs as CSV, in table order: run id (when the ids are not the names), then
// the run table's columns, each value as recorded (numbers to the last digit the report
// holds, times in ISO 8601 UTC, missing values empty).
P.selection_csv = function selection_csv(c, st) {
  const {chosen} = P.selection(c, st), data = c.runs.data;
  const columns = c.table.columns.map((t) => ({field: t.field, title: P.unescape(t.title),
    time: t.formatter && t.formatter.type === "DateFormatter"}));
  if (c.compact.data.run_id) columns.unshift({field: "run_id", title: "run_id", time: false});
  const cell = (v, time) => {
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
    if (time) return new Date(v).toISOString().replace(".000Z", "Z");
    const text = typeof v === "number" ? (Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf")
                                       : String(v);
    return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((col) => cell(col.title, false)).join(",")];
  for (const i of chosen)
    lines.push(columns.map((col) => cell((data[col.field] ?? c.compact.data[col.field])[i],
                                         col.time)).join(","));
  return lines.join("\r\n") + "\r\n";
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
