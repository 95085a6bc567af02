"""The report in real headless Chromium (Debian's), with every non-file request refused."""

import io
import os
import shutil

import pytest
from test_render import hostile_csv

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("REPORTGEN_REQUIRE_BROWSER") == "1"

if not os.path.exists(CHROMIUM):
    if REQUIRED:
        raise RuntimeError(f"REPORTGEN_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    pytest.skip("browser tests need Debian's chromium (apt-get install chromium)",
                allow_module_level=True)

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# JS helpers: Bokeh's own views give each plot's frame in page pixels
# each parallel-coordinates figure by the anchor of its section, which tags its models
GRID, RANDOM, BAYES = "sweep-demo-grid", "sweep-demo-random", "sweep-demo-bayes"
PLOTS = """() => Object.fromEntries([...Bokeh.index.all_views()]
  .filter(v => v.model.name === 'parallel-coordinates')
  .map(v => { const r = v.el.getBoundingClientRect();
              return [v.model.tags[0], {left: r.left, top: r.top,
                      page_top: r.top + window.scrollY,
                      x0: v.frame.x_scale.compute(0),
                      x1: v.frame.x_scale.compute(1), y0: v.frame.y_scale.compute(0),
                      y1: v.frame.y_scale.compute(1)}]; }))"""
DEEP_TEXT = """() => { const out = [];
  const walk = (node) => { if (node.nodeType === Node.TEXT_NODE) out.push(node.textContent);
    if (node.shadowRoot) walk(node.shadowRoot); node.childNodes.forEach(walk); };
  walk(document.body); return out.join(' '); }"""
STATE = """() => { const models = [...Bokeh.documents[0].all_models];
  const by = (name, f) => Object.fromEntries(models.filter(m => m.name === name)
    .map(m => [m.tags[0], f(m)]));
  return {counts: by('selected-count', m => m.text),
          tables: by('run-table', m => m.view.filter.indices.length)}; }"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def open_page(browser):
    """Open a report from disk; returns (page, problems) where problems collects console
    errors, page errors and every request that was not for a local file (all refused)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    problems: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            problems.append(f"request: {r.request.url}")
            r.abort()

    context.route("**/*", route)

    def open_(path):
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.goto(path.as_uri())
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && "
                               "[...Bokeh.index.all_views()].some(v => v.model.type === 'Figure')")
        page.wait_for_timeout(300)
        return page, problems

    yield open_
    context.close()


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory):
    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report

    out = tmp_path_factory.mktemp("browser") / "demo.html"
    build_report(ReportConfig(output=out, deterministic=True))
    return out


def drag(page, start, end, steps=8):
    page.mouse.move(*start)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(start[0] + (end[0] - start[0]) * i / steps,
                        start[1] + (end[1] - start[1]) * i / steps)
    page.mouse.up()
    page.wait_for_timeout(150)


def bring(page, key):
    """Scroll the parallel plot of section `key` into view; its fresh coordinates."""
    top = page.evaluate(PLOTS)[key]["top"]
    page.evaluate(f"() => window.scrollBy(0, {top} - 40)")
    page.wait_for_timeout(200)
    return page.evaluate(PLOTS)[key]


def point(plot, axis, y):
    """Page pixel of axis number `axis` at normalised height y."""
    return (plot["left"] + plot["x0"] + axis * (plot["x1"] - plot["x0"]),
            plot["top"] + plot["y0"] + y * (plot["y1"] - plot["y0"]))


def test_demo_opens_without_errors_or_requests_and_draws_every_plot(open_page, demo_html):
    from PIL import Image

    page, problems = open_page(demo_html)
    plots = page.evaluate(PLOTS)
    assert sorted(plots) == ["comparison", BAYES, GRID, RANDOM]
    for plot in plots.values():  # the area between the first two axes holds coloured lines
        clip = {"x": plot["left"] + plot["x0"], "y": plot["page_top"] + plot["y1"],
                "width": plot["x1"] - plot["x0"], "height": plot["y0"] - plot["y1"]}
        image = Image.open(io.BytesIO(page.screenshot(clip=clip, full_page=True))).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 200, "the plot looks empty"
    figures = page.evaluate("() => [...Bokeh.index.all_views()].filter(v => v.model.type === "
                            "'Figure').length")
    assert figures >= 3 * 4  # parallel coordinates, convergence (2), coverage, importance
    assert page.evaluate(STATE)["counts"] == {
        GRID: "<b>24</b> of 24 runs selected", RANDOM: "<b>120</b> of 120 runs selected",
        BAYES: "<b>60</b> of 60 runs selected", "comparison": "<b>204</b> of 204 runs selected"}
    assert problems == []


