"""One sweep's part of the page: every section's view, in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.diagnostics.summary import Diagnostics
from reportgen.model import Sweep
from reportgen.sections.common import Table
from reportgen.sections.convergence import ConvergenceView, convergence
from reportgen.sections.coverage import CoverageView, coverage
from reportgen.sections.header import SweepHeader, sweep_header
from reportgen.sections.importance import ImportanceView, importance
from reportgen.sections.next_sweep import NextSweepView, next_sweep
from reportgen.sections.parallel import ParallelView, choose_axes, parallel
from reportgen.sections.region import RegionView, region
from reportgen.sections.runs import best_table
from reportgen.sections.space import SpaceView, space
from reportgen.sections.strategy import StrategyView, strategy
from reportgen.sections.summary import summary
from reportgen.suggest import Suggestion

#: the sections with a figure, in the order the page draws them
FIGURES = ("parallel", "convergence", "coverage", "importance")


@dataclass(frozen=True)
class SweepView:
    """Every section of one sweep; `divs` (figure name → Bokeh div) is filled by the page."""

    anchor: str
    header: SweepHeader
    summary: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (group, (severity, text))
    parallel: ParallelView
    best: Table
    strategy: StrategyView
    convergence: ConvergenceView
    coverage: CoverageView
    region: RegionView
    next: NextSweepView
    importance: ImportanceView
    space: SpaceView
    divs: dict[str, str] = field(default_factory=dict, compare=False)

    def figures(self) -> tuple[str, ...]:
        """The figures this sweep's sections draw (importance only with a table)."""
        return tuple(f for f in FIGURES if f != "importance" or self.importance.table)


def sweep_view(sweep: Sweep, d: Diagnostics, anchor: str, proposal: Suggestion | None,
               axes: tuple[str, ...] | None = None, axis_order: str = "importance"
               ) -> SweepView:
    """The sections of one sweep. `axes` are the parallel plot's axes as asked for (None:
    every varying parameter, ordered by importance or, with `axis_order` "config", as
    declared)."""
    chosen = choose_axes(sweep, d.facts, axes, d.importance.order()
                         if axis_order == "importance" else None)
    return SweepView(
        anchor=anchor, header=sweep_header(sweep, d, proposal), summary=summary(d),
        parallel=parallel(sweep, d.facts, chosen),
        best=best_table(sweep, d.facts), strategy=strategy(d), convergence=convergence(d),
        coverage=coverage(d), region=region(d), next=next_sweep(proposal),
        importance=importance(d), space=space(sweep))
