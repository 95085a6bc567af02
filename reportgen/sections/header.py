"""The head of the page (title, links) and of each sweep: its facts, run counts and the data
problems the report worked around."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_duration, fmt_value
from reportgen.model import STATES, Sweep
from reportgen.suggest import Suggestion

#: the inferred strategy in a few words
_STRATEGY = {"grid": "grid search", "one-factor": "one factor at a time",
             "quasi-random": "quasi-random search", "random": "random search",
             "adaptive": "adaptive search", "insufficient evidence": "too few runs to tell the "
             "search strategy"}


@dataclass(frozen=True)
class SweepHeader:
    """A sweep's name, the headline (the result, the strategy, where to search next), its
    facts (key, value), its runs per state, and data warnings."""

    name: str
    headline: tuple[tuple[str, str], ...]  # (what, says): result, search, next
    facts: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]
    warnings: tuple[str, ...]


def page_title(sweeps: list[Sweep]) -> str:
    """The page's title: the sweep's name, or how many sweeps and their names."""
    title = sweeps[0].name if len(sweeps) == 1 else f"{len(sweeps)} sweeps: " + ", ".join(
        s.name for s in sweeps)
    return f"Sweep report — {title}"


def headline(sweep: Sweep, d: Diagnostics, proposal: Suggestion | None
             ) -> tuple[tuple[str, str], ...]:
    """What a reader wants in ten seconds: the best value and run, the strategy in a few
    words (against the declared one), and the proposed ranges of the parameters the next
    sweep changes."""
    metric = sweep.metric.name
    best = d.overview.best
    result = (f"{metric} {fmt_value(best['value'])} ({sweep.metric.goal}), run {best['name']}"
              if best else f"no run has a value of {metric} yet")
    s = d.strategy
    search = _STRATEGY.get(s.inferred, s.inferred)
    if s.declared and s.inferred != "insufficient evidence":
        search += ", as declared" if s.agrees else f" (declared {s.declared})"
    parts = [("best", result), ("search", search[:1].upper() + search[1:])]
    if proposal is not None:
        changed = proposal.changed()
        parts.append(("next", "; ".join(f"{c.param} {c.new}" for c in changed)
                      if changed else "keep the search space: no parameter has the evidence "
                      "to narrow it"))
    return tuple(parts)


def sweep_header(sweep: Sweep, d: Diagnostics, proposal: Suggestion | None = None
                 ) -> SweepHeader:
    """The headline, then source, id, method, metric, runs, filter, when the runs were made
    and their compute."""
    counts = d.overview.counts
    facts = [("source", sweep.source), ("method", sweep.method or "not declared"),
             ("metric", f"{sweep.metric.name} ({sweep.metric.goal})"),
             ("runs", f"{counts['total']:,}")]
    if sweep.sweep_id and sweep.sweep_id != sweep.name:
        facts.insert(1, ("sweep id", sweep.sweep_id))
    if sweep.where:
        facts.append(("filter", sweep.where))
    times = sweep.runs["created_at"].dropna()
    if len(times):
        facts.append(("runs created", f"{fmt_value(times.min())} – {fmt_value(times.max())}"))
    runtime = sweep.runs["runtime_s"].to_numpy(dtype=float)
    if np.isfinite(runtime).any():
        facts.append(("compute", fmt_duration(float(np.nansum(runtime))) + " in all"))
    return SweepHeader(sweep.name, headline(sweep, d, proposal), tuple(facts),
                       tuple((s, counts[s]) for s in (*STATES, "other") if counts[s]),
                       sweep.warnings)
