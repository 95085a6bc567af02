// Drawing: a run's polyline, the density of a large selection (a rasteriser into an RGBA
// image), the grey backdrop, and one repaint of plot, brushes, count, note and table.
P.line = function line(c, st, i) {
  const k = st.pos.length, xs = new Array(k), ys = new Array(k);
  for (let j = 0; j < k; j++) { xs[j] = j; ys[j] = st.pos[j][i]; }
  return [xs, ys];
};

// Every chosen run's polyline counted into a (rows x gap*(k-1)) grid. Lines are first binned
// per pair of axes by their end rows, so each distinct segment is drawn once with its weight:
// the work is bounded by bins^2 per gap, not by the runs. Each pixel keeps its count and, per
// channel, the sum of the runs' values through it (for a mean): a numeric colouring one
// channel, the colour rank (runs without a value left out); by levels three, the level
// colour's R, G and B.
P.rasterise = function rasterise(c, st, chosen, channels, valid) {
  const lod = c.lod, k_axes = st.pos.length;
  const W = st.gap * (k_axes - 1), H = st.rows, span = lod.y1 - lod.y0;
  const k = channels.length;
  const count = new Float32Array(W * H), rated = new Float32Array(W * H);
  const sums = channels.map(() => new Float32Array(W * H));
  const bins = Math.min(H, 200), scale = bins / span, cells = bins * bins;
  const cnt = new Float32Array(cells), nrated = new Float32Array(cells);
  const csum = channels.map(() => new Float32Array(cells));
  for (let j = 0; j + 1 < k_axes; j++) {
    cnt.fill(0); nrated.fill(0); csum.forEach((s) => s.fill(0));
    const a = st.pos[j], b = st.pos[j + 1];
    for (let m = 0; m < chosen.length; m++) {
      const i = chosen[m];
      const r0 = Math.min(bins - 1, Math.max(0, Math.floor((a[i] - lod.y0) * scale)));
      const r1 = Math.min(bins - 1, Math.max(0, Math.floor((b[i] - lod.y0) * scale)));
      const cell = r0 * bins + r1;
      cnt[cell] += 1;
      if (valid === null || valid[i] > 0) {
        nrated[cell] += 1;
        for (let q = 0; q < k; q++) csum[q][cell] += channels[q][i];
      }
    }
    const x0 = j * st.gap, rowscale = H / bins;
    for (let cell = 0; cell < cells; cell++) {
      const w = cnt[cell];
      if (w === 0) continue;
      const r = nrated[cell];
      const y0 = (Math.floor(cell / bins) + 0.5) * rowscale, y1 = (cell % bins + 0.5) * rowscale;
      let prev = Math.floor(y0);
      for (let x = 0; x < st.gap; x++) {
        const row = Math.min(H - 1, Math.floor(y0 + (y1 - y0) * (x + 1) / st.gap));
        const lo = Math.min(prev, row), hi = Math.max(prev, row);
        for (let rr = lo; rr <= hi; rr++) {
          const p = rr * W + x0 + x;
          count[p] += w; rated[p] += r;
          for (let q = 0; q < k; q++) sums[q][p] += csum[q][cell];
        }
        prev = row;
      }
    }
  }
  return {count, rated, sums, W, H};
};

// The grid as an image: alpha grows with the log of the count; colour is the mean colour rank
// of the runs through the pixel (a numeric colouring), the mean of their levels' colours
// (by levels), or grey (the backdrop: `col` null).
P.paint = function paint(c, renderer, st, chosen, col, max_alpha) {
  const how = col === null ? "grey" : col.kind;
  const channels = how === "levels" ? col.rgb : how === "rank" ? [col.code] : [];
  const grid = P.rasterise(c, st, chosen, channels, how === "rank" ? col.code : null);
  const {count, rated, sums, W, H} = grid;
  let most = 0;
  for (let p = 0; p < count.length; p++) if (count[p] > most) most = count[p];
  const norm = 1 / Math.log1p(most || 1);
  const packed = c.palette.map((hex) => P.rgba(hex, 0)), grey = P.rgba(c.lod.grey, 0);
  const src = renderer.data_source, Image = src.data.image[0].constructor;
  const img = new Image(new Uint32Array(W * H), [H, W]);
  for (let p = 0; p < count.length; p++) {
    if (count[p] === 0) continue;
    const alpha = Math.round(max_alpha * (0.2 + 0.8 * Math.log1p(count[p]) * norm));
    let base = grey;
    if (how === "rank") base = rated[p] > 0 ? packed[Math.round(sums[0][p] / rated[p])]
                                              : packed[0];
    else if (how === "levels") base = (Math.round(sums[2][p] / rated[p]) << 16)
      | (Math.round(sums[1][p] / rated[p]) << 8) | Math.round(sums[0][p] / rated[p]);
    img[p] = (base | (alpha << 24)) >>> 0;
  }
  src.data = {image: [img], x: [0], y: [c.lod.y0], dw: [st.pos.length - 1],
              dh: [c.lod.y1 - c.lod.y0]};
};