def test_brushing_with_the_mouse_selects_runs_and_the_table_follows(open_page, demo_html):
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)  # 120 runs
    drag(page, point(plot, 2, 0.15), point(plot, 2, 0.55))  # dropout from about 0.09 to 0.33
    state = page.evaluate(STATE)
    selected = int(state["counts"][RANDOM].split("</b>")[0][3:])
    assert 0 < selected < 120
    assert state["counts"][RANDOM].endswith("of 120 runs selected (brushed)")
    assert state["tables"][RANDOM] == selected
    assert state["tables"][GRID] == 24  # the other plots are not affected
    drag(page, point(plot, 0, 0.5), point(plot, 0, 0.9))  # and learning_rate 1e-3 .. 4e-2
    narrower = page.evaluate(STATE)
    both = int(narrower["counts"][RANDOM].split("</b>")[0][3:])
    assert 0 < both < selected and narrower["tables"][RANDOM] == both
    page.mouse.dblclick(*point(plot, 0, 0.7))  # clears the learning_rate brush only
    page.wait_for_timeout(150)
    assert page.evaluate(STATE)["tables"][RANDOM] == selected
    page.mouse.dblclick(plot["left"] + 5, plot["top"] + plot["y0"] + 5)  # off-axis: clear all
    page.wait_for_timeout(150)
    assert page.evaluate(STATE)["tables"][RANDOM] == 120
    assert problems == []


def test_top_fraction_highlight_matches_the_top_set(open_page, demo_html):
    page, problems = open_page(demo_html)
    page.evaluate("""() => { const s = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'top-select' && m.tags[0] === 'sweep-demo-random'); s.value = '0.1'; }""")
    page.wait_for_timeout(100)
    state = page.evaluate(STATE)
    # 114 ranked runs: max(ceil(10% of 114), 5) = 12
    assert state["counts"][RANDOM] == "<b>12</b> of 120 runs selected (top 10%)"
    assert state["tables"][RANDOM] == 12
    assert problems == []


def test_hostile_names_stay_inert_text(open_page, tmp_path):
    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report

    out = tmp_path / "hostile.html"
    csv = hostile_csv(tmp_path / "h.csv")
    # a hostile column name too: table headers and axis labels
    text = csv.read_text().replace('"opt"', '"opt<img src=y onerror=\'window.__pwned=4\'>"', 1)
    csv.write_text(text)
    build_report(ReportConfig(sources=(str(csv),), output=out,
                              params=("lr", "opt<img src=y onerror='window.__pwned=4'>")))
    page, problems = open_page(out)
    (plot,) = page.evaluate(PLOTS).values()
    for i in range(40):  # sweep the mouse over the lines to raise tooltips
        page.mouse.move(*point(plot, 0.2 + i * 0.02, (i % 10) / 10))
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None
    table_text = page.evaluate(DEEP_TEXT)  # Bokeh draws its widgets in shadow DOM
    assert "<img src=x onerror=\"window.__pwned=1\">1" in table_text
    assert "opt<img src=y" in table_text
    assert problems == []


def test_tooltip_names_the_run(open_page, demo_html):
    page, problems = open_page(demo_html)
    plot = bring(page, GRID)  # lines cross between the axes
    before = page.evaluate(DEEP_TEXT)
    found = ""
    for axis in (0.5, 1.5, 2.5):
        for y in [i / 30 for i in range(31)]:
            page.mouse.move(*point(plot, axis, y))
            text = page.evaluate(DEEP_TEXT)
            if "run:" in text and "run:" not in before:
                found = text
                break
        if found:
            break
    assert found, "no tooltip appeared over the lines"
    tip = found[found.index("run:"):]
    assert tip.split()[1].startswith("grid-")  # the run's name follows its label
    assert problems == []


def test_comparison_lines_switch_between_sweep_and_metric_colours(open_page, demo_html):
    page, problems = open_page(demo_html)
    colour = """() => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'parallel-coordinates' && v.model.tags[0] === 'comparison');
      const r = v.model.renderers.find(r => r.view && r.view.filter &&
        r.view.filter.type === 'IndexFilter' && r.glyph.type === 'MultiLine'
        && r.visible);
      return r.glyph.line_color.field; }"""
    assert page.evaluate(colour) == "group_color"
    page.evaluate("""() => { [...Bokeh.documents[0].all_models]
        .find(m => m.name === 'colour-toggle').active = 1; }""")
    assert page.evaluate(colour) == "value"
    assert problems == []


def test_the_next_sweep_yaml_can_be_copied(open_page, demo_html):
    page, problems = open_page(demo_html)
    button = page.locator(f'button.copy[data-target="{RANDOM}-next"]')
    button.scroll_into_view_if_needed()
    button.click()
    page.wait_for_timeout(300)
    assert button.inner_text() in ("Copied", "Selected: press Ctrl+C")
    assert "log_uniform_values" in page.locator(f"#{RANDOM}-next").inner_text()
    assert problems == []
