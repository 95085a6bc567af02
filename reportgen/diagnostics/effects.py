"""The calibrated effect test of each parameter (research §5): Kruskal–Wallis ε² across the
parameter's bins, its null from shuffles within periods of the sweep, conditional on the
strongest other parameters from CONDITIONAL_FROM configurations, Holm-adjusted; and the
out-of-sample fit of the detected parameters. `importance` ranks by it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.prep import Prepared

CONDITIONAL_FROM = 30  # configurations needed for conditional tests and the fit R²
PERMUTATIONS = 400  # at least; 80 per parameter so Holm can reach 0.05 with many
BOOTSTRAP = 100
COVARIATES = 3  # parameters the conditional pass removes the effect of

@dataclass(frozen=True)
class EffectTest:
    score: float
    low: float
    high: float
    pvalue: float | None  # Holm-adjusted
    chance: float | None


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
        return kruskal_permutation(values[ok], coords[ok, j], bool(cat[j]), blocks[ok], draws,
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
    return adjusted(raw, marginal)


Raw = tuple[float, float, float, "float | None", "float | None"]  # score, low, high, p, chance


def adjusted(raw: list[Raw], sizes: list[Raw] | None = None) -> list[EffectTest]:
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


def kruskal_permutation(values: np.ndarray, x: np.ndarray, categorical: bool,
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


