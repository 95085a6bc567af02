"""Build Sweeps in code, with fixed values, for the diagnostics' unit tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.config import ReportConfig
from reportgen.model import LoadedSweep, Sweep
from reportgen.resolve import resolve


def make_sweep(columns: dict, parameters: dict | None = None, metric: str = "loss",
               goal: str = "minimize", method: str | None = "random",
               states: list[str] | None = None, sequential: bool = True) -> Sweep:
    n = len(next(iter(columns.values())))
    start = pd.Timestamp("2026-01-01T00:00:00Z")
    frame = pd.DataFrame({
        "run_id": [f"r{i}" for i in range(n)], "name": [f"run-{i}" for i in range(n)],
        "state": states or ["finished"] * n,
        "created_at": [start + pd.Timedelta(minutes=10 * i) for i in range(n)] if sequential
        else pd.NaT,
        "finished_at": [start + pd.Timedelta(minutes=10 * i + 5) for i in range(n)]
        if sequential else pd.NaT,
        "runtime_s": 300.0, **{k: np.asarray(v) if not isinstance(v, list) else v
                               for k, v in columns.items()}})
    config = None
    if parameters is not None:
        config = {"metric": {"name": metric, "goal": goal}, "parameters": parameters}
        if method:
            config["method"] = method
    loaded = LoadedSweep("s", "test", frame, config=config, method=method)
    return resolve(loaded, ReportConfig(metric=metric, goal=goal))
