"""Parameter importance (research §5).

What the report says and how it ranks comes from a calibrated effect test per parameter
(`effect_tests`): conditional on the strongest other parameters from CONDITIONAL_FROM
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
from typing import Any

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared
from reportgen.formatting import fmt_number

CONDITIONAL_FROM = 30  # configurations needed for conditional tests and the fit R²
MAX_TEST_RUNS = 2000  # the tests run on a subsample above this
MAX_TEST_CELLS = 6_000_000  # runs² × covariates of the neighbour distances, at most
PERMUTATIONS = 400  # at least; 80 per parameter so Holm can reach 0.05 with many
BOOTSTRAP = 100
DETECT_ALPHA = 0.05
COVARIATES = 3  # parameters the conditional pass removes the effect of
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

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "fit_r2": self.fit_r2, "reliable": self.reliable,
                "params": {p.name: {"score": p.score, "low": p.low, "high": p.high,
                                    "rank": p.rank, "pvalue": p.pvalue,
                                    "detected": p.detected, "chance": p.chance,
                                    "correlation": p.correlation,
                                    "top_importance": p.top_importance}
                           for p in self.params},
                "subsampled_to": self.subsampled}

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
        raw.append(_kruskal_permutation(prep.s[rows], levels, True,
                                        np.zeros(len(rows), dtype=int),
                                        max(PERMUTATIONS, 80 * len(prep.params)), rng))
    params = _params(prep, _adjusted(raw), correlations, top)
    info = ImportanceInfo("each factor against the baseline (one factor at a time)", None,
                          any(p.detected for p in params), params)
    return ImportanceInfo(**{**info.__dict__,
                             "findings": tuple(_findings(prep, info, False, True))})


@dataclass(frozen=True)
class EffectTest:
    score: float
    low: float
    high: float
    pvalue: float | None  # Holm-adjusted
    chance: float | None


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


def effect_tests(prep: Prepared, rows: np.ndarray, s: np.ndarray, rng: np.random.Generator,
                 conditional: bool = True) -> list[EffectTest]:
    """Per parameter: does the metric depend on it beyond chance? The metric's ranks are
    compared across the parameter's bins (quantile bins of a number, levels of a categorical)
    by the Kruskal–Wallis effect size ε². Its null comes from shuffling the parameter's bins
    among runs of the same period (blocks of the proposal order), so an adaptive sampler's
    drift over time is not read as an effect; p-values are Holm-adjusted. Replicates (seeds,
    folds) are not tested. `s` is the signed metric of each row.

    When `conditional`, in two passes: the first tests each parameter alone; the second tests
    it on what the strongest others from the first pass (up to COVARIATES, p < 0.1) leave
    unexplained — the metric minus a leave-one-out nearest-neighbour prediction from their
    coordinates — so a dominant parameter's effect does not drown the others', and a
    parameter an adaptive sampler moved together with a strong one is not credited with its
    effect. The score, its interval and its chance level are the first pass's (the
    parameter's own share of the metric's rank order); the p-value is the second's."""
    n, d = len(rows), len(prep.params)
    coords, cat = prep.coordinates()[rows], prep.categorical
    blocks = stats.periods(n)
    draws = max(PERMUTATIONS, 80 * d)
    def test(j: int, values: np.ndarray, interval: bool = True
             ) -> tuple[float, float, float, float | None, float | None]:
        ok = ~np.isnan(coords[:, j])
        if prep.replicate[j] or ok.sum() < 6 or len(np.unique(coords[ok, j])) < 2:
            return 0.0, 0.0, 0.0, None, None
        return _kruskal_permutation(values[ok], coords[ok, j], bool(cat[j]), blocks[ok], draws,
                                    rng, interval)

    second = conditional and n >= CONDITIONAL_FROM
    raw = [test(j, s) for j in range(d)]
    marginal = list(raw)
    if second:
        first = [(r[3], -r[0], j) for j, r in enumerate(raw) if r[3] is not None and r[3] < 0.1]
        chosen = [j for _, _, j in sorted(first)[:COVARIATES + 1]]
        if chosen:
            per_dim = {j: _distances(coords[:, j], bool(cat[j])) for j in chosen}
            for j in range(d):
                others = [k for k in chosen if k != j][:COVARIATES]
                if others:
                    numeric = [k for k in others if not cat[k]]
                    resid = s - _knn_loo(np.sum([per_dim[k] for k in others], axis=0), s,
                                         coords[:, numeric])
                    raw[j] = test(j, resid, interval=False)
    # the effect size shown and ranked is the parameter's own share of the metric's rank
    # order (the first pass): a residual's ε² says how much of what is left it explains,
    # which is large for any detected effect once the others are removed
    return _adjusted(raw, marginal)


