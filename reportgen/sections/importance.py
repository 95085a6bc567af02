"""Importance: each parameter's effect size with its interval, chance level and test."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.diagnostics.importance import ImportanceInfo
from reportgen.diagnostics.summary import Diagnostics
from reportgen.sections.common import Table, p_text


@dataclass(frozen=True)
class ImportanceView:
    """The table (None with too few runs), its caption, and the figure's data."""

    table: Table | None
    caption: str
    info: ImportanceInfo = field(compare=False, repr=False)


def importance(d: Diagnostics) -> ImportanceView:
    """The importance table of one sweep, ranked, and what its numbers mean."""
    imp = d.importance
    if not imp.params:
        return ImportanceView(None, "", imp)
    caption = (
        f"{(imp.method or '')[:1].upper()}{(imp.method or '')[1:]}. Effect size ε²: how much "
        "of the metric's rank order the parameter's bins explain, with a 5–95% bootstrap "
        "interval; “chance” is the ε² that 95% of shuffles of the parameter (within the same "
        "period of the sweep) stay below; an effect is detected at Holm-adjusted p < 0.05 by "
        "the test on what the strongest other parameters leave unexplained (so a parameter a "
        "stronger one hides can be detected with a small ε² of its own), and parameters "
        "neither detected nor above chance share the last rank. Repeats of a configuration "
        "count once."
        + ("" if imp.reliable else " Not a reliable ranking here: no effect is detected, or "
           "the parameters explain little of the metric."))
    if imp.subsampled:
        caption += f" Tested on a random subsample of {imp.subsampled:,} configurations."
    rows = tuple(
        (str(p.rank), p.name, f"{p.score:.3f}", f"{p.low:.3f} … {p.high:.3f}",
         "–" if p.chance is None else f"{p.chance:.3f}", p_text(p.pvalue),
         "yes" if p.detected else "no",
         "–" if p.correlation is None else f"{p.correlation:+.2f}",
         "–" if p.top_importance is None else f"{p.top_importance:.2f}")
        for p in sorted(imp.params, key=lambda p: (p.rank, -p.score)))
    table = Table(("rank", "parameter", "effect ε²", "interval", "chance (95%)", "p (Holm)",
                   "detected", "Spearman ρ", f"top-{d.facts.top_fraction:.0%} importance"), rows,
                  (True, False, True, True, True, True, False, True, True))
    return ImportanceView(table, caption, imp)
