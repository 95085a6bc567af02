"""Parameter importance (research §5).

What the report says and how it ranks comes from a calibrated effect test per parameter
(`effects.effect_tests`): conditional on the strongest other parameters from CONDITIONAL_FROM
configurations, compared with shuffled copies of the parameter drawn within the same period
of the sweep, Holm-adjusted; parameters whose effect cannot be told from chance share the last
rank. Beside it: how much of the metric the detected parameters explain out of sample (R²;
a poor fit flags the ranking), Spearman ρ, and a top-quantile PED-ANOVA-style importance
("what separates the best runs").

A random forest's Sobol indices under the declared prior (the fANOVA quantity) were the
ranking before: on adaptive sweeps the forest extrapolates into space the sampler never
visited and ordered scores at the noise floor (benchmarks/truth.py measured it), so it is gone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.effects import (
    CONDITIONAL_FROM,
    COVARIATES,
    PERMUTATIONS,
    EffectTest,
    Raw,
    adjusted,
    effect_tests,
    fit_r2,
    kruskal_permutation,
)
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared
from reportgen.formatting import fmt_number

MAX_TEST_RUNS = 2000  # the tests run on a subsample above this
MAX_TEST_CELLS = 6_000_000  # runs² × covariates of the neighbour distances, at most
DETECT_ALPHA = 0.05
POOR_FIT = 0.3  # fit R² below this: the ranking is not trusted
#: adaptive samplers leave most of the space unvisited and tie parameters to time: the fit must
#: be better before a ranking is trusted
POOR_FIT_ADAPTIVE = 0.5
GRID = 50


@dataclass(frozen=True)
class ParamImportance:
    name: str
    score: float  # the parameter's own effect size ε² (0 when not tested)
    low: float  # bootstrap interval of the score
    high: float
    rank: int  # detected, then above chance, by score; every other one shares the last rank
    correlation: float | None = None  # Spearman ρ with the metric (numeric parameters)
    top_importance: float | None = None  # PED-ANOVA-style, normalised to sum 1
    pvalue: float | None = None  # the effect test, Holm-adjusted across parameters
    detected: bool = False  # pvalue < DETECT_ALPHA: an effect chance does not explain
    chance: float | None = None  # the score that 95% of shuffled copies stay below


@dataclass(frozen=True)
class ImportanceInfo:
    method: str | None
    fit_r2: float | None  # out-of-sample R² of the metric from the detected parameters
    reliable: bool
    params: tuple[ParamImportance, ...]
    subsampled: int | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def order(self) -> list[str]:
        """Parameter names, most important first."""
        return [p.name for p in sorted(self.params, key=lambda p: p.rank)]

    def detected(self) -> set[str]:
        """Parameters whose effect on the metric the tests tell apart from chance."""
        return {p.name for p in self.params if p.detected}


def importance(prep: Prepared, rng: np.random.Generator | None = None,
               adaptive: bool = False, factor: np.ndarray | None = None) -> ImportanceInfo:
    """Which parameters the metric depends on: a calibrated effect test per parameter (the
    ranking and what the report says), and from CONDITIONAL_FROM configurations how much of the
    metric the detected ones explain out of sample. For a one-factor-at-a-time
    design (`factor`: per run, the parameter its configuration varies) each factor is tested
    on the baseline's runs and its own."""
    rng = rng or np.random.default_rng(17)
    ev = np.flatnonzero(prep.evaluated)
    if prep.confidence == "describe" or not len(prep.params):
        return ImportanceInfo(None, None, False, ())
    correlations = _correlations(prep, ev)
    top = _top_importance(prep, ev)
    if factor is not None:
        return _one_factor_importance(prep, ev, factor, rng, correlations, top)
    configs, values = _per_configuration(prep, ev)
    keep = stats.subsample(len(configs), MAX_TEST_RUNS, rng)
    sub = len(keep) if len(keep) < len(configs) else None
    cap = max(CONDITIONAL_FROM, int(math.sqrt(MAX_TEST_CELLS / (COVARIATES + 1))))
    if len(keep) > cap:
        keep = keep[stats.subsample(len(keep), cap, rng)]
        sub = len(keep)
    tests = effect_tests(prep, configs[keep], values[keep], rng,
                         conditional=len(configs) >= CONDITIONAL_FROM)
    method = "conditional effect tests (residuals of the other parameters' nearest " \
        "neighbours)" if len(configs) >= CONDITIONAL_FROM else "marginal effect tests"
    params = _params(prep, tests, correlations, top)
    r2 = None
    if len(configs) >= CONDITIONAL_FROM:
        strongest = sorted((j for j, p in enumerate(params) if p.detected),
                           key=lambda j: -params[j].score)[:COVARIATES + 1]
        r2 = fit_r2(prep, configs[keep], values[keep], strongest)
    floor = POOR_FIT_ADAPTIVE if adaptive else POOR_FIT
    fits = r2 is None or r2 >= floor
    info = ImportanceInfo(method, r2, fits and any(p.detected for p in params), params, sub)
    return ImportanceInfo(**{**info.__dict__,
                             "findings": tuple(_findings(prep, info, adaptive, fits))})


