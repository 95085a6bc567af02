"""PRIM (patient rule induction, Friedman & Fisher 1999) on PIT coordinates, with the patient
"lenient1" peeling objective, quasi-p values and bootstrap stability (research §3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ALPHA = 0.05  # share peeled per step
MIN_COVERAGE = 0.8  # the chosen box keeps at least this share of the top runs
RESTRICTED = 0.9  # a numeric side counts as restricted when the box spans less of [0, 1]
#: a categorical of more levels is not peeled: too few runs per level to judge one, and
#: peeling level by level would cost levels² steps
MAX_PEEL_LEVELS = 50


@dataclass(frozen=True)
class Box:
    low: np.ndarray  # (dn,) numeric lower bounds on the PIT scale
    high: np.ndarray
    levels: tuple[frozenset[int], ...]  # per categorical: the level codes kept
    coverage: float
    density: float
    mass: float

    def contains(self, x: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Which rows (numeric coordinates `x`, level codes `codes`) lie inside the box."""
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
    """The peeling trajectory from the full box; x in [0, 1] (NaN → inactive: kept).

    Each step tries every candidate peel at once: the α- and (1−α)-quantile cuts of every
    numeric dimension (vectorised over dimensions) and the removal of each categorical level,
    and takes the one with the largest gain in top-run density per mass removed ("lenient1")."""
    x = np.where(np.isnan(x), -1.0, x)  # inactive values sit below the range, never peeled out
    n, total_hits = len(hit), max(1, int(hit.sum()))
    low = np.full(x.shape[1], -1.0)
    high = np.full(x.shape[1], 1.0)
    levels = [frozenset(np.unique(codes[:, j]).tolist()) for j in range(codes.shape[1])]
    idx = np.arange(n)
    boxes = [Box(low.copy(), high.copy(), tuple(levels), 1.0, float(hit.mean()), 1.0)]
    while len(idx) > min_support:
        xi, ci, hi = x[idx], codes[idx], hit[idx].astype(float)
        hits, size = hi.sum(), len(idx)
        density = hits / size
        best_gain: float = 0.0
        best_drop: np.ndarray | None = None
        best_move: tuple[str, int, Any, Any] | None = None
        if xi.shape[1]:
            cuts = _quantiles(xi, (ALPHA, 1 - ALPHA))
            for side, drop in ((0, xi < cuts[0]), (1, xi > cuts[1])):
                removed = drop.sum(axis=0)
                lost = hi @ drop
                left = size - removed
                with np.errstate(invalid="ignore", divide="ignore"):
                    gain = ((hits - lost) / left - density) / (removed / n)
                gain[(removed == 0) | (left == 0)] = -np.inf
                j = int(np.argmax(gain))
                if gain[j] > best_gain:
                    best_gain, best_drop = float(gain[j]), drop[:, j]
                    best_move = ("num", j, "low" if side == 0 else "high", cuts[side, j])
        for j in range(ci.shape[1]):
            if not 2 <= len(levels[j]) <= MAX_PEEL_LEVELS:
                continue
            # every level's removal at once: counts and top runs per level (codes from -1)
            column = ci[:, j] + 1
            counts = np.bincount(column)
            lost = np.bincount(column, weights=hi, minlength=len(counts))
            candidates = np.array(sorted(levels[j]), dtype=int)
            inside = candidates + 1 < len(counts)
            removed = np.zeros(len(candidates))
            removed[inside] = counts[candidates[inside] + 1]
            lost_hits = np.zeros(len(candidates))
            lost_hits[inside] = lost[candidates[inside] + 1]
            with np.errstate(invalid="ignore", divide="ignore"):
                gain = ((hits - lost_hits) / (size - removed) - density) / (removed / n)
            gain[(removed == 0) | (removed == size)] = -np.inf
            k = int(np.argmax(gain))
            if gain[k] > best_gain:
                level = int(candidates[k])
                best_gain, best_drop = float(gain[k]), ci[:, j] == level
                best_move = ("cat", j, level, None)
        if best_move is None or best_drop is None:
            break
        keep = idx[~best_drop]
        if len(keep) < min_support:
            break
        idx = keep
        kind, j, which, cut = best_move
        if kind == "num":
            if which == "low":
                low[j] = cut
            else:
                high[j] = cut
        else:
            levels[j] = levels[j] - {which}
        inside_hits = hit[idx]
        boxes.append(Box(low.copy(), high.copy(), tuple(levels), inside_hits.sum() / total_hits,
                         float(inside_hits.mean()), len(idx) / n))
    return boxes


def _quantiles(x: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """np.quantile(x, qs, axis=0) with linear interpolation, without its per-call overhead
    (a peel takes ~60 steps, a bootstrap 100 peels)."""
    ordered = np.sort(x, axis=0)
    out = np.empty((len(qs), x.shape[1]))
    for i, q in enumerate(qs):
        pos = q * (len(x) - 1)
        below = int(np.floor(pos))
        above = min(below + 1, len(x) - 1)
        out[i] = ordered[below] + (pos - below) * (ordered[above] - ordered[below])
    return out


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
