"""Counts, ranking with the goal respected, the top set and the first findings."""

import numpy as np
import pandas as pd

from reportgen.diagnostics.facts import facts
from reportgen.diagnostics.overview import overview
from reportgen.model import Metric, ParamSpec, SearchSpace, Sweep


def sweep(values, states, goal="minimize"):
    n = len(values)
    runs = pd.DataFrame({"run_id": [f"r{i}" for i in range(n)], "name": [f"n{i}" for i in range(n)],
                         "state": states, "created_at": pd.NaT, "finished_at": pd.NaT,
                         "runtime_s": np.nan, "lr": np.linspace(0.1, 1, n), "loss": values})
    return Sweep("s", "src", "random", Metric("loss", goal),
                 SearchSpace((ParamSpec("lr", "float"),)), runs)


def test_counts_and_ranking_minimize():
    s = sweep([0.5, np.nan, 0.1, 0.3, np.inf, 0.2],
              ["finished", "crashed", "finished", "killed", "failed", "preempted"])
    ov = overview(s)
    assert ov.counts == {"total": 6, "finished": 2, "running": 0, "stopped": 0, "crashed": 1,
                         "failed": 1,
                         "killed": 1, "other": 1, "missing_metric": 2}
    assert facts(s).order.tolist() == [2, 5, 3, 0]
    assert ov.best["run_id"] == "r2" and ov.best["value"] == 0.1
    assert ov.best["params"] == {"lr": s.runs["lr"][2]}
    assert any(f.kind == "crashes" and "33% of runs crashed or failed (2 of 6)" in f.message
               for f in ov.findings)
    assert any(f.kind == "small_sweep" for f in ov.findings)


def test_maximize_and_best_prefers_finished_runs():
    s = sweep([0.9, 0.95, 0.7], ["finished", "running", "finished"], goal="maximize")
    ov = overview(s)
    assert facts(s).order.tolist() == [1, 0, 2]
    assert ov.best["run_id"] == "r0"  # the running run is ranked but not called best
