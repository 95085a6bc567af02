"""Strategy fingerprint: was this sweep a grid, quasi-random, random or adaptive search,
judged from the runs alone and calibrated against random sweeps of the same size (research §4).

Order of the decision: grid → quasi-random → adaptive → random. Every statistic is compared
with its distribution under random sampling from the declared prior: the discrepancy ratio with
100 simulated random sweeps, the concentration trend with 200 permutations of the run order,
the KS statistics with their exact null distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared

MIN_RUNS = 20  # fewer proposals: "insufficient evidence"
ADAPTIVE_ALPHA = 0.01


@dataclass(frozen=True)
class StrategyInfo:
    inferred: str  # grid | quasi-random | random | adaptive | insufficient evidence
    declared: str | None
    confidence: str  # low | medium | high
    evidence: tuple[str, ...]
    agrees: bool | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"inferred": self.inferred, "declared": self.declared,
                "confidence": self.confidence, "evidence": list(self.evidence),
                "agrees": self.agrees}


#: which declared W&B methods match which inferred label
_MATCHES = {"grid": {"grid"}, "random": {"random", "quasi-random"}, "bayes": {"adaptive"}}


def strategy(prep: Prepared, cov: CoverageInfo, conv: ConvergenceInfo) -> StrategyInfo:
    declared = prep.sweep.method
    label, confidence, evidence = _decide(prep, cov, conv)
    agrees = None
    if declared in _MATCHES and label != "insufficient evidence":
        agrees = label in _MATCHES[declared]
    info = StrategyInfo(label, declared, confidence, tuple(evidence), agrees)
    return StrategyInfo(**{**info.__dict__, "findings": tuple(_findings(info, prep))})


def _decide(prep: Prepared, cov: CoverageInfo, conv: ConvergenceInfo
            ) -> tuple[str, str, list[str]]:
    n = prep.n
    if n < MIN_RUNS or not len(prep.params):
        return "insufficient evidence", "low", [f"only {n} runs with parameters"]
    evidence: list[str] = []
    grid = _grid_signal(prep, cov, evidence)
    if grid:
        return "grid", grid, evidence
    pct = cov.discrepancy_percentile
    if pct is not None and cov.discrepancy_ratio is not None:
        lo, mid, hi = cov.discrepancy_null or (np.nan, np.nan, np.nan)
        evidence.append(
            f"joint spread: discrepancy ratio {cov.discrepancy_ratio:.2f}, at the {pct:.0f}th "
            f"percentile of 100 random sweeps of {min(n, stats.NULL_RUNS)} runs "
            f"(their 1st–99th: {lo:.2f}–{hi:.2f})")
    ks_small = _ks_below_null_median(prep)
    if pct is not None and pct <= 0 and ks_small and _all_continuous(prep):
        return "quasi-random", "medium" if n < 50 else "high", evidence + [
            "every parameter's marginal is closer to its prior than random sampling gets"]
    signals = []
    if pct is not None and pct >= 100:
        signals.append("the runs cluster more than every one of 100 random sweeps")
    if conv.concentration_pvalue is not None:
        evidence.append(f"distance to the best run so far: trend ρ = "
                        f"{conv.concentration_rho:.2f}, permutation p = "
                        f"{conv.concentration_pvalue:.3f}")
        if conv.concentration_pvalue < ADAPTIVE_ALPHA and (conv.concentration_rho or 0) < 0:
            signals.append("later proposals moved closer to the incumbent")
    shifted = _early_late_shift(prep, cov)
    if shifted:
        evidence.append(f"late runs differ from early ones and from the prior in: "
                        f"{', '.join(shifted)}")
        signals.append("the sampling distribution changed during the sweep")
    if signals:
        strong = len(signals) >= 2
        confidence = "low" if n < 30 else "high" if strong else "medium"
        return "adaptive", confidence, evidence + signals
    rejected = [p.name for p in cov.params if p.pvalue_adjusted is not None
                and p.pvalue_adjusted < 0.01]
    if rejected:
        evidence.append(f"marginals differ from the declared prior: {', '.join(rejected)} "
                        "(a changed config, a wrong scale, or crashes in one region?)")
        return "random", "low", evidence
    evidence.append("marginals and joint spread match random sampling from the prior")
    return "random", "low" if n < 30 else "medium" if n < 100 else "high", evidence


def _grid_signal(prep: Prepared, cov: CoverageInfo, evidence: list[str]) -> str | None:
    """Few repeated values per parameter, and either a nearly complete product of levels or
    no duplicate where random sampling would repeat itself."""
    counts = []
    for j in range(len(prep.params)):
        column = prep.codes[:, j] if prep.categorical[j] else prep.raw(j)
        values, reps = np.unique(column[~_missing(column)], return_counts=True)
        if len(values) > 20 or reps.min() < 2:
            return None
        counts.append(len(values))
    product = int(np.prod(counts))
    distinct = cov.unique_configs
    completeness = distinct / product if product else 0
    n = prep.n
    expected = n - product * (1 - (1 - 1 / product) ** n)
    evidence.append(f"{distinct} distinct combinations of {' × '.join(map(str, counts))} = "
                    f"{product} level combinations ({completeness:.0%}); {cov.duplicates} "
                    f"duplicates where random sampling would give {expected:.1f}")
    if completeness >= 0.9 and cov.duplicates == 0:
        return "high"
    if completeness >= 0.9 and expected >= 6 and cov.duplicates <= 0.5 * expected:
        # a complete grid with a few cells run again (repeats): random draws covering this
        # much of the product would repeat themselves twice as often or more
        evidence.append(f"a complete grid with {cov.duplicates} repeated cell(s)")
        return "high" if completeness == 1 else "medium"
    if cov.duplicates == 0 and expected >= 3:
        return "high" if expected >= 6 else "medium"
    return None


def _missing(column: np.ndarray) -> np.ndarray:
    if column.dtype.kind in "fc":
        return np.isnan(column)
    return column < 0


def _all_continuous(prep: Prepared) -> bool:
    return all(not prep.categorical[j] and len(np.unique(prep.raw(j))) > 0.9 * prep.n
               for j in range(len(prep.params)))


def _ks_below_null_median(prep: Prepared) -> bool:
    from scipy import stats as st

    for j in range(len(prep.params)):
        u = prep.u[:, j]
        u = u[~np.isnan(u)]
        if len(u) < 10:
            return False
        if st.kstest(u, "uniform").statistic > st.kstwo(len(u)).median():
            return False
    return True


def _early_late_shift(prep: Prepared, cov: CoverageInfo) -> list[str]:
    """Parameters whose first and last thirds differ (Holm) and that fail the prior test."""
    from scipy import stats as st

    n = prep.n
    third = n // 3
    if third < 10:
        return []
    pvalues = []
    for j in range(len(prep.params)):
        early, late = prep.u[:third, j], prep.u[-third:, j]
        early, late = early[~np.isnan(early)], late[~np.isnan(late)]
        pvalues.append(st.ks_2samp(early, late).pvalue if min(len(early), len(late)) >= 5
                       else np.nan)
    adjusted = stats.holm(pvalues)
    return [p.name for p, a, c in zip(prep.params, adjusted, cov.params)
            if a < ADAPTIVE_ALPHA and c.pvalue_adjusted is not None
            and c.pvalue_adjusted < ADAPTIVE_ALPHA]


def _findings(info: StrategyInfo, prep: Prepared) -> list[Finding]:
    if info.inferred == "insufficient evidence":
        return []
    method = f"declared {info.declared}" if info.declared else "no declared method"
    if info.agrees is False:
        text = {
            ("bayes", "random"): "The bayes search behaved like random search: no sign that it "
                                 "learned where the good runs are",
            ("bayes", "grid"): "The bayes search proposed a grid of repeated values",
            ("random", "adaptive"): "The runs of this random sweep are not a random sample: the "
                                    "sampling changed during the sweep",
            ("random", "grid"): "The runs of this random sweep look like a grid",
            ("grid", "random"): "The grid sweep's runs do not form a grid",
        }.get((info.declared or "", info.inferred),
              f"The runs look like {info.inferred} search although the sweep declares "
              f"{info.declared}")
        return [Finding("strategy", "warning", f"{text} (confidence {info.confidence}).",
                        {"inferred": info.inferred, "declared": info.declared})]
    return [Finding("strategy", "info",
                    f"From the runs alone this looks like {info.inferred} search ({method}; "
                    f"confidence {info.confidence}).",
                    {"inferred": info.inferred, "declared": info.declared})]
