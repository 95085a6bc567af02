// Selection: the runs in view (kept, not set aside) that pass the filter, the top-k choice
// and every brush, in table order (best first).
P.selection = function selection(c, st) {
  const level = c.top.value === "0" ? 0 : c.top_levels[c.top.value];
  const active = Object.keys(st.brush).map(Number);
  const where = st.where || null, scope = st.scope || null, top = st.top;
  // a brush's ends come from pixels: a press on a tick lands a hair off the level's value
  // (1.6e-8 instead of 0), so ends within a couple of pixels of a run still hold it
  const tol = st.tol || 0, lows = active.map((j) => st.brush[j][0] - tol);
  const highs = active.map((j) => st.brush[j][1] + tol), places = active.map((j) => st.cols[j]);
  const out = [];
  for (let i = 0; i < st.n; i++) {
    let ok = (level === 0 || (top[i] > 0 && top[i] <= level))
      && (where === null || where[i] === 1) && (scope === null || scope[i] === 1);
    for (let a = 0; ok && a < active.length; a++) {
      const y = places[a][i];
      ok = y >= lows[a] && y <= highs[a];
    }
    if (ok) out.push(i);
  }
  return {chosen: out, level, active: active.length, filtered: where !== null};
};

// The place of the drawn axis under a pointer's x (in axis units), or null between axes
// (farther than `reach`).
P.nearest_axis = function nearest_axis(st, x, reach = 0.4) {
  const k = Math.round(x);
  return k >= 0 && k < st.pos.length && Math.abs(x - k) < reach ? k : null;
};
