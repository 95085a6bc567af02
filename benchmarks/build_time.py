"""Time `reportgen build` on a synthetic random sweep of N runs (8 parameters, 2 metrics).

    python benchmarks/build_time.py 1000 10000
    python benchmarks/build_time.py --hiplot 150 200     # side by side with HiPlot

Prints, per size: build wall time, peak memory of the build process and the report's size.
With --hiplot (`pip install hiplot`): the median of 5 alternating builds of each tool, each a
fresh process (HiPlot: read the CSV, `to_html`), and the ratio — the machine's speed cancels
out of it. Compile first where bytecode is not written (`python -m compileall reportgen`, as
pip does on install), or every build pays for compiling reportgen.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

CONFIG = {
    "method": "random",
    "metric": {"name": "val_loss", "goal": "minimize"},
    "parameters": {
        "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
        "weight_decay": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-2},
        "dropout": {"min": 0.0, "max": 0.5},
        "batch_size": {"values": [16, 32, 64, 128, 256]},
        "optimizer": {"values": ["adam", "sgd", "rmsprop"]},
        "layers": {"min": 1, "max": 8},
        "warmup": {"min": 0, "max": 2000},
        "label_smoothing": {"min": 0.0, "max": 0.2},
    },
}


def make_sweep(n: int, folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(n)
    lr = 10 ** rng.uniform(-5, -1, n)
    frame = pd.DataFrame({
        "Name": [f"run-{i:06d}" for i in range(n)],
        "State": rng.choice(["finished"] * 19 + ["crashed"], n),
        "lr": lr,
        "weight_decay": 10 ** rng.uniform(-6, -2, n),
        "dropout": rng.uniform(0, 0.5, n),
        "batch_size": rng.choice([16, 32, 64, 128, 256], n),
        "optimizer": rng.choice(["adam", "sgd", "rmsprop"], n),
        "layers": rng.integers(1, 9, n),
        "warmup": rng.integers(0, 2001, n),
        "label_smoothing": rng.uniform(0, 0.2, n),
    })
    loss = 0.3 + 0.3 * np.log10(lr / 3e-3) ** 2 + frame["dropout"] + rng.normal(0, 0.02, n)
    frame["val_loss"] = np.where(frame["State"] == "finished", loss, np.nan)
    frame["val_acc"] = 1 - frame["val_loss"] / 3
    csv, config = folder / f"sweep-{n}.csv", folder / "sweep.yaml"
    frame.to_csv(csv, index=False)
    config.write_text(yaml.safe_dump(CONFIG))
    return csv, config


def main(sizes: list[int]) -> None:
    print(f"{'runs':>8} {'build s':>8} {'peak MB':>8} {'size MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv, config = make_sweep(n, Path(tmp))
            out = Path(tmp) / f"r{n}.html"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reportgen", "build", str(csv), "--sweep-config",
                            str(config), "-o", str(out)], check=True, capture_output=True)
            wall = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{n:>8} {wall:>8.2f} {peak:>8.0f} {out.stat().st_size / 1e6:>8.1f}")


HIPLOT = """
import sys, pandas as pd, hiplot as hip
frame = pd.read_csv(sys.argv[1])
open(sys.argv[2], "w").write(hip.Experiment.from_dataframe(frame).to_html())
"""


def side_by_side(sizes: list[int], repeats: int = 5) -> None:
    print(f"{'runs':>8} {'reportgen s':>12} {'HiPlot s':>9} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv, config = make_sweep(n, Path(tmp))
            ours, theirs = [], []
            subprocess.run([sys.executable, "-m", "reportgen", "build", str(csv), "--sweep-config",
                            str(config), "-o", str(Path(tmp) / "r.html")], check=True,
                           capture_output=True)  # warm-up: the file cache, compiled modules
            for _ in range(repeats):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "reportgen", "build", str(csv),
                                "--sweep-config", str(config), "-o", str(Path(tmp) / "r.html")],
                               check=True, capture_output=True)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", HIPLOT, str(csv), str(Path(tmp) / "h.html")],
                               check=True, capture_output=True)
                theirs.append(time.perf_counter() - start)
            a, b = float(np.median(ours)), float(np.median(theirs))
            print(f"{n:>8} {a:>12.2f} {b:>9.2f} {a / b:>6.1f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--hiplot":
        side_by_side([int(a) for a in args[1:]] or [150, 200])
    else:
        main([int(a) for a in args] or [1000, 10000])
