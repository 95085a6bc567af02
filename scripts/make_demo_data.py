"""Regenerate the demo sweeps shipped in reportgen/sources/demo_data/ with W&B's `sweeps` engine.

    pip install sweeps && python scripts/make_demo_data.py

Three sweeps (grid, random, bayes) of one synthetic training objective whose optimum is known:
learning_rate 3e-3, dropout 0.2, optimizer adam, batch_size 64; weight_decay has no effect;
sgd with learning_rate > 0.03 diverges (the run crashes). Each sweep is written as a W&B
runs-table CSV export plus its sweep config, exactly what a user would download.
"""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import numpy as np
import yaml

OUT = Path(__file__).resolve().parent.parent / "reportgen" / "sources" / "demo_data"
OPTIMUM = {"learning_rate": 3e-3, "dropout": 0.2, "optimizer": "adam", "batch_size": 64}
T0 = 1793955600  # 2026-11-06T09:00:00Z

PARAMETERS = {
    "learning_rate": {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1},
    "batch_size": {"values": [16, 32, 64, 128, 256]},
    "dropout": {"distribution": "uniform", "min": 0.0, "max": 0.6},
    "optimizer": {"values": ["adam", "sgd", "rmsprop"]},
    "weight_decay": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-2},
    "warmup_steps": {"distribution": "int_uniform", "min": 0, "max": 1000},
}
GRID = {
    "learning_rate": {"values": [1e-4, 1e-3, 1e-2]},
    "batch_size": {"values": [32, 128]},
    "dropout": {"values": [0.1, 0.3]},
    "optimizer": {"values": ["adam", "sgd"]},
    "weight_decay": {"value": 1e-4},
    "warmup_steps": {"value": 200},
}
SWEEPS = {
    "grid": ("demo-grid", "grid", GRID, 200),
    "random": ("demo-random", "random", PARAMETERS, 120),
    "bayes": ("demo-bayes", "bayes", PARAMETERS, 60),
}


def objective(cfg: dict, rng: np.random.Generator) -> dict | None:
    """val_loss/val_acc of one run, or None when the run diverges (crashes)."""
    lr, opt = cfg["learning_rate"], cfg["optimizer"]
    if opt == "sgd" and lr > 0.03:
        return None
    loss = (0.25 + 0.35 * math.log10(lr / 3e-3) ** 2 + 1.2 * (cfg["dropout"] - 0.2) ** 2
            + {"adam": 0.0, "rmsprop": 0.06, "sgd": 0.18}[opt]
            + 0.015 * math.log2(cfg["batch_size"] / 64) ** 2
            + 0.04 * ((cfg["warmup_steps"] - 300) / 1000) ** 2
            + rng.normal(0, 0.01))
    acc = min(0.99, max(0.1, 1.0 - 0.55 * loss + rng.normal(0, 0.005)))
    return {"val_loss": round(loss, 5), "val_acc": round(acc, 5)}


def _plain(value):
    """numpy scalars → Python numbers, so the CSV holds their shortest repr."""
    return value.item() if hasattr(value, "item") else value


def run_sweep(key: str) -> None:
    from sweeps import RunState, SweepRun, next_run

    name, method, parameters, cap = SWEEPS[key]
    config = {"name": name, "method": method, "program": "train.py",
              "metric": {"name": "val_loss", "goal": "minimize"}, "parameters": parameters,
              "run_cap": cap}
    random.seed(0)
    np.random.seed(0)
    rng = np.random.default_rng(1)
    runs: list = []
    rows = []
    t = T0
    for i in range(cap):
        proposal = next_run(config, runs, validate=False)
        if proposal is None:  # a grid is exhausted
            break
        cfg = {k: _plain(v["value"]) for k, v in proposal.config.items()}
        result = objective(cfg, rng)
        runtime = int(240 + 40 * math.log2(cfg["batch_size"]) + rng.integers(0, 120))
        state = "finished" if result else "crashed"
        if result is None:
            runtime = int(rng.integers(20, 60))
        summary = result or {}
        runs.append(SweepRun(name=f"run-{i:03d}", state=RunState[state], config=proposal.config,
                             summary_metrics=summary, history=[summary] if summary else []))
        created = np.datetime_as_string(np.datetime64(t, "s")) + ".000Z"
        t += runtime + int(rng.integers(5, 30))  # one agent: the next run starts after this one
        rows.append([f"{key}-{i:03d}", state, "-", "demo", "", created, runtime, name]
                    + [cfg[p] for p in PARAMETERS]
                    + [summary.get("val_loss", ""), summary.get("val_acc", "")])
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"{key}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(["Name", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep",
                         *PARAMETERS, "val_loss", "val_acc"])
        writer.writerows(rows)
    (OUT / f"{key}.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    print(f"{key}: {len(rows)} runs")


if __name__ == "__main__":
    for sweep in SWEEPS:
        run_sweep(sweep)
    (OUT / "optimum.json").write_text(json.dumps(OPTIMUM, indent=1) + "\n", encoding="utf-8")
