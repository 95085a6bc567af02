"""The report in real headless Chromium (Debian's), with every non-file request refused."""

import io
import os
import re
import shutil
from pathlib import Path

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
  const rows = Object.fromEntries([...Bokeh.index.all_views()]
    .filter(v => v.model.name === 'run-table').map(v => [v.model.tags[0], v.data.getLength()]));
  return {counts: by('selected-count', m => m.text), tables: rows,
          lines: by('crisp-lines', m => m.get_length()),
          notes: by('drawn-note', m => m.text)}; }"""
READY = """() => window.__reportgen && [...Bokeh.index.all_views()].filter(v =>
  v.model.name === 'parallel-coordinates').length === Object.values(window.__reportgen).length
  && Object.values(window.__reportgen).every(s => s.ready)"""


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

    def open_(path, report=True):
        """`path`: a file or a file: URL; `report=False` for a page without Bokeh."""
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.goto(path if isinstance(path, str) else path.as_uri())
        if report:
            page.wait_for_function(
                "() => window.Bokeh && Bokeh.documents.length > 0 && "
                "[...Bokeh.index.all_views()].some(v => v.model.type === 'Figure')")
            page.wait_for_function(READY)  # the parallel plots have built their lines
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
    before = " ".join(page.evaluate(DEEP_TEXT).split()).count("run grid-")  # the headline's
    found = ""
    for axis in (0.5, 1.5, 2.5):
        for y in [i / 30 for i in range(31)]:
            page.mouse.move(*point(plot, axis, y))
            text = " ".join(page.evaluate(DEEP_TEXT).split())
            if text.count("run grid-") > before:
                found = text[text.rindex("run grid-"):]
                break
        if found:
            break
    assert found, "no tooltip appeared over the lines"
    assert found.split()[1].startswith("grid-")  # the run's name follows its label
    assert problems == []


def test_comparison_lines_switch_between_sweep_and_metric_colours(open_page, demo_html):
    page, problems = open_page(demo_html)
    colours = """() => [...new Set([...Bokeh.documents[0].all_models].find(m =>
        m.name === 'crisp-lines' && m.tags[0] === 'comparison').data.color)]"""
    by_sweep = page.evaluate(colours)
    assert len(by_sweep) == 3  # one colour per sweep
    page.evaluate("""() => { [...Bokeh.documents[0].all_models]
        .find(m => m.name === 'colour-select' && m.tags[0] === 'comparison').value = 'metric'; }""")
    by_metric = page.evaluate(colours)
    assert len(by_metric) > 20 and not set(by_metric) & set(by_sweep)
    bar = """() => [...Bokeh.documents[0].all_models].find(m => m.type === 'ColorBar'
        && m.document && [...Bokeh.index.all_views()].some(v => v.model.tags &&
        v.model.tags[0] === 'comparison' && v.model.right && v.model.right.includes(m)))
        .visible"""
    assert page.evaluate(bar) is True
    page.evaluate("""() => { [...Bokeh.documents[0].all_models]
        .find(m => m.name === 'colour-select' && m.tags[0] === 'comparison').value = 'sweep'; }""")
    assert page.evaluate(bar) is False  # by sweep: no metric scale beside the plot
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


@pytest.fixture(scope="module")
def large_sweep(tmp_path_factory):
    """6,000 runs: above the number drawn as lines, so the plot draws a density."""
    import numpy as np
    import pandas as pd
    import yaml

    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report

    folder = tmp_path_factory.mktemp("large")
    rng = np.random.default_rng(5)
    n = 6000
    frame = pd.DataFrame({"Name": [f"run-{i:05d}" for i in range(n)],
                          "ID": [f"id{i * 7919 % 100003:05x}" for i in range(n)],
                          "State": rng.choice(["finished"] * 9 + ["crashed"], n),
                          "lr": 10 ** rng.uniform(-5, -1, n), "dropout": rng.uniform(0, 0.5, n),
                          "opt": rng.choice(["adam", "sgd"], n)})
    loss = 0.3 * np.log10(frame["lr"] / 3e-3) ** 2 + frame["dropout"] + rng.normal(0, .02, n)
    frame["loss"] = np.where(frame["State"] == "finished", loss, np.nan)
    csv, config = folder / "large.csv", folder / "sweep.yaml"
    frame.to_csv(csv, index=False)
    config.write_text(yaml.safe_dump({"method": "random", "metric": {"name": "loss",
                                                                     "goal": "minimize"},
                                      "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1},
        "dropout": {"min": 0.0, "max": 0.5}, "opt": {"values": ["adam", "sgd"]}}}))
    out = folder / "large.html"
    result = build_report(ReportConfig(sources=(str(csv),), output=out,
                                       sweep_config=yaml.safe_load(config.read_text()),
                                       sweep_config_path=str(config)))
    return out, result.sweeps[0]


def test_a_large_sweep_draws_a_density_with_the_best_runs_as_lines(open_page, large_sweep):
    import numpy as np
    from PIL import Image

    from reportgen.diagnostics.facts import top_set
    from reportgen.sections.parallel import LOD_LINES

    path, sweep = large_sweep
    page, problems = open_page(path)
    (key,) = page.evaluate(PLOTS)
    state = page.evaluate(STATE)
    assert state["counts"][key] == "<b>6,000</b> of 6,000 runs selected"
    assert state["lines"][key] == LOD_LINES
    assert state["notes"][key].startswith("Drawn: all 6,000 runs as a density")
    assert state["tables"][key] == 6000
    filled = page.evaluate("""() => { const r = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'parallel-coordinates').model.renderers.filter(r =>
        r.glyph.type === 'ImageRGBA' && r.visible);
      return r.map(r => r.data_source.data.image[0].filter(p => p !== 0).length); }""")
    assert len(filled) == 1 and filled[0] > 20000  # the density, drawn
    plot = bring(page, key)
    clip = {"x": plot["left"] + plot["x0"], "y": plot["top"] + plot["y1"],
            "width": plot["x1"] - plot["x0"], "height": plot["y0"] - plot["y1"]}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20)) > 500, "the plot looks empty"

    drag(page, point(plot, 1, 0.0), point(plot, 1, 0.2))  # dropout below 0.1
    page.wait_for_timeout(300)  # the table follows the plot a frame later
    state = page.evaluate(STATE)
    selected = int(state["counts"][key].split("</b>")[0][3:].replace(",", ""))
    expected = int((sweep.runs["dropout"] <= 0.1).sum())
    assert abs(selected - expected) <= 0.01 * 6000  # the drag's ends are pixels, not values
    assert state["tables"][key] == selected
    assert state["lines"][key] == min(selected, LOD_LINES) or selected <= 2000

    page.mouse.dblclick(plot["left"] + 5, plot["top"] + plot["y0"] + 5)  # off-axis: clear all
    page.evaluate("""() => { [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'top-select').value = '0.1'; }""")
    page.wait_for_timeout(300)
    state = page.evaluate(STATE)
    signed = sweep.runs["loss"].to_numpy(dtype=float)
    finished = (sweep.runs["state"] == "finished").to_numpy()
    top = top_set(np.where(finished & np.isfinite(signed), signed, np.nan), 0.1)
    assert state["counts"][key] == f"<b>{len(top)}</b> of 6,000 runs selected (top 10%)"
    assert state["tables"][key] == len(top) and state["lines"][key] == len(top)
    assert problems == []


def test_sorting_a_large_table_orders_every_row(open_page, large_sweep):
    path, sweep = large_sweep
    page, problems = open_page(path)
    first = page.evaluate("""() => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table');
      const h = [...v.shadow_el.querySelectorAll('.slick-header-column')]
        .find(h => h.textContent.trim() === 'lr');
      h.click();
      const n = v.data.getLength(), lr = [];
      for (let i = 0; i < n; i++) lr.push(v.data.getItem(i).lr);
      return {n, sorted: lr.every((x, i) => i === 0 || lr[i - 1] <= x), first: lr[0]}; }""")
    assert first["n"] == 6000 and first["sorted"]
    assert first["first"] == pytest.approx(sweep.runs["lr"].min(), rel=1e-6)
    assert problems == []


def test_a_100000_run_report_opens_draws_and_brushes(open_page, tmp_path):
    """The scale target's functional half (its timings live in benchmarks/scale.py)."""
    import sys

    import numpy as np

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    import scale

    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report

    csv, config = scale.make(100_000, tmp_path)
    import yaml

    out = tmp_path / "large.html"
    result = build_report(ReportConfig(sources=(str(csv),), output=out,
                                       sweep_config=yaml.safe_load(config.read_text()),
                                       sweep_config_path=str(config)))
    assert out.stat().st_size < 12e6
    page, problems = open_page(out)
    (key,) = page.evaluate(PLOTS)
    state = page.evaluate(STATE)
    assert state["counts"][key] == "<b>100,000</b> of 100,000 runs selected"
    assert state["notes"][key].startswith("Drawn: all 100,000 runs as a density")
    plot = bring(page, key)
    drag(page, point(plot, 0, 0.5), point(plot, 0, 0.75))  # the first axis, lr: 1e-3 .. 1e-2
    page.wait_for_timeout(1000)
    state = page.evaluate(STATE)
    selected = int(state["counts"][key].split("</b>")[0][3:].replace(",", ""))
    first = page.evaluate("""() => { const o = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'parallel-coordinates').above[0].major_label_overrides;
      return o instanceof Map ? (o.get(0) ?? o.get('0')) : o[0]; }""")
    assert first == "lr"  # the most important parameter comes first
    lr = result.sweeps[0].runs["lr"].to_numpy(dtype=float)
    share = np.mean((np.log10(lr) >= -3) & (np.log10(lr) <= -2))  # a quarter of the axis
    assert abs(selected / 100_000 - share) < 0.02
    assert state["tables"][key] == selected
    assert "selected runs as a density" in state["notes"][key]
    assert problems == []


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from reportgen.config import ReportConfig
    from reportgen.index import build_index
    from reportgen.pipeline import build_report

    root = tmp_path_factory.mktemp("archive")
    (root / "team").mkdir()
    for source, path in (("demo:grid", "grid.html"), ("demo:random", "team/random.html"),
                         ("demo:bayes", "team/bayes run.html")):
        build_report(ReportConfig(sources=(source,), output=root / path, deterministic=True))
    (root / "notes.html").write_text("<p>not a report</p>")
    return build_index(root, deterministic=True).output


