"""Convergence: new bests against random order, the verdict, whether proposals concentrate;
and what its figure draws (the metric in run order, on a log axis when it spans decades)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reportgen.diagnostics.convergence import ConvergenceInfo, still_improving
from reportgen.diagnostics.summary import Diagnostics
from reportgen.levels import spans_decades
from reportgen.sections.common import p_text


@dataclass(frozen=True)
class ConvergenceView:
    """The facts beside the figure, and the figure's data."""

    facts: tuple[tuple[str, str], ...]
    metric: str
    log_y: bool
    info: ConvergenceInfo = field(compare=False, repr=False)
    values: np.ndarray = field(compare=False, repr=False)  # the metric, proposal order


def convergence(d: Diagnostics) -> ConvergenceView:
    """The convergence facts, and the metric's values for the figure."""
    values = d.prep.metric_values()
    finite = values[np.isfinite(values)]
    log_y = bool(len(finite)) and spans_decades(float(finite.min()), float(finite.max()))
    return ConvergenceView(_facts(d.convergence, d.prep.n_evaluated),
                           d.prep.sweep.metric.name, log_y,
                           d.convergence, values)


def _verdict(c: ConvergenceInfo, evaluated: int) -> str:
    """Stagnated, still improving (a new best among the last few runs), improved late but
    not since, or slowing down."""
    if c.stagnated:
        return "stagnated"
    if (c.late_gain or 0) <= 0.01:
        return "slowing down"
    if still_improving(c, evaluated):
        return "still improving"
    return f"improved in the last quarter of the runs, but not in the last " \
           f"{c.runs_since_improvement or 0:,}"


def _facts(c: ConvergenceInfo, evaluated: int) -> tuple[tuple[str, str], ...]:
    facts = [("new bests", f"{c.improvements:,} (random order expects "
                           f"{c.expected_improvements:.1f})")]
    if c.runs_since_improvement is not None:
        facts.append(("runs since the last new best", f"{c.runs_since_improvement:,}"))
    if c.stagnated is not None:
        facts.append(("verdict", _verdict(c, evaluated)))
    if c.concentration_pvalue is not None:
        facts.append(("proposals concentrate", f"{'yes' if c.concentrating else 'no'} "
                      f"(mean rank among prior draws {c.concentration_rank:.2f}, random search "
                      f"0.50; p = {p_text(c.concentration_pvalue)})"))
    if c.subsampled:
        facts.append(("subsampled", f"trend computed on {c.subsampled:,} runs"))
    return tuple(facts)
