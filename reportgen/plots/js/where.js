// A typed filter, in --where's grammar: clauses joined by `and`, each FIELD OP VALUE with OP
// one of < <= > >= == != = (and ~, "contains", for text); FIELD a column of the run table
// (in backquotes when it has spaces); VALUE a number, a quoted string or a bare word.
// Missing values never match. Text without any operator finds runs by name (`name ~ text`):
// any run, also in a sweep too large to draw every line. The runs it keeps are selected
// together with the brushes and the top-k choice.
P.parse_where = function parse_where(text) {
  if (!/[<>=!~]/.test(text)) return [{field: "name", op: "~", value: text.trim()}];
  const clause = /^\s*(?:`([^`]+)`|([^\s<>=!~]+))\s*(<=|>=|==|!=|<|>|=|~)\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/;
  return text.trim().split(/\s+and\s+/i).map((part) => {
    const m = clause.exec(part);
    if (m === null) throw new Error(`cannot read "${part.trim()}": write FIELD OP VALUE joined `
                                    + "by and, e.g. val_loss < 0.5 and optimizer == adam");
    const field = m[1] ?? m[2], op = m[3] === "=" ? "==" : m[3];
    let value = m[4] ?? m[5] ?? m[6];
    if (m[6] !== undefined && m[6].trim() !== "" && Number.isFinite(Number(m[6])) && op !== "~")
      value = Number(m[6]);
    if (typeof value === "string" && !["==", "!=", "~"].includes(op))
      throw new Error(`"${part.trim()}" compares text with ${op}: use == or != for text`);
    return {field, op, value};
  });
};

// The runs (in table order) that every clause keeps, as a 0/1 mask.
P.where_mask = function where_mask(c, st, clauses) {
  const data = c.runs.data, mask = new Uint8Array(st.n).fill(1);
  const titles = Object.fromEntries(c.table.columns.map((t) => [t.title, t.field]));
  for (const {field, op, value} of clauses) {
    const key = field in data ? field : titles[field];
    if (key === undefined || !(key in data)) {
      const known = c.table.columns.map((t) => t.field).join(", ");
      throw new Error(`no column "${field}" in the run table; columns: ${known}`);
    }
    const column = data[key], f32 = column instanceof Float32Array;
    // a float32 column holds each value rounded to float32: compare with the threshold so
    // rounded, or `loss <= 0.3` would miss a run whose loss is 0.3
    const v = typeof value === "number" && f32 ? Math.fround(value) : value;
    if (op === "~" && !Array.isArray(column))
      throw new Error(`"${field} ~ ${value}": ~ (contains) is for text columns`);
    for (let i = 0; i < st.n; i++) {
      if (!mask[i]) continue;
      const x = column[i];
      let hit;
      if (x === null || x === undefined || (typeof x === "number" && Number.isNaN(x))) hit = false;
      else if (typeof v === "number") {
        const y = typeof x === "number" ? x : Number(x);
        hit = Number.isFinite(y) && (op === "<" ? y < v : op === "<=" ? y <= v : op === ">" ? y > v
          : op === ">=" ? y >= v : op === "==" ? y === v : y !== v);
      } else if (op === "~") hit = String(x).toLowerCase().includes(v.toLowerCase());
      else hit = op === "==" ? String(x) === v : String(x) !== v;
      if (!hit) mask[i] = 0;
    }
  }
  return mask;
};

// The filter box's text, applied: the mask, or the one-line reason it cannot be read.
P.set_where = function set_where(c, st) {
  const text = (c.where.value || "").trim();
  st.where_text = text;
  st.where_error = "";
  st.where = null;
  if (!text) return;
  try {
    st.where = P.where_mask(c, st, P.parse_where(text));
  } catch (e) {
    st.where_error = e.message;
  }
};

P.escape = function escape(text) {  // for the Divs, whose text Bokeh writes as HTML
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
};