Raw = tuple[float, float, float, "float | None", "float | None"]  # score, low, high, p, chance


def _adjusted(raw: list[Raw], sizes: list[Raw] | None = None) -> list[EffectTest]:
    """Effect tests with Holm-adjusted p-values; score, interval and chance from `sizes`
    when given (the marginal pass), else from the tests themselves."""
    adjusted = stats.holm([np.nan if r[3] is None else r[3] for r in raw])
    return [EffectTest(m[0], m[1], m[2], None if r[3] is None else float(a), m[4])
            for m, r, a in zip(sizes or raw, raw, adjusted)]


def _distances(x: np.ndarray, categorical: bool) -> np.ndarray:
    """(n, n) distances of one parameter's coordinates: |Δu| for a number, level mismatch for a
    categorical, 1 between a set and an unset value, 0 between two unset ones."""
    diff = np.abs(x[None, :] - x[:, None])
    if categorical:
        diff = np.where(np.isnan(diff), diff, (diff > 0).astype(float))
    missing = np.isnan(x)
    diff = np.where(missing[None, :] ^ missing[:, None], 1.0, diff)
    return np.where(missing[None, :] & missing[:, None], 0.0, diff)


def _knn_loo(dist: np.ndarray, s: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Leave-one-out local linear prediction of s: a ridge-regularised linear fit on x over
    each run's k nearest other runs (k = √n, at least 3 per coefficient), evaluated at the
    run. Local linear, not a plain mean: a steep effect (a learning rate far from its best
    value) would otherwise leave most of itself in the residual. `x` holds the numeric
    covariates (n × q, NaN as 0); categorical ones only shape the neighbourhoods."""
    n = len(s)
    q = x.shape[1]
    k = max(3 * (q + 1), min(n - 1, int(round(math.sqrt(n)))))
    k = min(k, n - 1)
    dist = dist + np.diag(np.full(n, np.inf))
    near = np.argpartition(dist, k - 1, axis=1)[:, :k]
    if not q:
        return s[near].mean(axis=1)
    centred = np.nan_to_num(x[near] - x[:, None, :])  # (n, k, q)
    design = np.concatenate([np.ones((n, k, 1)), centred], axis=2)
    gram = np.einsum("nki,nkj->nij", design, design) + 1e-3 * np.eye(q + 1)
    rhs = np.einsum("nki,nk->ni", design, s[near])
    return np.linalg.solve(gram, rhs[..., None])[:, 0, 0]


def _bins(x: np.ndarray, categorical: bool) -> np.ndarray:
    """Bin of each (active) run: its level, or its quantile bin (3 to 8 bins, ~15 runs
    each)."""
    if categorical:
        return x.astype(int)
    k = max(3, min(8, len(x) // 15))
    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return ranks * k // max(1, len(x))


def _kruskal_permutation(values: np.ndarray, x: np.ndarray, categorical: bool,
                         blocks: np.ndarray, draws: int, rng: np.random.Generator,
                         interval: bool = True
                         ) -> tuple[float, float, float, float | None, float | None]:
    """Two Kruskal–Wallis permutation tests of the values across the parameter's bins, the
    smaller p-value Bonferroni-doubled: one with bins over all runs, shuffled among runs of
    the same period (blocks of the proposal order); one stratified by period, bins made within
    each block (an adaptive sampler narrows a parameter over time: binning within a period
    keeps the spread it still had there and ignores the drift; a sampler that locks on early
    leaves that spread only in the first, so the first test keeps the power). Returns the
    effect size ε² of the test that decided, its bootstrap 5–95% interval (when `interval`),
    the p-value and the null's 95th percentile of ε²."""
    tests = [_parts(values, x, categorical, blocks, per_block=True)]
    if len(np.unique(blocks)) > 1:
        tests.append(_parts(values, x, categorical, blocks, per_block=False))
    results = [(parts, _permutation(parts, draws, rng)) for parts in tests if parts]
    if not results:
        return 0.0, 0.0, 0.0, None, None
    parts, (score, p, chance) = min(results, key=lambda r: r[1][1])
    p = min(1.0, p * len(results))
    low, high = _interval(parts, rng) if interval else (score, score)
    return score, low, high, p, chance


Parts = list[tuple[np.ndarray, np.ndarray, "np.ndarray | None"]]


def _parts(values: np.ndarray, x: np.ndarray, categorical: bool, blocks: np.ndarray,
           per_block: bool) -> Parts:
    """(ranks, bin labels, blocks to shuffle within or None) per stratum: each block with its
    own bins and ranks (`per_block`), or all runs with bins shuffled within blocks."""
    from scipy import stats as st

    parts: Parts = []
    if per_block:
        for b in np.unique(blocks):
            inside = blocks == b
            if inside.sum() >= 6:
                labels = _bins(x[inside], categorical)
                if len(np.unique(labels)) >= 2:
                    parts.append((st.rankdata(values[inside]),
                                  np.unique(labels, return_inverse=True)[1], None))
    else:
        labels = np.unique(_bins(x, categorical), return_inverse=True)[1]
        if len(np.unique(labels)) >= 2:
            parts.append((st.rankdata(values), labels, blocks))
    return parts


def _dof(parts: Parts) -> int:
    return max(1, sum(len(r) - 1 for r, _, _ in parts))


def _permutation(parts: Parts, draws: int, rng: np.random.Generator
                 ) -> tuple[float, float, float]:
    """Pooled ε² = ΣH / Σ(n − 1), its permutation p-value and the null's 95th percentile."""
    observed = sum(float(_h(r[None, :], g[None, :])[0]) for r, g, _ in parts)
    null = np.zeros(draws)
    for ranks, groups, within in parts:
        n = len(ranks)
        # the bins shuffled among all runs of the stratum, or among runs of the same block
        shuffles = stats.shuffles_within(np.zeros(n) if within is None else within, draws, rng)
        null += _h(np.broadcast_to(ranks, (draws, n)), groups[shuffles])
    p = float((1 + np.sum(null >= observed - 1e-9)) / (1 + draws))
    dof = _dof(parts)
    return min(1.0, observed / dof), p, float(np.percentile(np.minimum(null / dof, 1), 95))


def _interval(parts: Parts, rng: np.random.Generator) -> tuple[float, float]:
    """5–95% bootstrap interval of the pooled ε² (runs resampled within each stratum)."""
    from scipy import stats as st

    boot = np.zeros(BOOTSTRAP)
    for ranks, groups, _ in parts:
        n = len(ranks)
        pick = rng.integers(0, n, (BOOTSTRAP, n))
        boot += _h(st.rankdata(ranks[pick], axis=1), groups[pick])
    boot = np.minimum(boot / _dof(parts), 1)
    return float(np.percentile(boot, 5)), float(np.percentile(boot, 95))


def _h(ranks: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Kruskal–Wallis H of each row (ranks 1..n, group labels 0..g-1), no tie correction."""
    rows, n = ranks.shape
    g = int(groups.max()) + 1
    flat = (np.arange(rows)[:, None] * g + groups).ravel()
    sums = np.bincount(flat, weights=ranks.ravel(), minlength=rows * g).reshape(rows, g)
    sizes = np.bincount(flat, minlength=rows * g).reshape(rows, g).astype(float)
    mean = (n + 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        between = np.where(sizes > 0, sizes * (sums / np.where(sizes > 0, sizes, 1) - mean) ** 2,
                           0.0)
    return 12 / (n * (n + 1)) * between.sum(axis=1)


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


def fit_r2(prep: Prepared, rows: np.ndarray, s: np.ndarray, columns: list[int]) -> float:
    """How much of the metric the given parameters explain out of sample: R² of the
    leave-one-out local linear nearest-neighbour prediction from their coordinates (0 when no
    parameter is given: nothing explains anything)."""
    if not columns or len(rows) < 4:
        return 0.0
    coords, cat = prep.coordinates()[rows], prep.categorical
    dist = np.sum([_distances(coords[:, j], bool(cat[j])) for j in columns], axis=0)
    numeric = [j for j in columns if not cat[j]]
    predicted = _knn_loo(dist, s, coords[:, numeric])
    total = float(np.sum((s - s.mean()) ** 2))
    return float(1 - np.sum((s - predicted) ** 2) / total) if total > 0 else 0.0


def _top_importance(prep: Prepared, ev: np.ndarray) -> list[float | None]:
    """PED-ANOVA-style: how far the top quantile's marginal is from all runs' (Pearson χ²
    divergence of smoothed densities on a 50-point grid), normalised to sum to 1."""
    n = len(ev)
    if n < 10:
        return [None] * len(prep.params)
    gamma = max(0.1, 5 / n)
    s = prep.s[ev]
    top = s <= np.quantile(s, gamma)
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