def test_three_reports_become_an_index_that_links_them_all(open_page, archive):
    page, problems = open_page(archive, report=False)
    rows = page.evaluate("() => [...document.querySelectorAll('#reports tbody tr')]"
                         ".map(r => r.cells[0].textContent.trim())")
    assert sorted(rows) == ["demo-bayes", "demo-grid", "demo-random"]
    assert "notes.html" in page.locator("table.skipped").inner_text()
    page.click("#reports th:nth-child(5) button")  # runs, ascending
    runs = page.evaluate("() => [...document.querySelectorAll('#reports tbody tr')]"
                         ".map(r => r.cells[4].textContent.trim())")
    assert runs == ["24", "60", "120"]
    page.click("#reports th:nth-child(5) button")  # and descending
    assert page.evaluate("() => document.querySelector('#reports tbody tr').cells[4]"
                         ".textContent.trim()") == "120"
    page.fill("#filter", "bayes adaptive")
    visible = page.evaluate("() => [...document.querySelectorAll('#reports tbody tr')]"
                            ".filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())")
    assert visible == ["demo-bayes"] and page.inner_text("#shown") == "1 of 3 shown"
    links = page.evaluate("() => [...document.querySelectorAll('#reports tbody td:first-child a')]"
                          ".map(a => a.href)")
    assert len(links) == 3
    for link in links:  # each link opens its report at the sweep's section
        report, _ = open_page(link)
        anchor = link.split("#")[1]
        assert report.evaluate(f"() => !!document.getElementById('{anchor}')")
        assert report.evaluate("() => location.hash") == f"#{anchor}"
    assert problems == []


def test_printed_to_pdf_the_report_has_readable_pages(open_page, demo_html, tmp_path):
    import pypdf

    page, problems = open_page(demo_html)
    pdf = tmp_path / "demo.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    reader = pypdf.PdfReader(str(pdf))
    assert 8 <= len(reader.pages) <= 60
    for sheet in reader.pages:  # A4 landscape, as the page's @page rule asks
        assert round(float(sheet.mediabox.width)) == 842
        assert round(float(sheet.mediabox.height)) == 595
    texts = [sheet.extract_text() for sheet in reader.pages]
    assert all(t.strip() for t in texts), "a blank page"
    for name in ("demo-grid", "demo-random", "demo-bayes"):  # each sweep opens a page
        assert any(t.lstrip().startswith(name + "\n") for t in texts), name
    # on paper (A4 landscape, 10 mm margins: 1047 px) no figure is wider than the page
    page.set_viewport_size({"width": 1047, "height": 740})
    page.emulate_media(media="print")
    widest = page.evaluate("() => Math.max(...[...document.querySelectorAll('.plot')]"
                           ".map(p => p.getBoundingClientRect().right))")
    assert widest <= 1047
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == \
        "rgb(255, 255, 255)"
    assert problems == []


