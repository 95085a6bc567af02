"""The head of the page (title, links) and of each sweep: its facts, run counts and the data
problems the report worked around."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_duration, fmt_value
from reportgen.model import STATES, Sweep


@dataclass(frozen=True)
class SweepHeader:
    """A sweep's name, its facts (key, value), its runs per state, and data warnings."""

    name: str
    facts: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]
    warnings: tuple[str, ...]


def page_title(sweeps: list[Sweep]) -> str:
    """The page's title: the sweep's name, or how many sweeps and their names."""
    title = sweeps[0].name if len(sweeps) == 1 else f"{len(sweeps)} sweeps: " + ", ".join(
        s.name for s in sweeps)
    return f"Sweep report — {title}"


def sweep_header(sweep: Sweep, d: Diagnostics) -> SweepHeader:
    """Source, id, method, metric, runs, filter, when the runs were made and their compute."""
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
    return SweepHeader(sweep.name, tuple(facts),
                       tuple((s, counts[s]) for s in (*STATES, "other") if counts[s]),
                       sweep.warnings)
