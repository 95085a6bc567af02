// Formatting: numbers as reportgen.formatting.fmt_number writes them (a browser test holds
// the two equal), and colours packed for an RGBA image.
P.fmt = function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "missing";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const m = Math.abs(v);
  if (m >= 1e6 || m < 1e-3) {
    const [mant, exp] = v.toExponential(3).split("e");
    return mant.replace(/\.?0+$/, "") + "e" + Number(exp);
  }
  return String(Number(v.toPrecision(4)));
};

P.rgba = function rgba(hex, alpha) {  // little-endian RGBA packed into one uint32
  const c = parseInt(hex.slice(1), 16);
  return ((alpha << 24) | ((c & 0xff) << 16) | (c & 0xff00) | ((c >> 16) & 0xff)) >>> 0;
};

P.unescape = function unescape(text) {  // a column title as written (the table's is HTML)
  const el = document.createElement("textarea");
  el.innerHTML = String(text);
  return el.value;
};