def test_the_page_follows_a_dark_system_setting_and_its_figures_turn_dark(browser, demo_html):
    """No white blocks on a dark page: figures, widgets and the run table turn dark with it,
    and back to light when the setting changes."""
    from PIL import Image

    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_html.as_uri())
    page.wait_for_function(READY)
    page.wait_for_timeout(300)
    rgb = lambda text: [int(v) for v in re.findall(r"\d+", text)[:3]]  # noqa: E731
    colours = page.evaluate("""(key) => {
        const view = (name) => [...Bokeh.index.all_views()].find(v => v.model.name === name
          && v.model.tags[0] === key);
        const cell = view('run-table').shadow_el.querySelector('.slick-cell');
        return {body: getComputedStyle(document.body).backgroundColor,
                text: getComputedStyle(document.body).color,
                plot: getComputedStyle(document.querySelector('.plot')).backgroundColor,
                select: getComputedStyle(view('top-select').shadow_el.querySelector('select'))
                  .backgroundColor,
                cell: getComputedStyle(cell).backgroundColor,
                figure: view('parallel-coordinates').model.background_fill_color}; }""",
                            RANDOM)
    plot = bring(page, RANDOM)
    shot = Image.open(io.BytesIO(page.screenshot(clip={
        "x": plot["left"] + 10, "y": plot["top"] + 10, "width": 600, "height": 300})))
    grey = sorted(shot.convert("L").tobytes())
    assert max(rgb(colours["body"])) < 60 and min(rgb(colours["text"])) > 180
    for part in ("plot", "select", "cell"):
        assert max(rgb(colours[part])) < 60, (part, colours[part])
    assert grey[len(grey) // 2] < 60  # the figure's canvas: dark, lines on it
    page.emulate_media(color_scheme="light")
    figure = """(key) => [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'parallel-coordinates' && v.model.tags[0] === key)
        .model.background_fill_color"""
    # the page follows the media query's change event, which a loaded machine delivers late
    page.wait_for_function(f"(key) => ({figure})(key) === '#ffffff'", arg=RANDOM,
                           timeout=5000)
    light = page.evaluate(figure, RANDOM)
    context.close()
    assert colours["figure"] != "#ffffff" and light == "#ffffff"


def test_numbers_read_the_same_in_the_page_as_in_the_text(browser):
    """The page script's `fmt` (tooltips) and reportgen.formatting.fmt_number write every number
    alike: exact ties round away from zero in both (1234.5 → 1235), numbers between 10^4 and
    10^6 are never written with an exponent (12345.6 → 12350), tiny and huge ones are."""
    from reportgen.formatting import fmt_number
    from reportgen.plots.parallel import page_script

    values = [0.0, -0.0, 1.0, -1.0, 7.0, 123456789.0, 1e9, 3e9, 12345678901.0, 0.5, 0.1, 0.3,
              1 / 3, 2 / 3, -2 / 3, 0.1 + 0.2, 0.001, 0.00099995, 0.0009999, 1e-3 + 1e-12,
              0.009741, 0.0097, 7.5e-5, 1e-12, -0.0034, 1.5, 2.5, 0.125, 0.0625, 2.0625,
              -2.0625, 1234.5, -1234.5, 123.456, 12.125, 9.9995, 99.995, 12345.6, 99999.5,
              999999.5, 1e6, 1e6 + 0.5, 1234567.8, 5e300, -5e-300, 3.14159e-7, 6.02214e23]
    page = browser.new_page()
    try:
        page.add_script_tag(content=page_script())
        got = page.evaluate("(values) => values.map(window.reportgen_parallel.fmt)", values)
    finally:
        page.close()
    want = [fmt_number(v) for v in values]
    assert got == want, [(v, a, b) for v, a, b in zip(values, got, want) if a != b]


AXIS_NAMES = """(key) => { const f = [...Bokeh.documents[0].all_models].find(m =>
  m.name === 'parallel-coordinates' && m.tags[0] === key);
  const o = [...f.above, ...f.below].find(a => a.major_label_overrides).major_label_overrides;
  const pairs = o instanceof Map ? [...o.entries()] : Object.entries(o);
  return Object.fromEntries(pairs.map(([k, v]) => [v.replace(/ [↓↑]$/, ''), Number(k)])); }"""


def test_a_brush_from_the_end_of_an_axis_selects_the_runs_at_that_end(open_page, demo_html):
    """A press on the bottom tick (or the top one) and a drag inward selects the runs of that
    level: the brush's end comes from a pixel, a hair off the level's position."""
    from reportgen.config import ReportConfig
    from reportgen.resolve import resolve
    from reportgen.sources import load_source

    runs = resolve(load_source("demo:random")[0], ReportConfig()).runs
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    axes = page.evaluate(AXIS_NAMES, RANDOM)
    for name, start, end, level in (("optimizer", 0.0, 0.3, "adam"),
                                     ("optimizer", 1.0, 0.7, "rmsprop"),
                                     ("batch_size", 0.0, 0.1, 16),
                                     ("batch_size", 1.0, 0.9, 256)):
        page.mouse.dblclick(plot["left"] + 5, plot["top"] + plot["y0"] + 5)  # clear
        page.wait_for_timeout(150)
        drag(page, point(plot, axes[name], start), point(plot, axes[name], end))
        state = page.evaluate(STATE)
        expected = int((runs[name] == level).sum())
        assert expected > 0
        assert state["counts"][RANDOM] == f"<b>{expected}</b> of 120 runs selected (brushed)", \
            (name, level)
    assert problems == []


def test_the_run_table_writes_numbers_as_the_best_runs_table_does(open_page, demo_html):
    """The same run's values read the same in the interactive run table and in "Best runs"
    (once 0.0097 against 0.009741, and 7.5e-5 as 0.0001)."""
    page, problems = open_page(demo_html)
    bring(page, RANDOM)
    table = page.evaluate("""(key) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table' && v.model.tags[0] === key);
      const head = [...v.shadow_el.querySelectorAll('.slick-header-column')]
        .map(h => h.textContent.trim());
      const row = [...v.shadow_el.querySelectorAll('.slick-row')]
        .find(r => r.style.top === '0px') || v.shadow_el.querySelector('.slick-row');
      const cells = [...row.querySelectorAll('.slick-cell')].map(c => c.textContent.trim());
      return Object.fromEntries(head.map((h, i) => [h, cells[i]])); }""", RANDOM)
    best = page.evaluate("""(key) => { const s = document.getElementById(key);
      const h = [...s.querySelectorAll('h3')].find(h => h.textContent === 'Best runs');
      const t = h.nextElementSibling.querySelector('table');
      const head = [...t.querySelectorAll('th')].map(c => c.textContent.trim());
      const cells = [...t.querySelector('tbody tr').querySelectorAll('td')]
        .map(c => c.textContent.trim());
      return Object.fromEntries(head.map((h, i) => [h, cells[i]])); }""", RANDOM)
    assert table["run"] == best["run"]
    numeric = ["val_loss", "val_acc", "learning_rate", "dropout", "weight_decay"]
    assert {k: table[k] for k in numeric} == {k: best[k] for k in numeric}
    assert problems == []


def test_no_table_is_cut_off_in_a_1400_pixel_window(browser, demo_html):
    """Every static table and every figure fits the page at 1,400 px: long notes wrap instead
    of pushing the last columns (PRIM box, stability) out of sight."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(demo_html.as_uri())
        page.wait_for_function(READY, timeout=30_000)
        wide = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
          .filter(w => w.scrollWidth > w.clientWidth + 1)
          .map(w => w.querySelector('th').textContent + ': ' + w.scrollWidth)""")
        # nor a figure or its controls (the comparison's colour toggle once pushed them out)
        wide += page.evaluate("""() => [...document.querySelectorAll('.plot')]
          .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => 'plot: ' + p.scrollWidth)""")
    finally:
        page.close()
    assert wide == []


