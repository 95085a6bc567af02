// The dark page: when the reader's system asks for dark, the figures and their widgets turn
// dark with the page instead of sitting on it as white blocks. Bokeh draws a light theme:
// every colour property of every model that holds one of the light theme's colours is swapped
// for its dark counterpart (the data's colours, Viridis and the sweep colours, stay), and each
// view's shadow root gets the widgets' and the run table's dark colours. Printing is always
// light: the swap is undone before printing and made again after.
P.DARK = {
  "white": "#1c1f24", "#fff": "#1c1f24", "#ffffff": "#1c1f24",
  "black": "#e8eaed", "#000": "#e8eaed", "#000000": "#e8eaed", "#1d1d1f": "#e8eaed",
  "#212121": "#e0e0e0", "#222222": "#eeeeee", "#424242": "#bdbdbd", "#444444": "#c4c7cc",
  "#555555": "#b0b4ba", "#757575": "#9aa0a6", "#e5e5e5": "#3a3e45", "#f1f1f1": "#2a2e35",
  "#c8c8c8": "#5c6068", "lightgray": "#4a4f57", "#3b528b": "#7d98d8", "#174a7e": "#9cc4f0",
};

P.DARK_CSS = `@media screen and (prefers-color-scheme: dark) {
  :host { --color: #e8eaed; --background-color: #23262c; --hover-color: #2d3138;
    --border-color: #4a4f57; --divider-color: #3a3e45; --disabled-color: #8a8f96;
    --disabled-background-color: #2a2e35; --surface-background-color: #2a2e35;
    --inactive-bg: #2a2e35; --inactive-fg: #8a8f96; --placeholder-color: #8a8f96;
    --active-bg: #2d3b55; --icon-color: #b0b4ba; color: #e8eaed; }
  .bk-input, .bk-btn, select, option { color: #e8eaed; background-color: #23262c; }
  select.bk-input { background-image: url('data:image/svg+xml;utf8,<svg version="1.1" viewBox="0 0 25 20" xmlns="http://www.w3.org/2000/svg"><path d="M 0,0 25,0 12.5,20 Z" fill="%23e8eaed" /></svg>'); }
  .slick-header-column, .slick-header, .slick-headerrow, .slick-pane-header,
  .slick-viewport, .grid-canvas, .slick-row, .slick-cell {
    background: #1c1f24 !important; color: #e8eaed; border-color: #3a3e45 !important; }
  .slick-row.odd, .slick-row.odd .slick-cell { background: #22262c !important; }
  .slick-cell.selected, .slick-row.active .slick-cell { background: #2d3b55 !important; }
}`;

P.dark_wanted = function dark_wanted() {
  return window.matchMedia && matchMedia("screen and (prefers-color-scheme: dark)").matches;
};

// Swap the figures' colours to dark (`dark` true) or back to the light ones they were built with.
P.theme = function theme(dark) {
  if (!window.Bokeh) return;
  const saved = (P.theme_saved = P.theme_saved || new WeakMap());
  for (const doc of Bokeh.documents) for (const m of doc.all_models) {
    if (!m.properties) continue;
    const was = saved.get(m) || {};
    for (const name of Object.keys(m.properties)) {
      if (!name.endsWith("color")) continue;
      if (!dark) {
        if (name in was) m[name] = was[name];
        continue;
      }
      const v = m[name], text = typeof v === "string" ? v
        : v && typeof v === "object" && typeof v.value === "string" ? v.value : null;
      const to = text === null ? undefined : P.DARK[text.toLowerCase()];
      if (to === undefined || name in was) continue;
      was[name] = v;
      m[name] = typeof v === "string" ? to : {value: to};
    }
    saved.set(m, was);
  }
  P.theme_css();
};

// The widgets' and the run table's dark colours, in every view's shadow root (the CSS says
// when: a dark screen); once per root.
P.theme_css = function theme_css() {
  if (!window.CSSStyleSheet || !Bokeh.index) return;
  if (!P.dark_sheet) {
    P.dark_sheet = new CSSStyleSheet();
    P.dark_sheet.replaceSync(P.DARK_CSS);
  }
  for (const view of Bokeh.index.all_views()) {
    const root = view.shadow_el;
    if (root && root.adoptedStyleSheets && !root.adoptedStyleSheets.includes(P.dark_sheet))
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, P.dark_sheet];
  }
};

// Once per page: follow the system's setting, now and when it changes; light for printing.
P.follow_theme = function follow_theme() {
  if (P.theme_followed) return;
  P.theme_followed = true;
  const apply = () => P.theme(P.dark_wanted());
  apply();
  if (window.matchMedia) {
    const query = matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) query.addEventListener("change", apply);
  }
  window.addEventListener("beforeprint", () => P.theme(false));
  window.addEventListener("afterprint", apply);
};
