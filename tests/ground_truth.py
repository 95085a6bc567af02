"""Sweeps whose truth is known by construction, made by the real engines: W&B's `sweeps`
(grid, random, bayes) and Optuna (TPE, random). The objective's optimum is learning_rate 3e-3,
width 0.7, optimizer a; `noise` has no effect."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd

from reportgen.config import ReportConfig
from reportgen.model import LoadedSweep, Sweep
from reportgen.resolve import resolve

OPTIMUM = {"learning_rate": 3e-3, "width": 0.7, "optimizer": "a"}
PARAMETERS = {
    "learning_rate": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
    "width": {"distribution": "uniform", "min": 0.0, "max": 1.0},
    "noise": {"distribution": "uniform", "min": 0.0, "max": 1.0},
    "optimizer": {"values": ["a", "b", "c"]},
}
GRID = {
    "learning_rate": {"values": [1e-4, 1e-3, 1e-2, 1e-1]},
    "width": {"values": [0.2, 0.5, 0.8]},
    "noise": {"values": [0.25, 0.75]},
    "optimizer": {"values": ["a", "b", "c"]},
}


def objective(cfg: dict, rng: random.Random) -> float:
    return (math.log10(cfg["learning_rate"] / 3e-3) ** 2 + 4 * (cfg["width"] - 0.7) ** 2
            + {"a": 0.0, "b": 0.3, "c": 0.6}[cfg["optimizer"]] + rng.gauss(0, 0.005))


def config(method: str) -> dict:
    return {"method": method, "metric": {"name": "loss", "goal": "minimize"},
            "parameters": GRID if method == "grid" else PARAMETERS}


def wandb_sweep(method: str, n: int, seed: int) -> Sweep:
    """A sweep proposed by W&B's own engine, one run after another."""
    cfg = config(method)
    return _sweep(wandb_rows(cfg, objective, n, seed), cfg, f"wandb-{method}-{seed}")


def wandb_rows(cfg: dict, loss_of, n: int, seed: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """Up to n runs proposed by W&B's `sweeps` engine for `cfg`, each scored by
    `loss_of(values, rng)` before the next proposal (grids stop when complete)."""
    from sweeps import RunState, SweepRun, next_run

    random.seed(seed)
    np.random.seed(seed)
    rng = random.Random(seed + 1)
    runs, rows = [], []
    for i in range(n):
        proposal = next_run(cfg, runs, validate=False)
        if proposal is None:
            break
        values = {k: (v["value"].item() if hasattr(v["value"], "item") else v["value"])
                  for k, v in proposal.config.items()}
        loss = loss_of(values, rng)
        runs.append(SweepRun(name=f"r{i}", state=RunState.finished, config=proposal.config,
                             summary_metrics={"loss": loss}))
        rows.append({**values, "loss": loss})
    return rows


def optuna_sweep(sampler: str, n: int, seed: int) -> Sweep:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rng = random.Random(seed + 1)
    chosen = (optuna.samplers.TPESampler(seed=seed) if sampler == "tpe"
              else optuna.samplers.RandomSampler(seed=seed))
    study = optuna.create_study(sampler=chosen)
    rows = []

    def trial_fn(trial):  # type: ignore[no-untyped-def]
        values = {"learning_rate": trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True),
                  "width": trial.suggest_float("width", 0.0, 1.0),
                  "noise": trial.suggest_float("noise", 0.0, 1.0),
                  "optimizer": trial.suggest_categorical("optimizer", ["a", "b", "c"])}
        loss = objective(values, rng)
        rows.append({**values, "loss": loss})
        return loss

    study.optimize(trial_fn, n_trials=n)
    cfg = config("bayes" if sampler == "tpe" else "random")
    return _sweep(rows, cfg, f"optuna-{sampler}-{seed}")


def _sweep(rows: list[dict], cfg: dict, name: str) -> Sweep:
    n = len(rows)
    start = pd.Timestamp("2026-01-01T00:00:00Z")
    frame = pd.DataFrame(rows)
    frame.insert(0, "run_id", [f"{name}-{i}" for i in range(n)])
    frame.insert(1, "name", frame["run_id"])
    frame.insert(2, "state", "finished")
    frame.insert(3, "created_at", [start + pd.Timedelta(minutes=10 * i) for i in range(n)])
    frame.insert(4, "finished_at", [start + pd.Timedelta(minutes=10 * i + 9) for i in range(n)])
    frame.insert(5, "runtime_s", 540.0)
    loaded = LoadedSweep(name=name, source=name, runs=frame, config=cfg, method=cfg["method"])
    return resolve(loaded, ReportConfig())