P.make_backdrop = function make_backdrop(c, st) {  // every run in view in grey, behind
  if (st.backdrop) return;
  const all = [];
  for (let i = 0; i < st.n; i++) if (!st.scope || st.scope[i]) all.push(i);
  P.paint(c, c.backdrop, st, all, null, 150);
  st.backdrop = true;
};

// The selection's lines (every run, or above crisp_runs a density and the best lod_lines as
// lines), the grey runs behind, the brushes, the count and note, and the table's rows.
P.draw = function draw(c, st) {
  const {chosen, level, active, filtered} = P.selection(c, st);
  const lod = c.lod, total = st.n, n = st.scope ? st.scope_n : st.n;  // n: the runs in view
  const k = st.pos.length, dense = chosen.length > lod.crisp_runs && k > 1;
  const col = P.colouring(c, st, chosen);
  P.show_colouring(c, st, col);
  if (dense) P.paint(c, c.density, st, chosen, col, 235);
  c.density.visible = dense;
  const shown = dense ? chosen.slice(0, lod.lod_lines) : chosen;
  const cols = {xs: [], ys: [], color: [], name: [], row: []};
  const names = c.runs.data.name;
  for (let m = shown.length - 1; m >= 0; m--) {  // worst first: the best are drawn on top
    const i = shown[m], l = P.line(c, st, i);
    cols.xs.push(l[0]); cols.ys.push(l[1]); cols.color.push(col.of(i));
    cols.name.push(names[i]); cols.row.push(i);
  }
  c.crisp.data = cols;
  P.unhover(c, st, true);  // the lines changed under the pointer
  const behind = total > lod.crisp_runs && chosen.length < n && k > 1;
  if (behind) P.make_backdrop(c, st);
  c.backdrop.visible = behind;
  for (const r of c.plot.renderers)  // the grey lines of the unselected runs
    if (r.data_source === c.shadow) r.visible = chosen.length < n && total <= lod.crisp_runs;
  // the table follows once the plot has painted: at 100,000 runs its update is the slow part
  const rows = chosen.length === total ? null : chosen;
  const token = (st.token = (st.token || 0) + 1);
  if (total <= lod.crisp_runs) c.table_filter.indices = rows;
  else requestAnimationFrame(() => setTimeout(() => {
    if (st.token === token) c.table_filter.indices = rows;
  }, 0));
  c.brushes.forEach((box, slot) => {
    const b = slot < k ? st.brush[st.axes[slot]] : undefined;
    if (b === undefined) { box.visible = false; return; }
    box.bottom = b[0]; box.top = b[1]; box.visible = true;
  });
  P.label_brushes(c, st);
  const how = [level > 0 ? `top ${Math.round(parseFloat(c.top.value) * 100)}%` : "",
               active ? "brushed" : "", filtered ? "filtered" : ""].filter((w) => w);
  const what = how.length ? ` (${how.join(" and ")})` : "";
  c.count.text = `<b>${chosen.length.toLocaleString("en-US")}</b> of `
                 + `${n.toLocaleString("en-US")} runs selected${what}`
                 + (st.scope ? `; ${(total - n).toLocaleString("en-US")} of the sweep's `
                    + `${total.toLocaleString("en-US")} set aside` : "")
                 + (st.where_error ? ` <span style="color:#b3261e">· filter not applied: `
                    + `${P.escape(st.where_error)}</span>` : "");
  const which = chosen.length < n ? `the ${chosen.length.toLocaleString("en-US")} selected runs`
                                  : `all ${n.toLocaleString("en-US")} runs`;
  c.note.text = dense ? `Drawn: ${which} as a density (stronger where more runs pass; colour: `
    + (col.kind === "levels" ? "the levels of the runs through each pixel, mixed by their share"
                             : "the mean colour rank of the runs through each pixel")
    + `), and the best ${shown.length} as lines` + (chosen.length < n
      ? "; the other runs in grey behind." : ".") : "";
};

// Each brush's range in the axis's own values, written beside it: its two ends on a numeric
// axis, the levels it holds on a categorical one.
P.label_brushes = function label_brushes(c, st) {
  const x = [], y = [], text = [];
  st.axes.forEach((j, slot) => {
    const b = st.brush[j], a = c.axis_info[j];
    if (b === undefined) return;
    if (a.kind === "categorical") {
      const n = a.labels.length, tol = st.tol || 0;
      const held = a.labels.filter((_, i) => {
        const spot = P.spot(i, n), at = st.inverted[j] ? 1 - spot : spot;
        return at >= b[0] - tol && at <= b[1] + tol;
      });
      x.push(slot - 0.09); y.push((Math.max(b[0], 0) + Math.min(b[1], 1)) / 2);
      text.push(held.length === 0 ? "none" : held.length <= 2 ? held.join(", ")
                : `${held[0]} … ${held[held.length - 1]}`);
    } else {
      for (const end of b) {
        x.push(slot - 0.09); y.push(end); text.push(P.fmt(P.to_value(c, st, j, end)));
      }
    }
  });
  c.brush_labels.data = {x, y, text};
};
