"""reportgen side by side with HiPlot's `to_html` and Plotly's parcoords on the same sweeps.

    pip install hiplot plotly && python benchmarks/scale.py 1000 10000 100000

For each size: a random sweep of 6 parameters and 2 metrics; for each tool: build time and peak
memory (a fresh process each), file size, and time until the page has drawn in Debian's headless
Chromium (reportgen: Bokeh's "document idle"; HiPlot and Plotly: their plot's canvas or SVG
present and two animation frames later). Prints one table.
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


def first_draw(path: Path, tool: str, timeout_s: float = 300) -> float | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        idle: list[float] = []
        page.on("console", lambda m: idle.append(float(m.text.split(" at ")[1].split()[0]))
                if "document idle at" in m.text else None)
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=timeout_s * 1000)
        try:
            if tool == "reportgen":
                deadline = time.perf_counter() + timeout_s
                while not idle and time.perf_counter() < deadline:
                    page.wait_for_timeout(50)
                result = idle[0] / 1000 if idle else None
            else:
                selector = "canvas" if tool == "hiplot" else ".parcoords"
                page.wait_for_selector(selector, timeout=timeout_s * 1000)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                              "requestAnimationFrame(r)))")
                result = time.perf_counter() - start
        except Exception as exc:  # a page that never draws is reported as n/a
            print(f"{tool}: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
            result = None
        browser.close()
        return result


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
                draw = first_draw(out, tool)
                rows.append((n, tool, wall, peak, out.stat().st_size / 1e6, draw))
                print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"{'runs':>7} {'tool':<10} {'build s':>8} {'peak MB':>8} {'size MB':>8} {'draw s':>7}")
    for n, tool, wall, peak, size, draw in rows:
        shown = f"{draw:7.1f}" if draw is not None else "    n/a"
        print(f"{n:>7} {tool:<10} {wall:8.1f} {peak:8.0f} {size:8.1f} {shown}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
