"""Strategy fingerprint: was this sweep a designed experiment (a grid, one factor at a time),
a quasi-random, random or adaptive search, judged from the runs alone and calibrated against
random sweeps of the same size (research §4).

Order of the decision: design → quasi-random → adaptive → random. The design and the samplers
are judged on distinct configurations (repeats over seeds or folds are one proposal). Every
statistic is compared with its distribution under random sampling from the declared prior:
the discrepancy ratio with 100 simulated random sweeps, each proposal's distance to the
incumbent with draws from the prior (a conditional randomisation test), the KS statistics with
their exact null distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.diagnostics.coverage import CoverageInfo, spread_points
from reportgen.diagnostics.design import Design
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared

MIN_RUNS = 20  # fewer proposals: "insufficient evidence"
ADAPTIVE_ALPHA = 0.01
QUASI_MARGIN = 0.7


@dataclass(frozen=True)
class StrategyInfo:
    inferred: str  # grid | one-factor | quasi-random | random | adaptive | insufficient evidence
    declared: str | None
    confidence: str  # low | medium | high
    evidence: tuple[str, ...]
    agrees: bool | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)


#: which declared methods (W&B's, and the Optuna samplers a study's trials record) match
#: which inferred label
_MATCHES = {"grid": {"grid", "one-factor"}, "random": {"random", "quasi-random"},
            "bayes": {"adaptive"}, "tpe": {"adaptive"}, "cma-es": {"adaptive"},
            "gp (Bayesian)": {"adaptive"}, "evolutionary (NSGA)": {"adaptive"}}


def strategy(prep: Prepared, cov: CoverageInfo, conv: ConvergenceInfo, plan: Design,
             rng: np.random.Generator | None = None) -> StrategyInfo:
    """The search strategy the runs show, with its evidence, against the declared method."""
    rng = rng or np.random.default_rng(29)
    declared = prep.sweep.method
    label, confidence, evidence = _decide(prep, cov, conv, plan, rng)
    agrees = None
    if declared in _MATCHES and label != "insufficient evidence":
        agrees = label in _MATCHES[declared]
    info = StrategyInfo(label, declared, confidence, tuple(evidence), agrees)
    return StrategyInfo(**{**info.__dict__, "findings": tuple(_findings(info, prep))})


def _decide(prep: Prepared, cov: CoverageInfo, conv: ConvergenceInfo, plan: Design,
            rng: np.random.Generator) -> tuple[str, str, list[str]]:
    n = prep.n
    if n < MIN_RUNS or not len(prep.params):
        return "insufficient evidence", "low", [f"only {n} runs with parameters"]
    evidence: list[str] = list(plan.evidence)
    if plan.kind is not None:
        return plan.kind, plan.confidence, evidence
    m = len(prep.distinct)
    if m < MIN_RUNS:
        return "insufficient evidence", "low", evidence + [
            f"only {m} distinct configurations"]
    quasi = _quasi_random(prep, rng)
    if quasi is not None:
        return "quasi-random", "medium" if m < 50 else "high", evidence + quasi
    pct = cov.discrepancy_percentile
    if pct is not None and cov.discrepancy_ratio is not None:
        lo, mid, hi = cov.discrepancy_null or (np.nan, np.nan, np.nan)
        evidence.append(
            f"joint spread: discrepancy ratio {cov.discrepancy_ratio:.2f}, at the {pct:.0f}th "
            f"percentile of 100 random sweeps of {min(m, stats.NULL_RUNS)} runs "
            f"(their 1st–99th: {lo:.2f}–{hi:.2f})")
    signals = []
    if conv.concentration_pvalue is not None:
        evidence.append(f"distance of each proposal to the best run known when it was made, "
                        f"ranked among draws from the declared space: mean rank "
                        f"{conv.concentration_rank:.2f} (random search: 0.50), "
                        f"p = {conv.concentration_pvalue:.3g}")
        if conv.concentrating:
            signals.append("proposals sat closer to the incumbent than random draws")
    clustered = pct is not None and pct >= 100
    shifted = _early_late_shift(prep, cov)
    if shifted:
        evidence.append(f"late runs differ from early ones and from the prior in: "
                        f"{', '.join(shifted)}")
    if clustered and shifted:  # either alone happens to random sweeps now and then
        signals.append("the runs cluster more than every one of 100 random sweeps, and the "
                       "sampling distribution changed during the sweep")
    if signals:
        confidence = "low" if m < 30 else "high" if (conv.concentration_pvalue or 1) < 1e-4 \
            else "medium"
        return "adaptive", confidence, evidence + signals
    rejected = [p.name for p in cov.params if p.pvalue_adjusted is not None
                and p.pvalue_adjusted < 0.01]
    if rejected:
        evidence.append(f"marginals differ from the declared prior: {', '.join(rejected)} "
                        "(a changed config, a wrong scale, or crashes in one region?)")
        return "random", "low", evidence
    evidence.append("marginals and joint spread match random sampling from the prior")
    return "random", "low" if m < 30 else "medium" if m < 100 else "high", evidence


def _quasi_random(prep: Prepared, rng: np.random.Generator) -> list[str] | None:
    """Evidence of a low-discrepancy sequence (Sobol, Halton) on the numeric parameters set
    in every run (a QMC sampler leaves categoricals and conditional ones to a random
    sampler): their joint spread clearly more even than every one of 100 random sweeps (below
    QUASI_MARGIN of the most even; measured on Sobol and random sweeps of 30–200 runs, Sobol's
    ratio to it stays below 0.62 and random search's above 0.75), and every
    one's marginal closer to its prior than random sampling gets half the time."""
    from scipy import stats as st

    first = prep.distinct
    cols = np.array([j for j in range(len(prep.params))
                     if not prep.categorical[j] and not prep.replicate[j]
                     and not np.isnan(prep.u[first, j]).any()
                     and len(np.unique(prep.raw(j)[first])) >= 0.5 * len(first)], dtype=int)
    if not len(cols):
        return None
    u = spread_points(prep, rng, cols)
    u = u[stats.subsample(len(u), stats.NULL_RUNS, rng)]
    ratio = stats.md_ratio(u)
    null = stats.md_null(len(u), u.shape[1], rng)
    if ratio >= QUASI_MARGIN * null.min():
        return None
    for k in range(len(cols)):
        if st.kstest(u[:, k], "uniform").statistic > st.kstwo(len(u)).median():
            return None
    names = ", ".join(prep.params[j].name for j in cols)
    return [f"the joint spread of {names} is more even than every one of 100 random sweeps "
            f"(discrepancy ratio {ratio:.2f}, theirs at least {null.min():.2f}), and each "
            "one's values are closer to its prior than random sampling gets half the time"]


def _early_late_shift(prep: Prepared, cov: CoverageInfo) -> list[str]:
    """Parameters whose first and last thirds differ (Holm) and that fail the prior test."""
    from scipy import stats as st

    first = prep.distinct
    third = len(first) // 3
    if third < 10:
        return []
    pvalues = []
    for j in range(len(prep.params)):
        if prep.replicate[j]:
            pvalues.append(np.nan)
            continue
        early, late = prep.u[first[:third], j], prep.u[first[-third:], j]
        early, late = early[~np.isnan(early)], late[~np.isnan(late)]
        pvalues.append(st.ks_2samp(early, late).pvalue if min(len(early), len(late)) >= 5
                       else np.nan)
    adjusted = stats.holm(pvalues)
    return [p.name for p, a, c in zip(prep.params, adjusted, cov.params)
            if a < ADAPTIVE_ALPHA and c.pvalue_adjusted is not None
            and c.pvalue_adjusted < ADAPTIVE_ALPHA]


_WORDS = {"grid": "grid search", "one-factor": "a designed experiment, one factor at a time "
           "from a baseline", "quasi-random": "quasi-random search", "random": "random search",
           "adaptive": "adaptive search", "insufficient evidence": "too few runs to tell"}


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
            ("random", "one-factor"): "The runs of this random sweep vary one factor at a "
                                      "time from a baseline",
            ("grid", "random"): "The grid sweep's runs do not form a grid",
        }.get((info.declared or "", info.inferred),
              f"The runs look like {_WORDS[info.inferred]} although the sweep declares "
              f"{info.declared}")
        return [Finding("strategy", "warning", f"{text} (confidence {info.confidence}).",
                        {"inferred": info.inferred, "declared": info.declared})]
    return [Finding("strategy", "info",
                    f"From the runs alone this looks like {_WORDS[info.inferred]} ({method}; "
                    f"confidence {info.confidence}).",
                    {"inferred": info.inferred, "declared": info.declared})]
