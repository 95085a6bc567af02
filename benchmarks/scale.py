"""reportgen side by side with HiPlot's `to_html` and Plotly's parcoords on the same sweeps.

    pip install hiplot plotly && python benchmarks/scale.py 1000 10000 100000

For each size: a random sweep of 6 parameters and 2 metrics; for each tool: build time and peak
memory (a fresh process each), file size, and the time from navigation until the page has drawn
in Debian's headless Chromium (reportgen: its lines built; HiPlot and Plotly: their plot's canvas
or SVG present; each then two animation frames later). For reportgen also: a brush on an axis
until the plot has repainted and until the run table has followed, sorting the table, an axis
dragged by its title to another place and the lines recoloured by another column (each until
the plot has repainted).
Prints a Markdown table (as in README) and the ratios to HiPlot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

PARAMS = {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
          "wd": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-2},
          "dropout": {"min": 0.0, "max": 0.5}, "layers": {"min": 1, "max": 8},
          "batch": {"values": [16, 32, 64, 128, 256]},
          "opt": {"values": ["adam", "sgd", "rmsprop"]}}


def make(n: int, folder: Path) -> tuple[Path, Path]:
    import yaml

    rng = np.random.default_rng(n)
    frame = pd.DataFrame({"Name": [f"run-{i:06d}" for i in range(n)],
                          "State": rng.choice(["finished"] * 19 + ["crashed"], n),
                          "lr": 10 ** rng.uniform(-5, -1, n), "wd": 10 ** rng.uniform(-6, -2, n),
                          "dropout": rng.uniform(0, 0.5, n), "layers": rng.integers(1, 9, n),
                          "batch": rng.choice([16, 32, 64, 128, 256], n),
                          "opt": rng.choice(["adam", "sgd", "rmsprop"], n)})
    loss = 0.3 + 0.3 * np.log10(frame["lr"] / 3e-3) ** 2 + frame["dropout"] + rng.normal(0, .02, n)
    frame["val_loss"] = np.where(frame["State"] == "finished", loss, np.nan)
    frame["val_acc"] = 1 - frame["val_loss"] / 3
    csv, config = folder / f"sweep-{n}.csv", folder / "sweep.yaml"
    frame.to_csv(csv, index=False)
    config.write_text(yaml.safe_dump({"method": "random", "parameters": PARAMS,
                                      "metric": {"name": "val_loss", "goal": "minimize"}}))
    return csv, config


HIPLOT = """
import sys, pandas as pd, hiplot as hip
frame = pd.read_csv(sys.argv[1])
open(sys.argv[2], "w").write(hip.Experiment.from_dataframe(frame).to_html())
"""
PLOTLY = """
import sys, pandas as pd, plotly.graph_objects as go
f = pd.read_csv(sys.argv[1])
dims = [dict(label=c, values=f[c]) for c in ("lr", "wd", "dropout", "layers", "batch", "val_loss",
                                              "val_acc")]
dims.append(dict(label="opt", values=f["opt"].astype("category").cat.codes))
fig = go.Figure(go.Parcoords(line=dict(color=f["val_loss"].fillna(f["val_loss"].max())),
                             dimensions=dims))
fig.write_html(sys.argv[2], include_plotlyjs=True)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{cmd[:3]} failed: {proc.stderr.read().decode()[-300:]}")
    return wall, usage.ru_maxrss / 1024


READY = """() => window.__reportgen && Object.values(window.__reportgen).length > 0
  && Object.values(window.__reportgen).every(s => s.ready)"""
