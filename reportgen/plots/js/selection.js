// Selection: the runs inside every brush and the top-k choice, in table order (best first).
P.selection = function selection(c, st) {
  const level = c.top.value === "0" ? 0 : c.top_levels[c.top.value];
  const active = Object.keys(st.brush).map(Number);
  // a brush's ends come from pixels: a press on a tick lands a hair off the level's value
  // (1.6e-8 instead of 0), so ends within a couple of pixels of a run still hold it
  const tol = st.tol || 0;
  const out = [];
  for (let i = 0; i < st.n; i++) {
    let ok = (level === 0 || (st.top[i] > 0 && st.top[i] <= level))
      && (st.where === null || st.where === undefined || st.where[i] === 1)
      && (!st.scope || st.scope[i] === 1);
    for (let a = 0; ok && a < active.length; a++) {
      const b = st.brush[active[a]], y = st.pos[active[a]][i];
      ok = y >= b[0] - tol && y <= b[1] + tol;
    }
    if (ok) out.push(i);
  }
  return {chosen: out, level, active: active.length, filtered: !!st.where};
};

// The axis under a pointer's x (in axis units), or null between axes.
P.nearest_axis = function nearest_axis(c, x) {
  const k = Math.round(x);
  return k >= 0 && k < c.n_axes && Math.abs(x - k) < 0.4 ? k : null;
};
