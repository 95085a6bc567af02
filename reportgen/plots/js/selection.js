// Selection: the runs in view (kept, not set aside) that pass the filter, the top-k choice
// and every brush, in table order (best first).
P.selection = function selection(c, st) {
  const level = c.top.value === "0" ? 0 : c.top_levels[c.top.value];
  const active = Object.keys(st.brush).map(Number);
  const where = st.where || null, scope = st.scope || null, top = st.top;
  // a brush's ends come from pixels: a press on a tick lands a hair off the level's value
  // (1.6e-8 instead of 0), so ends within a couple of pixels of a run still hold it
  const tol = st.tol || 0;
  const out = [];
  for (let i = 0; i < st.n; i++) {
    let ok = (level === 0 || (top[i] > 0 && top[i] <= level))
      && (where === null || where[i] === 1) && (scope === null || scope[i] === 1);
    for (let a = 0; ok && a < active.length; a++) {
      const b = st.brush[active[a]], y = st.pos[active[a]][i];
      ok = y >= b[0] - tol && y <= b[1] + tol;
    }
    if (ok) out.push(i);
  }
  return {chosen: out, level, active: active.length, filtered: where !== null};
};

// The axis under a pointer's x (in axis units), or null between axes.
P.nearest_axis = function nearest_axis(c, x) {
  const k = Math.round(x);
  return k >= 0 && k < c.n_axes && Math.abs(x - k) < 0.4 ? k : null;
};