FRAMES = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
  () => r(performance.now()))))"""
PLOT = """() => { const v = [...Bokeh.index.all_views()].find(v =>
    v.model.name === 'parallel-coordinates');
  window.scrollBy(0, v.el.getBoundingClientRect().top - 40);
  const r = v.el.getBoundingClientRect();
  window.__paints = [];
  if (!v.__timed) { const paint = v.paint; v.__timed = true;
    v.paint = function (...a) { const out = paint.apply(this, a);
      window.__paints.push(performance.now()); return out; }; }
  return {left: r.left, top: r.top, x0: v.frame.x_scale.compute(0),
          x1: v.frame.x_scale.compute(1), y0: v.frame.y_scale.compute(0),
          y1: v.frame.y_scale.compute(1)}; }"""
ROWS = """() => [...Bokeh.index.all_views()].find(v => v.model.name === 'run-table')
  .data.getLength()"""
SORT = """() => { const v = [...Bokeh.index.all_views()].find(v => v.model.name === 'run-table');
  const h = [...v.shadow_el.querySelectorAll('.slick-header-column')]
    .find(h => h.textContent.trim() === 'lr');
  const t = performance.now(); h.click(); return performance.now() - t; }"""


def in_browser(path: Path, tool: str, timeout_s: float = 300) -> dict:
    """First draw (ms after navigation began, until the plot is drawn and two frames have
    passed); for reportgen also a brush on the first axis (until the plot has repainted, and
    until the table has followed) and a sort of the 100,000-row table."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.as_uri(), timeout=timeout_s * 1000)
        try:
            if tool == "reportgen":
                page.wait_for_function(READY, timeout=timeout_s * 1000)
            else:
                page.wait_for_selector("canvas" if tool == "hiplot" else ".parcoords",
                                       timeout=timeout_s * 1000)
            out["draw"] = page.evaluate(FRAMES) / 1000
            if tool == "reportgen":
                out.update(_interact(page))
        except Exception as exc:  # a page that never draws is reported as n/a
            print(f"{tool}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        browser.close()
    return out


def _interact(page) -> dict:  # type: ignore[no-untyped-def]
    page.evaluate(PLOT)
    page.wait_for_timeout(1500)  # the grey backdrop is made just after the first draw
    plot = page.evaluate(PLOT)
    brush, follow = [], []
    for a, b in ((0.4, 0.7), (0.1, 0.5), (0.55, 0.95)):
        def at(y: float) -> tuple[float, float]:
            return (plot["left"] + plot["x0"],
                    plot["top"] + plot["y0"] + y * (plot["y1"] - plot["y0"]))
        page.mouse.move(*at(a))
        began = page.evaluate("() => performance.now()")
        page.mouse.down()
        for i in range(1, 6):
            page.mouse.move(*at(a + (b - a) * i / 5))
        page.mouse.up()
        page.wait_for_timeout(100)
        log = page.evaluate("() => Object.values(window.__reportgen)[0].log")
        count = page.evaluate("() => [...Bokeh.documents[0].all_models].find(m => "
                              "m.name === 'selected-count').text")
        selected = int(count.split("</b>")[0][3:].replace(",", ""))
        page.wait_for_function(f"() => ({ROWS})() === {selected}", timeout=10_000)
        done = page.evaluate("() => performance.now()")
        paints = page.evaluate("() => window.__paints")
        page.evaluate("() => { window.__paints = []; }")
        # each update of this drag (every move when brushing is live, else the drag's end):
        # until the next repaint of the plot
        updates = [e for e in log if e["mode"] in ("pan", "panend") and e["start"] >= began]
        lags = [next(t for t in paints if t >= e["end"]) - e["start"] for e in updates
                if any(t >= e["end"] for t in paints)]
        brush.append(max(lags))
        follow.append(done - updates[-1]["start"])
    return {"brush": max(brush), "table": max(follow), "sort": page.evaluate(SORT),
            **_reorder_and_colour(page, plot)}


def _lag(page, began: float, modes: tuple[str, ...]) -> float:  # type: ignore[no-untyped-def]
    """The slowest update of `modes` since `began`: from its start to the next repaint."""
    log = page.evaluate("() => Object.values(window.__reportgen)[0].log")
    paints = page.evaluate("() => window.__paints")
    updates = [e for e in log if e["mode"] in modes and e["start"] >= began]
    lags = [next(t for t in paints if t >= e["end"]) - e["start"] for e in updates
            if any(t >= e["end"] for t in paints)]
    return max(lags) if lags else float("nan")


def _reorder_and_colour(page, plot: dict) -> dict:  # type: ignore[no-untyped-def]
    """An axis dragged by its title across two places (each move repaints), and the lines
    recoloured by another column: each until the plot has repainted."""
    page.evaluate("""() => { const st = Object.values(window.__reportgen)[0];
        st.brush = {}; st.c.top.value = '0'; }""")
    page.wait_for_timeout(300)
    top = plot["top"] + plot["y1"] - (plot["y0"] - plot["y1"]) * 0.06 - 12
    gap = plot["x1"] - plot["x0"]
    page.mouse.move(plot["left"] + plot["x0"], top)
    began = page.evaluate("() => performance.now()")
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(plot["left"] + plot["x0"] + gap * 2.2 * i / 10, top)
    page.mouse.up()
    page.wait_for_timeout(300)
    reorder = _lag(page, began, ("reorder",))
    began = page.evaluate("() => performance.now()")
    page.evaluate("""() => { const c = Object.values(window.__reportgen)[0].c;
        c.colour.value = 'c:opt'; }""")
    page.wait_for_timeout(500)
    colour = _lag(page, began, ("colour",))
    return {"reorder": reorder, "colour": colour}


def main(sizes: list[int]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            csv, config = make(n, folder)
            tools = {
                "reportgen": [sys.executable, "-m", "reportgen", "build", str(csv),
                              "--sweep-config", str(config), "-q", "-o"],
                "hiplot": [sys.executable, "-c", HIPLOT, str(csv)],
                "plotly": [sys.executable, "-c", PLOTLY, str(csv)],
            }
            for tool, cmd in tools.items():
                out = folder / f"{tool}-{n}.html"
                wall, peak = timed(cmd + [str(out)])
                measured = in_browser(out, tool)
                rows.append({"runs": n, "tool": tool, "build": wall, "peak": peak,
                             "size": out.stat().st_size / 1e6, **measured})
                print(json.dumps(rows[-1]), file=sys.stderr)
    print("| runs | tool | build s | peak MB | size MB | first draw s | brush ms | table "
          "follows ms | sort ms | reorder ms | colour ms |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    def cell(r: dict, key: str, fmt: str) -> str:
        return format(r[key], fmt) if r.get(key) is not None else "n/a"

    for r in rows:
        print(f"| {r['runs']:,} | {r['tool']} | {r['build']:.1f} | {r['peak']:.0f} | "
              f"{r['size']:.1f} | {cell(r, 'draw', '.1f')} | {cell(r, 'brush', '.0f')} | "
              f"{cell(r, 'table', '.0f')} | {cell(r, 'sort', '.0f')} | "
              f"{cell(r, 'reorder', '.0f')} | {cell(r, 'colour', '.0f')} |")
    for n in sizes:
        by = {r["tool"]: r for r in rows if r["runs"] == n}
        ours, hip = by["reportgen"], by["hiplot"]
        ratios = [f"build {ours['build'] / hip['build']:.1f}x HiPlot",
                  f"size {ours['size'] / hip['size']:.2f}x"]
        if ours.get("draw") and hip.get("draw"):
            ratios.append(f"first draw {ours['draw'] / hip['draw']:.2f}x")
        print(f"{n:,} runs: reportgen " + ", ".join(ratios))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