def _params(prep: Prepared, tests: list[EffectTest], correlations: list, top: list
            ) -> tuple[ParamImportance, ...]:
    """Each parameter's importance from its effect test: detected at DETECT_ALPHA, ranked."""
    detected = [t.pvalue is not None and t.pvalue < DETECT_ALPHA for t in tests]
    rank = _ranks([t.score for t in tests], detected, [t.chance for t in tests])
    return tuple(ParamImportance(
        p.name, float(t.score), float(t.low), float(t.high), rank[j], correlations[j], top[j],
        t.pvalue, detected[j], t.chance) for j, (p, t) in enumerate(zip(prep.params, tests)))


def _ranks(scores: list[float], detected: list[bool], chance: list[float | None]
           ) -> dict[int, int]:
    """Detected parameters first, by score; then those whose score is above what 95% of their
    shuffles reach (a hint, not a finding: the report names no effect for them), by score;
    every other one shares the last rank — no order is claimed among what chance explains."""
    above = [not d and c is not None and s > c for s, d, c in zip(scores, detected, chance)]
    ordered = sorted((j for j in range(len(scores)) if detected[j] or above[j]),
                     key=lambda j: (not detected[j], -scores[j]))
    rank = {j: i + 1 for i, j in enumerate(ordered)}
    last = len(ordered) + 1
    return {j: rank.get(j, last) for j in range(len(scores))}


def _one_factor_importance(prep: Prepared, ev: np.ndarray, factor: np.ndarray,
                           rng: np.random.Generator, correlations: list, top: list
                           ) -> ImportanceInfo:
    """Each factor of an ablation against its baseline: the runs of the baseline and of the
    configurations that vary only this factor, grouped by its value (their repeats over seeds
    are real repeats here: nothing else differs), in a permutation Kruskal–Wallis test."""
    raw: list[Raw] = []
    for j in range(len(prep.params)):
        rows = ev[np.isin(factor[ev], (-1, j))]
        # an unset value (a component the ablation removed) is a level of its own
        x = prep.codes[rows, j].astype(float) if prep.categorical[j] else \
            np.nan_to_num(prep.raw(j)[rows], nan=-np.inf)
        if prep.replicate[j] or len(rows) < 6 or len(np.unique(x)) < 2:
            raw.append((0.0, 0.0, 0.0, None, None))
            continue
        levels = np.unique(x, return_inverse=True)[1].astype(float)
        raw.append(kruskal_permutation(prep.s[rows], levels, True,
                                        np.zeros(len(rows), dtype=int),
                                        max(PERMUTATIONS, 80 * len(prep.params)), rng))
    params = _params(prep, adjusted(raw), correlations, top)
    info = ImportanceInfo("each factor against the baseline (one factor at a time)", None,
                          any(p.detected for p in params), params)
    return ImportanceInfo(**{**info.__dict__,
                             "findings": tuple(_findings(prep, info, False, True))})


