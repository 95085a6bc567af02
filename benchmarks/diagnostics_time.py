"""Time every diagnostic on a random sweep of N runs × D parameters (default 10,000 × 10).

    python benchmarks/diagnostics_time.py 10000 10

Target (issue 3): under 5 s in all on a 2-core machine.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd


def sweep(n: int, d: int):  # type: ignore[no-untyped-def]
    from reportgen.config import ReportConfig
    from reportgen.model import LoadedSweep
    from reportgen.resolve import resolve

    rng = np.random.default_rng(0)
    params = {f"p{j}": {"min": 0.0, "max": 1.0} for j in range(d - 2)}
    params["lr"] = {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1}
    params["opt"] = {"values": ["adam", "sgd", "rmsprop"]}
    data = {f"p{j}": rng.random(n) for j in range(d - 2)}
    data["lr"] = 10 ** rng.uniform(-5, -1, n)
    data["opt"] = rng.choice(["adam", "sgd", "rmsprop"], n)
    loss = (np.log10(data["lr"] / 3e-3) ** 2 + (data["p0"] - 0.3) ** 2
            + (data["opt"] == "sgd") * 0.2 + rng.normal(0, 0.05, n))
    start = pd.Timestamp("2026-01-01T00:00:00Z")
    frame = pd.DataFrame({"run_id": [f"r{i}" for i in range(n)],
                          "name": [f"r{i}" for i in range(n)], "state": "finished",
                          "created_at": start + pd.to_timedelta(np.arange(n) * 60, unit="s"),
                          "finished_at": start + pd.to_timedelta(np.arange(n) * 60 + 50,
                                                                 unit="s"),
                          "runtime_s": 50.0, **data, "loss": loss})
    config = {"method": "random", "metric": {"name": "loss", "goal": "minimize"},
              "parameters": params}
    return resolve(LoadedSweep("bench", "bench", frame, config=config), ReportConfig())


def main(n: int, d: int) -> None:
    from reportgen.diagnostics.convergence import convergence
    from reportgen.diagnostics.coverage import coverage
    from reportgen.diagnostics.design import design
    from reportgen.diagnostics.importance import importance
    from reportgen.diagnostics.overview import overview
    from reportgen.diagnostics.prep import prepare
    from reportgen.diagnostics.region import region
    from reportgen.diagnostics.strategy import strategy

    s = sweep(n, d)
    import scipy.stats  # noqa: F401  (import costs are not the diagnostics' own)

    times = {}
    t0 = time.perf_counter()
    prep = prepare(s)
    times["prepare"] = time.perf_counter() - t0
    for name, fn in (("overview", lambda: overview(s)), ("design", lambda: design(prep)),
                     ("coverage", lambda: coverage(prep)),
                     ("convergence", lambda: convergence(prep))):
        t = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - t
        if name == "coverage":
            cov = result
        if name == "design":
            plan = result
        if name == "convergence":
            conv = result
    for name, fn in (("strategy", lambda: strategy(prep, cov, conv, plan)),
                     ("region", lambda: region(prep)), ("importance", lambda: importance(prep))):
        t = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t
    total = sum(times.values())
    print(f"{n} runs × {d} parameters")
    for name, seconds in times.items():
        print(f"  {name:<12} {seconds:6.2f} s")
    print(f"  {'total':<12} {total:6.2f} s")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 10_000, args[1] if len(args) > 1 else 10)