def _runs_of(level_column):
    from reportgen.config import ReportConfig
    from reportgen.resolve import resolve
    from reportgen.sources import load_source

    runs = resolve(load_source("demo:random")[0], ReportConfig()).runs
    return {v: int((runs[level_column] == v).sum()) for v in runs[level_column].unique()}


def _selected(page):
    text = page.evaluate(STATE)["counts"][RANDOM]
    return int(text.split("</b>")[0][3:].replace(",", ""))


def test_brushing_works_for_a_hand_that_rests_or_moves_slowly(open_page, demo_html):
    """A press held still before the drag, and a drag of one pixel per move, both brush (with
    Bokeh's pan gesture neither did); a press inside a brush moves it, one on its edge
    resizes it."""
    counts = _runs_of("optimizer")  # levels at 0 (adam), 0.5 (sgd), 1 (rmsprop)
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
    start, end = point(plot, j, 0.4), point(plot, j, 0.6)

    page.mouse.move(*start)
    page.mouse.down()
    page.wait_for_timeout(600)  # the hand rests
    page.mouse.move(*end, steps=6)
    page.mouse.up()
    assert _selected(page) == counts["sgd"]

    page.mouse.dblclick(plot["left"] + 5, plot["top"] + plot["y0"] + 5)  # clear
    page.mouse.move(*start)
    page.mouse.down()
    for dy in range(1, int(start[1] - end[1]) + 1):  # one pixel per move, upwards
        page.mouse.move(start[0], start[1] - dy)
    page.mouse.up()
    assert _selected(page) == counts["sgd"]

    drag(page, point(plot, j, 0.5), point(plot, j, 0.9))  # grab the brush, move it up
    assert _selected(page) == counts["rmsprop"]
    box = page.evaluate("""() => [...Bokeh.documents[0].all_models].filter(m =>
        m.type === 'BoxAnnotation' && m.visible && m.name !== 'missing-band')
        .map(m => [m.bottom, m.top])""")
    assert len(box) == 1 and abs(box[0][1] - box[0][0] - 0.2) < 0.02  # the same height

    drag(page, point(plot, j, box[0][0]), point(plot, j, 0.4))  # its lower edge, down
    assert _selected(page) == counts["rmsprop"] + counts["sgd"]
    assert problems == []


def test_a_touch_drag_on_an_axis_brushes_instead_of_scrolling(browser, demo_html):
    counts = _runs_of("optimizer")
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(demo_html.as_uri())
        page.wait_for_function(READY, timeout=30_000)
        plot = bring(page, RANDOM)
        j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
        (x, y0), (_, y1) = point(plot, j, 0.4), point(plot, j, 0.6)
        scrolled = page.evaluate("() => window.scrollY")
        cdp = context.new_cdp_session(page)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                              "touchPoints": [{"x": x, "y": y0}]})
        for i in range(1, 11):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
                {"x": x, "y": y0 + (y1 - y0) * i / 10}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(200)
        assert _selected(page) == counts["sgd"]
        assert page.evaluate("() => window.scrollY") == scrolled  # the page did not move
    finally:
        context.close()


