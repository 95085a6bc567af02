"""The best region: where the top set lies on each parameter, against all runs, and PRIM's box."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.diagnostics.region import ParamRegion
from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_value
from reportgen.sections.common import Table, p_text, range_text


@dataclass(frozen=True)
class RegionView:
    """The table (None when there are too few runs to describe a region) and its caption."""

    table: Table | None
    caption: str


def region(d: Diagnostics) -> RegionView:
    """The best-region table of one sweep and the caption that says how it was made."""
    reg = d.region
    caption = (f"Top set: the best {reg.top_runs} finished runs ({d.facts.top_rule()}); "
               "ranges are their 5–95% quantiles on each parameter's own scale. The PRIM box "
               "is the smallest box holding 80% of them; “kept” means it narrows that "
               "parameter in at least 60% of bootstrap resamples with quasi-p ≤ 0.05.")
    if reg.subsampled:
        caption += f" PRIM ran on a random subsample of {reg.subsampled:,} runs."
    if d.facts.confidence == "low":
        caption += " Low confidence: fewer than 30 finished runs."
    if not reg.params:
        return RegionView(None, caption)
    rows = tuple(_categorical_row(p) if p.categorical else _numeric_row(p)
                 for p in reg.params)
    return RegionView(Table(("parameter", f"best {reg.top_runs} runs (5–95%)",
                             "all runs (5–95%)", "compared", "p (top vs rest)", "PRIM box",
                             "box stability", "kept"), rows), caption)


def _categorical_row(p: ParamRegion) -> tuple[str, ...]:
    top = ", ".join(fmt_value(v) for v in p.levels) or "–"
    notes = "; ".join(
        f"{fmt_value(e.level)} {e.lift:.1f}×" + (" (rare among the best)" if e.q_depleted < 0.05
                                                 else " (over-represented)"
                                                 if e.q_enriched < 0.05 else "")
        for e in p.enrichment)
    return (p.name, top, "–", notes, "–", ", ".join(fmt_value(v) for v in p.box_levels) or "–",
            "–" if p.stability is None else f"{p.stability:.0%}", "yes" if p.kept else "no")


def _numeric_row(p: ParamRegion) -> tuple[str, ...]:
    ratio = "–" if not p.width_ratio else f"{1 / p.width_ratio:.1f}× narrower" \
        if p.width_ratio < 1 else "as wide"
    bound = {"low": "presses on the low bound: extend",
             "high": "presses on the high bound: extend"}.get(p.at_bound or "", "")
    return (p.name, range_text(p.low, p.high) + (" (log)" if p.scale == "log" else ""),
            range_text(p.all_low, p.all_high), " ".join(x for x in (ratio, bound) if x),
            p_text(p.pvalue), range_text(p.box_low, p.box_high),
            "–" if p.stability is None else f"{p.stability:.0%}", "yes" if p.kept else "no")
