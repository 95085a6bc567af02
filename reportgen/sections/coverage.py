"""Coverage: each parameter against its declared prior, the joint spread, repeats, the grid."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.diagnostics.summary import Diagnostics
from reportgen.sections.common import Table, p_text, range_text


@dataclass(frozen=True)
class CoverageView:
    """The facts, the per-parameter table, and the figure's data."""

    facts: tuple[tuple[str, str], ...]
    table: Table
    info: CoverageInfo = field(compare=False, repr=False)


def coverage(d: Diagnostics) -> CoverageView:
    """The coverage facts and table of one sweep."""
    return CoverageView(_facts(d.coverage), _table(d.coverage), d.coverage)


def _table(c: CoverageInfo) -> Table:
    rows = []
    for p in c.params:
        if p.kind == "categorical":
            covered = ", ".join(p.levels_tried)
            gap = ("never tried: " + ", ".join(p.levels_missing)) if p.levels_missing else "–"
        else:
            covered = range_text(p.covered_low, p.covered_high)
            gap = "–" if p.gap_ratio is None else \
                f"{range_text(p.gap_low, p.gap_high)} ({p.gap_ratio:.1f}× expected)"
        rows.append((p.name, "χ²" if p.kind == "categorical" else "KS",
                     p_text(p.pvalue_adjusted), covered, gap))
    return Table(("parameter", "test against the prior", "p (Holm)", "values tried",
                  "largest empty range"), tuple(rows))


def _facts(c: CoverageInfo) -> tuple[tuple[str, str], ...]:
    facts = []
    if c.discrepancy_ratio is not None:
        where = "" if c.discrepancy_percentile is None else \
            f", {c.discrepancy_percentile:.0f}th percentile of random sweeps"
        facts.append(("joint spread (discrepancy ratio; 1 = random)",
                      f"{c.discrepancy_ratio:.2f}{where}"))
    expected = "" if c.expected_duplicates is None else \
        f" (random sampling expects {c.expected_duplicates:.1f})"
    facts.append(("repeated configurations", f"{c.duplicates:,}{expected}"))
    if c.grid is not None:
        g = c.grid
        facts.append(("grid", f"{g.done:,} of {g.cells:,} cells done ({g.completeness:.0%}); "
                              f"{g.crashed:,} crashed only; {g.missing:,} never run"))
    if c.subsampled:
        facts.append(("subsampled", f"joint spread computed on {c.subsampled:,} runs"))
    return tuple(facts)