def test_hovering_shows_one_run_in_one_small_box(open_page, demo_html):
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    best = page.evaluate("""(key) => { const d = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'crisp-lines' && m.tags[0] === key).data;
      const m = d.ys.length - 1;  // drawn last: the best run, on top
      return {name: d.name[m], y: (d.ys[m][0] + d.ys[m][1]) / 2}; }""", RANDOM)
    x, y = point(plot, 0.5, best["y"])
    page.mouse.move(x - 30, y - 60)
    page.mouse.move(x, y, steps=4)
    page.wait_for_timeout(150)
    tips = page.evaluate("""(key) => [...Bokeh.index.all_views()].filter(v =>
        v.model.name === 'parallel-coordinates' && v.model.tags[0] === key)
      .flatMap(v => [...(v.shadow_el || v.el).querySelectorAll('.reportgen-tip')])
      .filter(t => t.style.display !== 'none')
      .map(t => ({text: t.innerText, height: t.getBoundingClientRect().height}))""", RANDOM)
    assert len(tips) == 1
    assert tips[0]["text"].startswith(f"run {best['name']}\n")
    assert "learning_rate" in tips[0]["text"] and tips[0]["height"] < 220
    hovered = page.evaluate("""(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'hover-line' && m.tags[0] === key).get_length()""", RANDOM)
    assert hovered == 1
    page.mouse.move(plot["left"] + 3, plot["top"] + 3)  # off the lines: the box goes
    page.wait_for_timeout(100)
    assert page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
        e.shadowRoot ? [...e.shadowRoot.querySelectorAll('.reportgen-tip')] : [])
        .filter(t => t.style.display !== 'none').length""") == 0
    assert problems == []


def test_the_view_travels_in_the_link(open_page, demo_html):
    """Brushes, the top-k choice and the colouring are kept in the URL's # part: the same
    link opens the same view."""
    counts = _runs_of("optimizer")
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    entries = page.evaluate("() => history.length")
    j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
    drag(page, point(plot, j, 0.4), point(plot, j, 0.6))  # sgd
    page.evaluate("""() => { [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'colour-select' && m.tags[0] === 'comparison').value = 'metric'; }""")
    page.wait_for_timeout(200)
    link = page.evaluate("() => location.href")
    assert "#view=" in link and "optimizer" in link and "comparison" in link
    assert page.evaluate("() => history.length") == entries  # replaced, never pushed
    state = page.evaluate(STATE)

    again, _ = open_page(link)
    assert again.evaluate(STATE)["counts"] == state["counts"]
    assert f"<b>{counts['sgd']}</b> of 120" in state["counts"][RANDOM]
    again.wait_for_timeout(200)
    assert again.evaluate("""() => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'colour-select' && m.tags[0] === 'comparison').value""") == "metric"
    assert again.evaluate("""() => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'parallel-coordinates' && m.tags[0] === 'comparison').right
        .find(r => r.type === 'ColorBar').visible""")
    boxes = again.evaluate("""() => [...Bokeh.documents[0].all_models].filter(m =>
        m.type === 'BoxAnnotation' && m.visible && m.name !== 'missing-band').length""")
    assert boxes == 1

    again.evaluate("""() => { [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'top-select' && m.tags[0] === 'sweep-demo-grid').value = '0.25'; }""")
    again.wait_for_timeout(200)
    third, _ = open_page(again.evaluate("() => location.href"))
    assert "(top 25%)" in third.evaluate(STATE)["counts"][GRID]
    assert problems == []


def test_tab_leaves_the_run_table(open_page, demo_html):
    """The keyboard reaches the run table and leaves it with a few Tabs (400 stayed in)."""
    page, problems = open_page(demo_html)
    bring(page, RANDOM)
    inside = """(key) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table' && v.model.tags[0] === key);
      let a = document.activeElement;
      while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      return v.el.contains(a) || v.shadow_el.contains(a) || (a.getRootNode() !== document
        && v.el.contains(a.getRootNode().host)); }"""
    cell = page.evaluate("""(key) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table' && v.model.tags[0] === key);
      const c = v.shadow_el.querySelector('.slick-cell'); c.scrollIntoView();
      const r = c.getBoundingClientRect(); return [r.left + 5, r.top + 5]; }""", RANDOM)
    page.mouse.click(*cell)
    assert page.evaluate(inside, RANDOM)
    presses = 0
    while presses < 7 and page.evaluate(inside, RANDOM):
        page.keyboard.press("Tab")
        presses += 1
    assert not page.evaluate(inside, RANDOM) and presses <= 4, presses
    assert problems == []


def test_the_parallel_plots_fit_a_narrow_window(browser, demo_html):
    page = browser.new_page(viewport={"width": 760, "height": 900})
    try:
        page.goto(demo_html.as_uri())
        page.wait_for_function(READY, timeout=30_000)
        widths = page.evaluate("""() => [...Bokeh.index.all_views()].filter(v =>
            v.model.name === 'parallel-coordinates' || v.model.name === 'run-table')
          .map(v => v.el.getBoundingClientRect().right)""")
        room = page.evaluate("() => document.documentElement.clientWidth")
    finally:
        page.close()
    assert len(widths) == 8 and max(widths) <= room


def test_a_typed_filter_selects_and_says_why_it_cannot(open_page, demo_html):
    from reportgen.config import ReportConfig
    from reportgen.resolve import resolve
    from reportgen.sources import load_source

    runs = resolve(load_source("demo:random")[0], ReportConfig()).runs
    page, problems = open_page(demo_html)
    bring(page, RANDOM)
    set_filter = """([key, text]) => { [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'where-input' && m.tags[0] === key).value = text; }"""
    page.evaluate(set_filter, [RANDOM, "val_loss <= 0.4 and optimizer == adam"])
    page.wait_for_timeout(200)
    want = int(((runs["val_loss"] <= 0.4) & (runs["optimizer"] == "adam")).sum())
    assert 0 < want < 120
    assert page.evaluate(STATE)["counts"][RANDOM] == \
        f"<b>{want}</b> of 120 runs selected (filtered)"
    assert "filter" not in page.evaluate(STATE)["counts"][GRID]  # each plot has its own
    assert "%3C%3D%200.4" in page.evaluate("() => location.hash")  # the view travels

    page.evaluate(set_filter, [RANDOM, "loss <<< 1"])
    page.wait_for_timeout(200)
    text = page.evaluate(STATE)["counts"][RANDOM]
    assert text.startswith("<b>120</b> of 120 runs selected")
    assert "filter not applied: cannot read" in text
    page.evaluate(set_filter, [RANDOM, "<b>x</b> == 1"])
    page.wait_for_timeout(200)
    assert "&lt;b&gt;x&lt;/b&gt;" in page.evaluate(STATE)["counts"][RANDOM]  # escaped
    assert problems == []


def test_the_filter_grammar_reads_as_where_does(browser):
    """The page's filter parser and matcher on fixed columns: float32 values compare against
    the threshold rounded alike; missing values never match; text only with == and !=."""
    from reportgen.plots.parallel import page_script

    page = browser.new_page()
    try:
        page.add_script_tag(content=page_script())
        got = page.evaluate("""() => { const P = window.reportgen_parallel;
          const c = {runs: {data: {loss: Float32Array.from([0.3, 0.31, NaN]),
                                   opt: ["adam", "sgd", null]}},
                     table: {columns: [{title: "loss", field: "loss"},
                                       {title: "optimizer", field: "opt"}]}};
          const st = {n: 3}, mask = (t) => [...P.where_mask(c, st, P.parse_where(t))];
          const error = (t) => { try { mask(t); return ""; } catch (e) { return e.message; } };
          return {le: mask("loss <= 0.3"), gt: mask("loss > 0.3"), ne: mask("loss != 0.3"),
                  text: mask("optimizer == adam"), quoted: mask("`optimizer` != 'adam'"),
                  both: mask("loss < 1 AND opt = sgd"),
                  bad: error("loss <<< 1"), unknown: error("acc > 1"),
                  textop: error("opt < adam")}; }""")
    finally:
        page.close()
    assert got["le"] == [1, 0, 0] and got["gt"] == [0, 1, 0] and got["ne"] == [0, 1, 0]
    assert got["text"] == [1, 0, 0] and got["quoted"] == [0, 1, 0] and got["both"] == [0, 1, 0]
    assert got["bad"].startswith('cannot read "loss <<< 1"')
    assert got["unknown"] == 'no column "acc" in the run table; columns: loss, opt'
    assert got["textop"] == '"opt < adam" compares text with <: use == or != for text'


def test_a_brush_shows_its_range_in_the_axis_values(open_page, demo_html):
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    axes = page.evaluate(AXIS_NAMES, RANDOM)
    labels = """(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'brush-labels' && m.tags[0] === key).data.text"""
    drag(page, point(plot, axes["optimizer"], 0.4), point(plot, axes["optimizer"], 1.0))
    assert page.evaluate(labels, RANDOM) == ["sgd, rmsprop"]
    # learning_rate: a log axis from 1e-5 to 0.1; a brush over its upper half reads 1e-3 … 0.1
    drag(page, point(plot, axes["learning_rate"], 0.5), point(plot, axes["learning_rate"], 1.0))
    texts = page.evaluate(labels, RANDOM)  # by axis: learning_rate (axis 0) first
    numbers = sorted(float(t) for t in texts if t != "sgd, rmsprop")
    assert "sgd, rmsprop" in texts and len(numbers) == 2
    assert 7e-4 < numbers[0] < 1.4e-3 and 0.07 < numbers[1] <= 0.1
    assert problems == []


def test_the_selection_can_be_kept_set_aside_and_its_names_copied(open_page, demo_html):
    counts = _runs_of("optimizer")
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
    click = """([key, name]) => { const m = [...Bokeh.documents[0].all_models].find(m =>
        m.name === name && m.tags[0] === key);
      const v = [...Bokeh.index.all_views()].find(v => v.model === m);
      v.shadow_el.querySelector('button').click(); }"""
    page.evaluate("""() => { window.__copied = null; navigator.clipboard.writeText =
        (t) => { window.__copied = t; return Promise.resolve(); }; }""")
    drag(page, point(plot, j, 0.4), point(plot, j, 0.6))  # sgd
    page.evaluate(click, [RANDOM, "copy-button"])
    page.wait_for_timeout(200)
    names = page.evaluate("() => window.__copied").splitlines()
    assert len(names) == counts["sgd"]

    page.evaluate(click, [RANDOM, "keep-button"])
    page.wait_for_timeout(200)
    sgd, rest = counts["sgd"], 120 - counts["sgd"]
    assert page.evaluate(STATE)["counts"][RANDOM] == \
        f"<b>{sgd}</b> of {sgd} runs selected; {rest} of the sweep's 120 set aside"
    assert page.evaluate(STATE)["tables"][RANDOM] == sgd
    drag(page, point(plot, j, 0.8), point(plot, j, 1.0))  # rmsprop: none is in view
    assert page.evaluate(STATE)["counts"][RANDOM].startswith(f"<b>0</b> of {sgd} runs")

    page.evaluate(click, [RANDOM, "clear-button"])
    page.wait_for_timeout(200)
    assert page.evaluate(STATE)["counts"][RANDOM] == "<b>120</b> of 120 runs selected"
    drag(page, point(plot, j, 0.4), point(plot, j, 0.6))
    page.evaluate(click, [RANDOM, "exclude-button"])
    page.wait_for_timeout(200)
    assert page.evaluate(STATE)["counts"][RANDOM] == \
        f"<b>{rest}</b> of {rest} runs selected; {sgd} of the sweep's 120 set aside"
    assert problems == []


def test_a_line_and_its_table_row_are_linked(open_page, demo_html):
    """A click on a line selects its row in the run table; hovering a table row draws that
    run's line thick."""
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    best = page.evaluate("""(key) => { const d = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'crisp-lines' && m.tags[0] === key).data;
      const m = d.ys.length - 1;
      return {row: d.row[m], y: (d.ys[m][0] + d.ys[m][1]) / 2}; }""", RANDOM)
    x, y = point(plot, 0.5, best["y"])
    page.mouse.move(x, y - 20)
    page.mouse.move(x, y, steps=3)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(200)
    selected = page.evaluate("""(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'runs' && m.tags[0] === key).selected.indices""", RANDOM)
    assert selected == [best["row"]] == [0]  # the best run: the table's first row
    assert page.evaluate(STATE)["counts"][RANDOM] == "<b>120</b> of 120 runs selected"

    row = page.evaluate("""(key) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table' && v.model.tags[0] === key);
      const r = [...v.shadow_el.querySelectorAll('.slick-row')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))[3];
      r.scrollIntoView({block: "center"});
      const b = r.getBoundingClientRect(); return [b.left + 40, b.top + b.height / 2]; }""",
                        RANDOM)
    page.mouse.move(*row)
    page.wait_for_timeout(150)
    line = page.evaluate("""(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'hover-line' && m.tags[0] === key).data.ys""", RANDOM)
    want = page.evaluate("""(key) => { const st = Object.values(window.__reportgen).find(s =>
        s.c && s.c.plot.tags[0] === key); return st.pos.map(p => p[3]); }""", RANDOM)
    assert len(line) == 1 and [round(v, 5) for v in line[0]] == [round(v, 5) for v in want]
    assert problems == []