def _per_configuration(prep: Prepared, ev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per distinct configuration of the evaluated runs (its first run) and the mean
    signed metric over its repeats: runs of one configuration over seeds or folds are one
    observation of it, not several (counting them apart would make any parameter that goes
    with a good configuration look like it matters)."""
    keys = prep.keys[ev]
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    if len(unique) == len(ev):
        return ev, prep.s[ev]
    means = np.bincount(inverse, weights=prep.s[ev]) / np.bincount(inverse)
    order = np.argsort(first, kind="stable")  # proposal order of the first runs
    return ev[first[order]], means[order]


def _correlations(prep: Prepared, ev: np.ndarray) -> list[float | None]:
    from scipy import stats as st

    out: list[float | None] = []
    for j in range(len(prep.params)):
        u = prep.u[ev, j]
        ok = ~np.isnan(u)
        if prep.categorical[j] or ok.sum() < 3:
            out.append(None)
            continue
        out.append(float(st.spearmanr(u[ok], prep.s[ev][ok]).statistic))
    return out


def _top_importance(prep: Prepared, ev: np.ndarray) -> list[float | None]:
    """PED-ANOVA-style: how far the top set's marginal is from all runs' (Pearson χ²
    divergence of smoothed densities on a 50-point grid), normalised to sum to 1. The top set
    is the report's (`prep.facts.top`), the one the best region describes."""
    n = len(ev)
    if n < 10:
        return [None] * len(prep.params)
    top = np.isin(prep.rows[ev], prep.facts.top)
    gamma = float(top.mean())
    raw = []
    for j in range(len(prep.params)):
        if prep.categorical[j]:
            codes = prep.codes[ev, j]
            k = len(prep.levels[j])
            p_all = np.bincount(codes[codes >= 0], minlength=k) + 1.0
            p_top = np.bincount(codes[top & (codes >= 0)], minlength=k) + 1.0
        else:
            u = prep.u[ev, j]
            ok = ~np.isnan(u)
            p_all, p_top = _kde(u[ok]), _kde(u[top & ok])
        p_all, p_top = p_all / p_all.sum(), p_top / p_top.sum()
        raw.append(float(gamma ** 2 * np.sum((p_top / p_all - 1) ** 2 * p_all)))
    total = sum(raw)
    return [r / total if total > 0 else 0.0 for r in raw]


def _kde(u: np.ndarray) -> np.ndarray:
    """Scott-rule Gaussian kernel density on the grid, plus one uniform prior kernel."""
    grid = (np.arange(GRID) + 0.5) / GRID
    if len(u) < 2:
        return np.ones(GRID)
    sigma = 1.059 * min(np.std(u), (np.quantile(u, 0.75) - np.quantile(u, 0.25)) / 1.34) \
        * len(u) ** -0.2
    sigma = max(sigma, 0.5 / GRID)
    dens = np.exp(-0.5 * ((grid[:, None] - u[None, :]) / sigma) ** 2).sum(axis=1) / sigma
    dens = dens / dens.sum() * len(u)
    return dens + 1.0  # the prior kernel: weight of one run, spread over the whole range


def _findings(prep: Prepared, info: ImportanceInfo, adaptive: bool, fits: bool
              ) -> list[Finding]:
    out: list[Finding] = []
    if not info.params:
        return out
    metric = prep.sweep.metric.name
    low_conf = " (low confidence: few runs)" if prep.confidence == "low" else ""
    if info.fit_r2 is not None and not fits:
        why = (" — the adaptive search concentrated its runs, so parameters it stopped varying "
               "look unimportant" if adaptive else "")
        out.append(Finding(
            "importance_fit", "notice",
            f"The parameters explain little of {metric} (out-of-sample R² = "
            f"{info.fit_r2:.2f}){why}: the importance ranking is not reliable and the bars are "
            "greyed out; the best-region differences are the better guide.",
            {"fit_r2": info.fit_r2, "adaptive": adaptive}))
    ranked = sorted((p for p in info.params if p.detected), key=lambda p: p.rank)
    tested = [p for p in info.params if p.pvalue is not None]
    if ranked:
        names = ", ".join(f"{p.name} (ε² {p.score:.2f}, p = {fmt_number(p.pvalue, 2)})"
                          for p in ranked[:3])
        more = f" and {len(ranked) - 3} more" if len(ranked) > 3 else ""
        out.append(Finding(
            "importance", "info",
            f"{metric} depends most on {names}{more}{low_conf}.",
            {"method": info.method, "detected": [p.name for p in ranked],
             "scores": {p.name: p.score for p in info.params}}))
    elif tested:
        out.append(Finding(
            "importance_none_detected", "notice",
            f"No parameter's effect on {metric} can be told apart from chance in these "
            f"{prep.n_evaluated:,} runs: the importance bars are not a ranking{low_conf}.",
            {"method": info.method, "pvalues": {p.name: p.pvalue for p in tested}}))
    return out
