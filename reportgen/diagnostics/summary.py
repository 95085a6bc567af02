"""The commentary: every diagnostic's findings in reading order, plus the statements that need
several diagnostics at once (no detectable effect, where the crashes are)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.diagnostics.facts import Facts
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.importance import ImportanceInfo
from reportgen.diagnostics.overview import Overview
from reportgen.diagnostics.prep import Prepared
from reportgen.diagnostics.region import RegionInfo
from reportgen.diagnostics.strategy import StrategyInfo
from reportgen.formatting import fmt_number, fmt_value

CRASH_MIN = 3  # crashes needed before saying where they happen


@dataclass(frozen=True)
class Diagnostics:
    """Every diagnostic of one sweep, and the findings in the order the report tells them."""

    facts: Facts
    prep: Prepared
    overview: Overview
    coverage: CoverageInfo
    convergence: ConvergenceInfo
    strategy: StrategyInfo
    region: RegionInfo
    importance: ImportanceInfo
    findings: tuple[Finding, ...]


def commentary(prep: Prepared, ov: Overview, cov: CoverageInfo, conv: ConvergenceInfo,
               strat: StrategyInfo, reg: RegionInfo, imp: ImportanceInfo) -> list[Finding]:
    """Every diagnostic's findings in reading order, with the statements that need several
    diagnostics at once."""
    overview = list(ov.findings)
    crashes = [f for f in overview if f.kind == "crashes"]
    rest = [f for f in overview if f.kind != "crashes"]
    crash_where = _crash_region(prep)
    if crashes and crash_where:
        f = crashes[0]
        crashes = [Finding(f.kind, f.severity, f.message[:-1] + f", {crash_where}.",
                           {**f.evidence, "where": crash_where})]
    importance_order = imp.order() if imp.params else prep.names
    detected = imp.detected()
    # the best runs of an adaptive search sit wherever the sampler drifted: a bound of a
    # parameter without a detectable effect is not worth extending (nor does suggest extend it)
    region = [f for f in reg.findings
              if not (f.kind in ("region_bound", "region_edge")
                      and f.evidence.get("param") not in detected)]
    region.sort(key=lambda f: importance_order.index(f.evidence["param"])
                if f.evidence.get("param") in importance_order else len(importance_order))
    return [*rest, *crashes, *strat.findings, *region, *imp.findings,
            *_no_effect(prep, reg, imp), *conv.findings, *cov.findings]


def _no_effect(prep: Prepared, reg: RegionInfo, imp: ImportanceInfo) -> list[Finding]:
    """Said only when nothing detects an effect: the parameter's effect test cannot tell it
    from chance (while another's can), the best runs' values do not differ from the rest, and
    no level is over- or under-represented."""
    if not imp.params or not imp.reliable or prep.confidence == "describe":
        return []
    out = []
    by_name = {p.name: p for p in reg.params}
    for p in sorted(imp.params, key=lambda p: p.rank):
        r = by_name.get(p.name)
        if r is None or p.detected or p.pvalue is None:
            continue
        if r.categorical:
            if any(e.q_enriched < 0.05 or e.q_depleted < 0.05 for e in r.enrichment):
                continue
        elif r.pvalue is None or r.pvalue < 0.05:
            continue
        if r.kept:
            continue
        low = " (low confidence: few runs)" if prep.confidence == "low" else ""
        out.append(Finding(
            "importance_none", "info",
            f"{p.name} shows no detectable effect on {prep.sweep.metric.name} (effect test "
            f"p = {fmt_number(p.pvalue, 2)}){low}.",
            {"param": p.name, "score": p.score, "pvalue": p.pvalue}))
    return out


def _crash_region(prep: Prepared) -> str | None:
    """'all with optimizer = sgd and learning_rate above 0.03', when crashes cluster."""
    states = prep.sweep.runs["state"].to_numpy()[prep.rows]
    crashed = np.isin(states, ("crashed", "failed"))
    if crashed.sum() < CRASH_MIN or crashed.all():
        return None
    rate = crashed.mean()
    parts = []
    for j, spec in enumerate(prep.params):
        if prep.categorical[j]:
            codes = prep.codes[:, j]
            levels = np.unique(codes[crashed & (codes >= 0)])
            if len(levels) == 1 and len(prep.levels[j]) > 1:
                parts.append(f"{spec.name} = {fmt_value(prep.levels[j][levels[0]])}")
            continue
        raw = prep.raw(j)
        bad = raw[crashed & np.isfinite(raw)]
        if not len(bad):
            continue
        low, high = bad.min(), bad.max()
        above = np.isfinite(raw) & (raw >= low)
        below = np.isfinite(raw) & (raw <= high)
        if crashed[above].mean() >= 3 * rate and above.mean() < 0.5:
            parts.append(f"{spec.name} ≥ {fmt_number(low, 3)}")
        elif crashed[below].mean() >= 3 * rate and below.mean() < 0.5:
            parts.append(f"{spec.name} ≤ {fmt_number(high, 3)}")
    if not parts:
        return None
    return "all with " + " and ".join(parts)