# the page's own record of one plot's axes: drawn names in order, titles, each axis's places
AXES = """(key) => { const st = Object.values(window.__reportgen).find(s =>
    s.c && s.c.plot.tags[0] === key);
  const axis = st.c.plot.above[0];
  return {names: st.axes.map(j => st.c.axis_info[j].name),
          titles: st.axes.map((_, slot) => axis.major_label_overrides.get(slot)),
          ticks: axis.ticker.ticks.length,
          pos: st.pos.map(p => Array.from(p)),
          values: Object.fromEntries(st.c.axis_info.map((a, j) => [a.name,
            a.kind === 'categorical' ? null : Array.from(st.raw[j], v => v ?? NaN)]))}; }"""


def control(page, key, name):
    """A Playwright locator for the input, select or button of the model `name` of section
    `key`: the test clicks, types and picks with the mouse and keyboard, as a person does."""
    page.evaluate("""([key, name]) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === name && v.model.tags[0] === key);
      v.shadow_el.querySelector('select, input, button')
        .setAttribute('data-test', key + ':' + name); }""", [key, name])
    return page.locator(f'[data-test="{key}:{name}"]')


def title_point(plot, slot):
    """Page pixel of the title of the axis drawn at `slot` (above the frame)."""
    frame_top = plot["y1"] - (plot["y0"] - plot["y1"]) * 0.06
    return (plot["left"] + plot["x0"] + slot * (plot["x1"] - plot["x0"]),
            plot["top"] + frame_top - 12)


