"""Time `reportgen build` on wide W&B runs-table exports as users make them: no sweep config,
no --params; hundreds of config columns (nested keys, mostly constant, paths, an identifier,
a list column with a distinct value per run, the echoed sweep config) and summary columns.

    python benchmarks/wide_export.py 500 2000      # runs; 500 columns each

Target (issue 11): up to 2,000 runs and 500 columns build in under 15 s on the 2-core machine.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

COLUMNS = 500


def write_export(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    meta = ["Name", "Agent", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep"]
    swept = {"lr": lambda: f"{10 ** rng.uniform(-5, -1):.6g}",
             "optimizer.name": lambda: str(rng.choice(["adam", "sgd", "adamw"])),
             "batch_size": lambda: str(rng.choice([32, 64, 128])),
             "dropout": lambda: f"{rng.uniform(0, 0.5):.4f}",
             "seed": lambda: str(rng.integers(0, 10_000))}
    fixed = [f"model.block_{k:03d}.width" for k in range(COLUMNS - 120)]
    odd = ["data.classes", "output_dir", "save_name", "method", "metric.name",
           "parameters.lr.max", "parameters.lr.min"]
    config = sorted(list(swept) + fixed + odd)
    summary = sorted([f"eval/metric_{k:02d}" for k in range(100 - 2)] + ["epoch", "val_loss"])
    with path.open("w", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(meta + config + summary)
        for i in range(n):
            name = f"run-{i}"
            values = {c: "256" for c in fixed}
            values.update({c: make() for c, make in swept.items()})
            values.update({
                "data.classes": json.dumps([f"class_{j}" for j in rng.choice(1000, 3)]),
                "output_dir": f"/scratch/user/outputs/{name}", "save_name": name,
                "method": "random", "metric.name": "val_loss", "parameters.lr.max": "0.1",
                "parameters.lr.min": "1e-05"})
            lr = float(values["lr"])
            loss = (np.log10(lr) + 3) ** 2 + float(values["dropout"]) + rng.normal(0, 0.05)
            metrics = {c: f"{rng.uniform():.6f}" for c in summary}
            metrics.update({"epoch": "20", "val_loss": f"{loss:.6f}"})
            out.writerow([name, "agent", "finished", "-", "", "",
                          f"2026-01-01T00:00:{i % 60:02d}.000Z", "60", "swp"]
                         + [values[c] for c in config] + [metrics[c] for c in summary])


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"wide_{n}.csv"
            write_export(path, n)
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "reportgen", "build", str(path), "-o",
                                   str(Path(tmp) / "r.html")], capture_output=True,
                                  text=True)
            took = time.perf_counter() - start
            assert proc.returncode == 0, proc.stderr
            print(f"{n:>6,} runs x {COLUMNS} columns: build {took:5.1f} s "
                  f"({path.stat().st_size / 1e6:.1f} MB CSV)")
            print("   " + proc.stderr.strip().splitlines()[0][:300])


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000])
