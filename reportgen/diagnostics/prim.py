"""PRIM (patient rule induction, Friedman & Fisher 1999) on PIT coordinates, with the patient
"lenient1" peeling objective, quasi-p values and bootstrap stability (research §3.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALPHA = 0.05  # share peeled per step
MIN_COVERAGE = 0.8  # the chosen box keeps at least this share of the top runs
RESTRICTED = 0.9  # a numeric side counts as restricted when the box spans less of [0, 1]


@dataclass(frozen=True)
class Box:
    low: np.ndarray  # (dn,) numeric lower bounds on the PIT scale
    high: np.ndarray
    levels: tuple[frozenset[int], ...]  # per categorical: the level codes kept
    coverage: float
    density: float
    mass: float

    def contains(self, x: np.ndarray, codes: np.ndarray) -> np.ndarray:
        inside = np.all((x >= self.low) & (x <= self.high), axis=1) if x.shape[1] else \
            np.ones(len(x), dtype=bool)
        for j, keep in enumerate(self.levels):
            inside &= np.isin(codes[:, j], list(keep))
        return inside

    def restricted(self, all_levels: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Which numeric and which categorical dimensions the box narrows."""
        numeric = (np.minimum(self.high, 1.0) - np.maximum(self.low, 0.0)) < RESTRICTED
        categorical = np.array([len(k) < all_levels[j] for j, k in enumerate(self.levels)],
                               dtype=bool)
        return numeric, categorical


def peel(x: np.ndarray, codes: np.ndarray, hit: np.ndarray, min_support: int) -> list[Box]:
    """The peeling trajectory from the full box; x in [0, 1] (NaN → inactive: kept)."""
    x = np.where(np.isnan(x), -1.0, x)  # inactive values sit below the range, never peeled out
    n, total_hits = len(hit), max(1, int(hit.sum()))
    low = np.full(x.shape[1], -1.0)
    high = np.full(x.shape[1], 1.0)
    levels = [frozenset(np.unique(codes[:, j]).tolist()) for j in range(codes.shape[1])]
    inside = np.ones(n, dtype=bool)
    boxes = [Box(low.copy(), high.copy(), tuple(levels), 1.0, hit.mean(), 1.0)]
    while inside.sum() > min_support:
        density = hit[inside].mean()
        best = None
        for j in range(x.shape[1]):
            values = x[inside, j]
            for side, cut in (("low", np.quantile(values, ALPHA)),
                              ("high", np.quantile(values, 1 - ALPHA))):
                drop = inside & ((x[:, j] < cut) if side == "low" else (x[:, j] > cut))
                best = _better(best, drop, inside, hit, density, n, ("num", j, side, cut))
        for j in range(codes.shape[1]):
            if len(levels[j]) < 2:
                continue
            for level in levels[j]:
                drop = inside & (codes[:, j] == level)
                best = _better(best, drop, inside, hit, density, n, ("cat", j, level, None))
        if best is None:
            break
        _, drop, (kind, j, which, cut) = best
        inside &= ~drop
        if inside.sum() < min_support:
            break
        if kind == "num":
            if which == "low":
                low[j] = cut
            else:
                high[j] = cut
        else:
            levels[j] = levels[j] - {which}
        hits = hit[inside]
        boxes.append(Box(low.copy(), high.copy(), tuple(levels), hits.sum() / total_hits,
                         hits.mean(), inside.mean()))
    return boxes


def _better(best, drop, inside, hit, density, n, move):  # type: ignore[no-untyped-def]
    removed = int(drop.sum())
    remaining = inside & ~drop
    if removed == 0 or not remaining.any():
        return best
    gain = (hit[remaining].mean() - density) / (removed / n)  # lenient1: gain per mass removed
    if gain <= 0 or (best is not None and gain <= best[0]):
        return best
    return (gain, drop, move)


def choose(boxes: list[Box]) -> Box:
    """The smallest box that keeps MIN_COVERAGE of the top runs."""
    ok = [b for b in boxes if b.coverage >= MIN_COVERAGE]
    return min(ok, key=lambda b: b.mass) if ok else boxes[0]


def quasi_p(box: Box, x: np.ndarray, codes: np.ndarray, hit: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Per restricted dimension: does the restriction raise the hit rate? (binomial test)"""
    from scipy import stats

    x = np.where(np.isnan(x), -1.0, x)
    inside = box.contains(x, codes)
    hits, size = int(hit[inside].sum()), int(inside.sum())
    full_levels = [len(np.unique(codes[:, j])) for j in range(codes.shape[1])]
    num_r, cat_r = box.restricted(full_levels)
    p_num = np.full(x.shape[1], np.nan)
    p_cat = np.full(codes.shape[1], np.nan)
    for j in np.flatnonzero(num_r):
        relaxed = Box(np.where(np.arange(len(box.low)) == j, -1.0, box.low),
                      np.where(np.arange(len(box.high)) == j, 1.0, box.high), box.levels,
                      0, 0, 0)
        rate = hit[relaxed.contains(x, codes)].mean()
        p_num[j] = stats.binomtest(hits, size, min(rate, 1.0), alternative="greater").pvalue
    for j in np.flatnonzero(cat_r):
        levels = list(box.levels)
        levels[j] = frozenset(np.unique(codes[:, j]).tolist())
        relaxed = Box(box.low, box.high, tuple(levels), 0, 0, 0)
        rate = hit[relaxed.contains(x, codes)].mean()
        p_cat[j] = stats.binomtest(hits, size, min(rate, 1.0), alternative="greater").pvalue
    return p_num, p_cat
