"""The best runs: the same rows for the page's table and the Markdown summary."""

from __future__ import annotations

import pandas as pd

from reportgen.diagnostics.facts import Facts
from reportgen.formatting import fmt_value
from reportgen.model import Sweep
from reportgen.sections.common import Table

#: rows of the page's "Best runs" table
BEST_ROWS = 10


def best_runs(sweep: Sweep, known: Facts, limit: int) -> list[pd.Series]:
    """The best `limit` runs with a value of the metric, best first."""
    return [sweep.runs.iloc[int(i)] for i in known.order[:limit]]


def best_table(sweep: Sweep, known: Facts) -> Table:
    """Rank, run, state, every metric and every parameter of the best BEST_ROWS runs."""
    metrics = list(sweep.metric_columns)
    header = ("#", "run", "state", *metrics, *sweep.param_names)
    rows = tuple((str(rank), str(run["name"]), str(run["state"]),
                  *(fmt_value(run[m]) for m in metrics),
                  *(fmt_value(run[p]) for p in sweep.param_names))
                 for rank, run in enumerate(best_runs(sweep, known, BEST_ROWS), start=1))
    numeric = tuple([True, False, False] + [True] * len(metrics) + [
        sweep.runs[p].dtype.kind in "fi" for p in sweep.param_names])
    return Table(header, rows, numeric)
