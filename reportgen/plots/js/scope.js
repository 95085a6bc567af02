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
  if (st.n <= c.lod.crisp_runs || c.n_axes < 2) {
    const xs = [], ys = [];
    for (let i = 0; i < st.n; i++) {
      if (scope && !scope[i]) continue;
      const l = P.line(c, st, i);
      xs.push(l[0]); ys.push(l[1]);
    }
    c.shadow.data = {xs, ys};
  }
};

P.copy_names = function copy_names(c, st) {
  const {chosen} = P.selection(c, st), names = c.runs.data.name;
  const text = chosen.map((i) => names[i]).join("\n") + "\n";
  const said = (how) => {
    c.copy.label = `${how} ${chosen.length.toLocaleString("en-US")} name(s)`;
    setTimeout(() => { c.copy.label = "Copy run names"; }, 2500);
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