def test_axes_are_reordered_by_dragging_a_title_and_picked_by_clicking_one(open_page,
                                                                           demo_html):
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    before = page.evaluate(AXES, RANDOM)
    slot = before["names"].index("optimizer")
    assert slot >= 2
    drag(page, title_point(plot, slot), title_point(plot, 0), steps=12)
    after = page.evaluate(AXES, RANDOM)
    assert after["names"][0] == "optimizer" and after["titles"][0] == "optimizer"
    assert sorted(after["names"]) == sorted(before["names"])
    assert after["pos"][0] == before["pos"][slot]  # the runs' places go with their axis
    assert "optimizer" in page.evaluate("() => location.hash")

    page.mouse.click(*title_point(plot, 1))  # a click on a title picks its axis
    page.wait_for_timeout(150)
    assert control(page, RANDOM, "axis-select").input_value() == after["names"][1]
    assert problems == []


def test_axes_are_inverted_rescaled_added_hidden_and_reset_from_the_toolbar(open_page,
                                                                            demo_html):
    import numpy as np

    page, problems = open_page(demo_html)
    bring(page, RANDOM)
    before = page.evaluate(AXES, RANDOM)
    pick = control(page, RANDOM, "axis-select")
    scale = control(page, RANDOM, "axis-scale")

    pick.select_option("dropout")
    control(page, RANDOM, "axis-invert").click()
    page.wait_for_timeout(150)
    now = page.evaluate(AXES, RANDOM)
    j = now["names"].index("dropout")
    was, inv = np.array(before["pos"][j]), np.array(now["pos"][j])
    present = was > -0.05
    assert np.allclose(inv[present], 1 - was[present], atol=1e-6)
    assert now["titles"][j] == "dropout (inverted)"

    pick.select_option("val_loss")
    page.wait_for_timeout(100)
    assert scale.input_value() == "linear"
    scale.select_option("rank")
    page.wait_for_timeout(150)
    now = page.evaluate(AXES, RANDOM)
    k = now["names"].index("val_loss")
    loss, ranked = np.array(now["values"]["val_loss"]), np.array(now["pos"][k])
    ok = np.isfinite(loss)
    m = int(ok.sum())
    # evenly spaced, lowest loss at the bottom: the good runs are not squeezed together
    assert np.allclose(np.sort(ranked[ok]), np.arange(m) / (m - 1), atol=1e-6)
    assert np.array_equal(np.argsort(ranked[ok], kind="stable"),
                          np.argsort(loss[ok], kind="stable"))
    assert now["titles"][k] == "val_loss ↓ (rank)"
    scale.select_option("log")
    page.wait_for_timeout(150)
    logged = np.array(page.evaluate(AXES, RANDOM)["pos"][k])
    lo, hi = np.log10(loss[ok].min()), np.log10(loss[ok].max())
    assert np.allclose(logged[ok], (np.log10(loss[ok]) - lo) / (hi - lo), atol=1e-5)

    add = control(page, RANDOM, "axis-add")
    assert "val_acc" in add.evaluate("s => [...s.options].map(o => o.value)")
    add.select_option("val_acc")  # a metric not drawn as the report opens
    page.wait_for_timeout(150)
    now = page.evaluate(AXES, RANDOM)
    assert now["names"][-1] == "val_acc" and pick.input_value() == "val_acc"
    assert now["ticks"] == len(before["names"]) + 1
    control(page, RANDOM, "axis-hide").click()
    page.wait_for_timeout(150)
    assert "val_acc" not in page.evaluate(AXES, RANDOM)["names"]

    link = page.evaluate("() => location.href")
    again, _ = open_page(link)  # the view travels: order, scales and directions
    assert again.evaluate(AXES, RANDOM)["titles"] == page.evaluate(AXES, RANDOM)["titles"]

    control(page, RANDOM, "axis-reset").click()
    page.wait_for_timeout(150)
    reset = page.evaluate(AXES, RANDOM)
    assert reset["titles"] == before["titles"] and reset["pos"] == before["pos"]
    assert problems == []


def test_a_brush_keeps_its_runs_when_its_axis_moves_flips_or_changes_scale(open_page,
                                                                           demo_html):
    counts = _runs_of("optimizer")
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
    drag(page, point(plot, j, 0.4), point(plot, j, 0.6))  # sgd
    assert _selected(page) == counts["sgd"]
    control(page, RANDOM, "axis-select").select_option("optimizer")
    for button in ("axis-left", "axis-invert", "axis-right", "axis-invert"):
        control(page, RANDOM, button).click()
        page.wait_for_timeout(120)
        assert _selected(page) == counts["sgd"], button
    boxes = page.evaluate("""(key) => [...Bokeh.documents[0].all_models].filter(m =>
        m.type === 'BoxAnnotation' && m.visible && m.name !== 'missing-band')
        .map(m => (m.left + m.right) / 2)""", RANDOM)
    assert boxes == [j]  # back at its place, its brush with it

    k = page.evaluate(AXIS_NAMES, RANDOM)["val_loss"]
    plot = bring(page, RANDOM)  # the clicks may have scrolled the page
    drag(page, point(plot, k, 0.75), point(plot, k, 0.95))  # the better runs
    chosen = _selected(page)
    assert 0 < chosen < counts["sgd"]
    control(page, RANDOM, "axis-select").select_option("val_loss")
    for scale in ("rank", "log", "linear"):
        control(page, RANDOM, "axis-scale").select_option(scale)
        page.wait_for_timeout(120)
        assert _selected(page) == chosen, scale
    assert problems == []


