"""Small statistical helpers shared by the diagnostics: multiple testing, the mixture
discrepancy ratio and its Monte-Carlo null, harmonic numbers."""

from __future__ import annotations

import numpy as np

MAX_DISCREPANCY_RUNS = 2000  # MD is O(n²d): subsample above this
NULL_RUNS = 500  # the Monte-Carlo null, and the runs compared with it, at most this many
NULL_DRAWS = 100


def _adjusted(pvalues: list[float], adjust) -> list[float]:  # type: ignore[no-untyped-def]
    """Apply `adjust(sorted_p) -> adjusted` to the p-values that are not NaN, in rank order."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if len(ok):
        order = ok[np.argsort(p[ok], kind="stable")]
        out[order] = np.minimum(adjust(p[order]), 1.0)
    return out.tolist()


def holm(pvalues: list[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (NaN stays NaN)."""
    return _adjusted(pvalues, lambda p: np.maximum.accumulate(
        (len(p) - np.arange(len(p))) * p))


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Benjamini–Hochberg q-values (NaN stays NaN)."""
    return _adjusted(pvalues, lambda p: np.minimum.accumulate(
        (p * len(p) / np.arange(1, len(p) + 1))[::-1])[::-1])


def harmonic(n: int) -> float:
    """The n-th harmonic number: how many new bests n runs in random order expect."""
    return float(np.sum(1.0 / np.arange(1, n + 1))) if n > 0 else 0.0


def md_squared(u: np.ndarray) -> float:
    """Squared mixture discrepancy (Zhou et al. 2013) of points in [0, 1]^d, as scipy does."""
    from scipy.stats import qmc

    return float(qmc.discrepancy(np.clip(u, 0.0, 1.0), method="MD"))


def md_expected(n: int, d: int) -> float:
    """E[MD²] of n iid uniform points: ((7/4)^d − (19/12)^d) / n."""
    return ((7 / 4) ** d - (19 / 12) ** d) / n


def md_ratio(u: np.ndarray) -> float:
    """The points' mixture discrepancy over what uniform random points expect (1 = random)."""
    n, d = u.shape
    return md_squared(u) / md_expected(n, d)


def periods(n: int) -> np.ndarray:
    """Each of n runs' period: up to 5 consecutive blocks of the proposal order, at least about
    40 runs each (one block below 80 runs)."""
    return np.minimum(np.arange(n) * max(1, min(5, n // 40)) // max(n, 1), 4)


def shuffles_within(blocks: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, n) positions: each row a random permutation that moves every run to a run of
    the same block (`values[shuffles]` shuffles values within the blocks)."""
    grouped = np.argsort(blocks, kind="stable")
    order = np.argsort(blocks[None, :] + rng.random((draws, len(blocks))), axis=1)
    out = np.empty((draws, len(blocks)), dtype=int)
    out[:, grouped] = order
    return out


def subsample(n: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of at most `cap` of n runs (all when n <= cap)."""
    if n <= cap:
        return np.arange(n)
    return np.sort(rng.choice(n, size=cap, replace=False))


def md_null(n: int, d: int, rng: np.random.Generator, draws: int = NULL_DRAWS) -> np.ndarray:
    """MD ratios of `draws` random sweeps of n points (n capped at NULL_RUNS) from the prior,
    which the PIT turns into the uniform distribution on the unit cube."""
    m = min(n, NULL_RUNS)
    return np.array([md_ratio(rng.random((m, d))) for _ in range(draws)])


def percentile_of(value: float, null: np.ndarray) -> float:
    """Share of the null strictly below `value`, in percent: 100 means above every draw
    (one-sided p < 1/(draws + 1)), 0 below every draw."""
    return float(100.0 * np.mean(null < value))