def test_lines_are_coloured_by_any_column_and_a_selection_spreads_over_the_palette(
        open_page, demo_html):
    page, problems = open_page(demo_html)
    bring(page, RANDOM)
    colours = """(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'crisp-lines' && m.tags[0] === key).data.color"""
    bar = """(key) => { const b = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'colour-bar' && m.document && m.ticker &&
        [...Bokeh.index.all_views()].some(v => v.model.tags && v.model.tags[0] === key
          && v.model.right && v.model.right.includes(m)));
      return {visible: b.visible, title: b.title,
              labels: [...b.major_label_overrides.entries()]}; }"""
    legend = """(key) => [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'colour-legend' && m.tags[0] === key).text"""
    assert len(set(page.evaluate(colours, RANDOM))) > 60  # every run its own shade
    control(page, RANDOM, "colour-select").select_option("optimizer")  # by its label
    page.wait_for_timeout(150)
    assert len(set(page.evaluate(colours, RANDOM))) == 3
    assert all(level in page.evaluate(legend, RANDOM) for level in ("adam", "sgd", "rmsprop"))
    assert page.evaluate(bar, RANDOM)["visible"] is False

    control(page, RANDOM, "colour-select").select_option("val_loss (best bright)")
    control(page, RANDOM, "top-select").select_option("top 10% by val_loss")
    page.wait_for_timeout(150)
    top = page.evaluate(colours, RANDOM)
    assert len(top) == 12 and len(set(top)) >= 10  # not one shade of yellow
    palette = page.evaluate("""(key) => Object.values(window.__reportgen).find(s =>
        s.c && s.c.plot.tags[0] === key).c.palette""", RANDOM)
    assert palette[1] in top and palette[255] in top  # the whole palette, darkest to brightest
    shown = page.evaluate(bar, RANDOM)
    assert shown["visible"] and "within the selection" in shown["title"]
    best = page.evaluate("""(key) => { const r = [...Bokeh.documents[0].all_models].find(m =>
        m.name === 'runs' && m.tags[0] === key); return r.data.val_loss[0]; }""", RANDOM)
    fmt = page.evaluate("(v) => window.reportgen_parallel.fmt(v)", best)
    assert dict(shown["labels"])[1] == fmt  # the best run at the bar's bright end
    assert page.evaluate(legend, RANDOM) == ""
    assert problems == []


def test_the_selection_downloads_as_csv_with_every_value_exact(open_page, demo_html):
    import csv

    from reportgen.config import ReportConfig
    from reportgen.resolve import resolve
    from reportgen.sources import load_source

    runs = resolve(load_source("demo:random")[0], ReportConfig()).runs.set_index("name")
    page, problems = open_page(demo_html)
    plot = bring(page, RANDOM)
    j = page.evaluate(AXIS_NAMES, RANDOM)["optimizer"]
    drag(page, point(plot, j, 0.4), point(plot, j, 0.6))  # sgd
    with page.expect_download() as download:
        control(page, RANDOM, "csv-button").click()
    path = download.value.path()
    rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    assert download.value.suggested_filename == f"{RANDOM}-selection.csv"
    assert len(rows) == _selected(page) == int((runs["optimizer"] == "sgd").sum())
    for row in rows:
        run = runs.loc[row["run"]]
        assert row["optimizer"] == "sgd"
        for column in ("learning_rate", "dropout", "weight_decay", "val_loss", "val_acc"):
            want = float(run[column])
            assert (row[column] == "") if want != want else float(row[column]) == want, \
                (row["run"], column)
        assert row["created (UTC)"] == run["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ")

    # Ctrl+C on a selected table row: the same values, tab-separated, not float32 digits or
    # epoch milliseconds
    page.evaluate("""() => { window.__copied = null; navigator.clipboard.writeText =
        (t) => { window.__copied = t; return Promise.resolve(); }; }""")
    cell = page.evaluate("""(key) => { const v = [...Bokeh.index.all_views()].find(v =>
        v.model.name === 'run-table' && v.model.tags[0] === key);
      const c = v.shadow_el.querySelector('.slick-row .slick-cell');
      c.scrollIntoView({block: "center"});
      const b = c.getBoundingClientRect(); return [b.left + 20, b.top + b.height / 2]; }""",
                         RANDOM)
    page.mouse.click(*cell)
    page.keyboard.press("Control+C")
    page.wait_for_timeout(200)
    header, line = page.evaluate("() => window.__copied").splitlines()[:2]
    copied = dict(zip(header.split("\t"), line.split("\t")))
    run = runs.loc[copied["run"]]
    assert float(copied["learning_rate"]) == float(run["learning_rate"])
    assert copied["created (UTC)"] == run["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    assert problems == []


def test_any_run_of_a_large_sweep_is_found_by_its_name_and_its_ids_copied(open_page,
                                                                          large_sweep):
    path, sweep = large_sweep
    page, problems = open_page(path)
    key = page.evaluate("() => Object.values(window.__reportgen)[0].c.plot.tags[0]")
    worst = page.evaluate("""() => { const st = Object.values(window.__reportgen)[0];
        return st.c.runs.data.name[st.n - 1]; }""")  # never drawn as a line at first
    where = control(page, key, "where-input")
    where.fill(worst)
    where.press("Enter")
    page.wait_for_timeout(300)
    state = page.evaluate(STATE)
    assert state["counts"][key].startswith("<b>1</b> of 6,000 runs selected (filtered)")
    found = page.evaluate("""() => { const st = Object.values(window.__reportgen)[0];
        return {hover: st.c.hovered.data.xs.length, row: st.c.runs.selected.indices,
                n: st.n}; }""")
    assert found["hover"] == 1 and found["row"] == [found["n"] - 1]

    page.evaluate("""() => { window.__copied = null; navigator.clipboard.writeText =
        (t) => { window.__copied = t; return Promise.resolve(); }; }""")
    where.fill("opt == sgd")
    where.press("Enter")
    page.wait_for_timeout(300)
    control(page, key, "ids-button").click()
    page.wait_for_timeout(200)
    ids = page.evaluate("() => window.__copied").split()
    want = set(sweep.runs.loc[sweep.runs["opt"] == "sgd", "run_id"])
    assert len(ids) == len(want) and set(ids) == want and not set(ids) & set(sweep.runs["name"])
    assert problems == []
