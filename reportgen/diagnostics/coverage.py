"""Coverage: did the sweep sample each parameter as declared, how well did it fill the space
jointly, which configurations repeat, and for grids which cells are done (research §1)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared, level_probabilities, to_value
from reportgen.diagnostics.prep import config_keys as prep_keys
from reportgen.formatting import fmt_number, fmt_value

GAP_RATIO_NOTE = 2.0  # a gap this many times its expected size is worth naming


@dataclass(frozen=True)
class ParamCoverage:
    name: str
    kind: str  # numeric | categorical
    active: int
    pvalue: float | None  # KS (numeric) or chi-square (categorical) against the prior
    pvalue_adjusted: float | None  # Holm across parameters
    covered_low: Any = None
    covered_high: Any = None
    gap_low: float | None = None  # the largest empty interval, in value units
    gap_high: float | None = None
    gap_ratio: float | None = None  # its size over its expected size under random sampling
    levels_tried: tuple = ()
    levels_missing: tuple = ()
    labels: tuple[str, ...] = ()  # categorical: every level, in the order of `histogram`
    histogram: tuple[int, ...] = ()  # counts per bin on the PIT scale (numeric) or per level
    expected: tuple[float, ...] = ()  # what the declared prior expects per bin or level


@dataclass(frozen=True)
class GridInfo:
    cells: int
    done: int  # cells with an evaluated run
    crashed: int  # cells proposed but with no evaluated run
    missing: int  # cells never proposed

    @property
    def completeness(self) -> float:
        """Share of the grid's cells with a finished run."""
        return self.done / self.cells if self.cells else float("nan")


@dataclass(frozen=True)
class CoverageInfo:
    params: tuple[ParamCoverage, ...]
    discrepancy_ratio: float | None
    discrepancy_percentile: float | None  # where it falls among random sweeps of the same size
    discrepancy_null: tuple[float, float, float] | None  # 1st, 50th, 99th percentiles
    unique_configs: int
    duplicates: int
    expected_duplicates: float | None  # under random sampling of a finite space
    grid: GridInfo | None
    subsampled: int | None = None  # runs the joint statistics were computed on, if fewer
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def coverage(prep: Prepared, rng: np.random.Generator | None = None) -> CoverageInfo:
    """How the runs cover the space: each parameter against its declared prior (Holm-adjusted),
    the joint spread against random sweeps, repeated configurations, and the grid when there
    is one."""
    rng = rng or np.random.default_rng(7)
    params = [_param(prep, j) for j in range(len(prep.params))]
    adjusted = stats.holm([p.pvalue if p.pvalue is not None else math.nan for p in params])
    params = [_with_adjusted(p, a) for p, a in zip(params, adjusted)]
    ratio = pct = null_band = subsampled = None
    if (~prep.replicate).any() and len(prep.distinct) >= 2:
        u = spread_points(prep, rng)
        keep = stats.subsample(len(u), stats.MAX_DISCREPANCY_RUNS, rng)
        if len(keep) < len(u):
            subsampled = len(keep)
        ratio = stats.md_ratio(u[keep])
        if len(u) >= 10:
            null = stats.md_null(len(u), u.shape[1], rng)
            capped = u[stats.subsample(len(u), stats.NULL_RUNS, rng)]
            pct = stats.percentile_of(stats.md_ratio(capped), null)
            lo, mid, hi = (float(np.percentile(null, q)) for q in (1, 50, 99))
            null_band = (lo, mid, hi)
    unique, dupes, expected = _duplicates(prep)
    grid = _grid(prep)
    info = CoverageInfo(tuple(params), ratio, pct, null_band, unique, dupes, expected, grid,
                        subsampled)
    return CoverageInfo(**{**info.__dict__, "findings": tuple(_findings(prep, info))})


def spread_points(prep: Prepared, rng: np.random.Generator,
                  columns: np.ndarray | None = None) -> np.ndarray:
    """The points the joint spread is measured on: one per distinct configuration (repeats
    over seeds or folds are one proposal), replicates left out, and a parameter a run does not
    set (a conditional one) drawn from its prior, so runs of every branch count and the
    points stay uniform under random search."""
    cols = np.flatnonzero(~prep.replicate) if columns is None else columns
    u = prep.u[np.ix_(prep.distinct, cols)]
    return np.where(np.isnan(u), rng.random(u.shape), u)


def _with_adjusted(p: ParamCoverage, adjusted: float) -> ParamCoverage:
    return ParamCoverage(**{**p.__dict__,
                            "pvalue_adjusted": None if math.isnan(adjusted) else adjusted})


def _param(prep: Prepared, j: int) -> ParamCoverage:
    spec = prep.params[j]
    # one value per distinct configuration: repeats over seeds or folds are not draws
    rows = np.arange(prep.n) if prep.replicate[j] else prep.distinct
    u = prep.u[rows, j]
    active = ~np.isnan(u)
    m = int(active.sum())
    if prep.categorical[j]:
        codes = prep.codes[rows, j][active]
        levels = prep.levels[j]
        counts = np.bincount(codes, minlength=len(levels))
        probs = level_probabilities(spec, len(levels))
        expected = probs * m
        p = _chi2(counts, probs) if m >= 10 else None
        return ParamCoverage(
            spec.name, "categorical", m, p, None,
            levels_tried=tuple(fmt_value(levels[i]) for i in np.flatnonzero(counts)),
            levels_missing=tuple(fmt_value(levels[i]) for i in np.flatnonzero(counts == 0)),
            labels=tuple(fmt_value(v) for v in levels),
            histogram=tuple(int(c) for c in counts), expected=tuple(float(e) for e in expected))
    from scipy import stats as st

    values = prep.raw(j)[rows][active]
    ua = np.sort(u[active])
    p = float(st.kstest(ua, "uniform").pvalue) if m >= 10 else None
    spacings = np.diff(np.concatenate([[0.0], ua, [1.0]]))
    k = int(np.argmax(spacings))
    ratio = float(spacings[k] / (stats.harmonic(m + 1) / (m + 1)))
    edges = np.concatenate([[0.0], ua, [1.0]])
    bins = max(5, min(20, math.ceil(m / 5)))
    hist = np.histogram(ua, bins=bins, range=(0.0, 1.0))[0]
    return ParamCoverage(
        spec.name, "numeric", m, p, None,
        covered_low=float(values.min()) if m else None,
        covered_high=float(values.max()) if m else None,
        gap_low=to_value(spec, float(edges[k]), prep.raw(j)) if m else None,
        gap_high=to_value(spec, float(edges[k + 1]), prep.raw(j)) if m else None,
        gap_ratio=ratio, histogram=tuple(int(c) for c in hist),
        expected=tuple([m / bins] * bins))


def _chi2(counts: np.ndarray, probs: np.ndarray) -> float:
    """Chi-square goodness of fit; a Monte-Carlo multinomial p-value when cells are small."""
    from scipy import stats as st

    m = int(counts.sum())
    expected = probs * m
    if (expected >= 5).all():
        return float(st.chisquare(counts, expected).pvalue)
    observed = float(np.sum((counts - expected) ** 2 / expected))
    rng = np.random.default_rng(11)
    # 10,000 draws, fewer for many levels: the draws × levels table stays under 5M cells
    draws = rng.multinomial(m, probs, size=int(min(10_000, max(500, 5_000_000 // len(probs)))))
    null = np.sum((draws - expected) ** 2 / expected, axis=1)
    return float((1 + np.sum(null >= observed - 1e-12)) / (1 + len(null)))


def config_keys(prep: Prepared) -> np.ndarray:
    """A canonical key per run over every analysed parameter (replicates included)."""
    return prep_keys(prep.sweep.runs, prep.params, prep.rows, prep.codes, prep.categorical,
                     np.ones(len(prep.params), dtype=bool))


def _space_size(prep: Prepared) -> int | None:
    """Number of points in the space when every parameter is discrete, else None."""
    size = 1
    for j, spec in enumerate(prep.params):
        if prep.categorical[j]:
            size *= max(1, len(prep.levels[j]))
        elif spec.kind == "int" and spec.low is not None and spec.high is not None \
                and spec.scale == "linear":
            size *= int(spec.high - spec.low + 1)
        elif spec.prior_value("q") and spec.low is not None and spec.high is not None:
            size *= int(round((spec.high - spec.low) / spec.prior_value("q"))) + 1
        else:
            return None
    return size


def _duplicates(prep: Prepared) -> tuple[int, int, float | None]:
    keys = config_keys(prep)
    unique = len(set(keys))
    size = _space_size(prep)
    expected = None
    if size is not None and size > 0:
        n = prep.n
        expected = float(n - size * (1 - (1 - 1 / size) ** n))
    return unique, prep.n - unique, expected


def _grid(prep: Prepared) -> GridInfo | None:
    """Grid cells, when the sweep is declared a grid (the cells are the declared levels)."""
    if prep.sweep.method != "grid":
        return None
    size = _space_size(prep)
    if size is None:
        return None
    keys = config_keys(prep)
    done = len(set(keys[prep.evaluated]))
    proposed = len(set(keys))
    return GridInfo(cells=size, done=done, crashed=proposed - done, missing=size - proposed)


def _findings(prep: Prepared, info: CoverageInfo) -> list[Finding]:
    out: list[Finding] = []
    if prep.confidence == "describe":
        return out
    method = prep.sweep.method
    for p in info.params:
        adjusted = p.pvalue_adjusted
        if adjusted is not None and adjusted < 0.01 and method in ("random", "grid", None):
            detail = "" if p.kind == "numeric" else f"; levels tried: {', '.join(p.levels_tried)}"
            spec = prep.sweep.space.get(p.name)
            if spec is not None and spec.declared:
                said = f"{p.name} was not sampled as declared"
            else:  # no declared distribution: the reference is the range or levels tried
                said = (f"{p.name} was not spread evenly over the "
                        f"{'range' if p.kind == 'numeric' else 'levels'} tried, as random "
                        "search would spread it")
            out.append(Finding(
                "coverage_param", "notice",
                f"{said} (p = {fmt_number(adjusted, 2)}){detail}.",
                {"param": p.name, "pvalue": adjusted}))
        if p.gap_ratio is not None and p.gap_ratio >= 3 * GAP_RATIO_NOTE and p.active >= 20:
            out.append(Finding(
                "coverage_gap", "notice",
                f"No run tried {p.name} between {fmt_number(p.gap_low, 3)} and "
                f"{fmt_number(p.gap_high, 3)} ({p.gap_ratio:.1f}× the gap random sampling "
                "would leave).",
                {"param": p.name, "low": p.gap_low, "high": p.gap_high, "ratio": p.gap_ratio}))
        if p.levels_missing:
            out.append(Finding(
                "coverage_levels", "notice",
                f"{p.name}: {', '.join(p.levels_missing)} never tried.",
                {"param": p.name, "missing": list(p.levels_missing)}))
    if info.grid is not None:
        g = info.grid
        severity = "info" if g.done == g.cells else "warning" if g.crashed else "notice"
        crashed = f"; {g.crashed} cells only have crashed or failed runs (W&B never re-runs " \
                  "them)" if g.crashed else ""
        out.append(Finding(
            "grid", severity,
            f"The grid is {g.completeness:.0%} complete: {g.done} of {g.cells} cells have a "
            f"result{crashed}.",
            {"cells": g.cells, "done": g.done, "crashed": g.crashed, "missing": g.missing}))
    elif info.duplicates and info.expected_duplicates is None:
        out.append(Finding(
            "duplicates", "notice",
            f"{info.duplicates:,} runs repeat a configuration already run, although the space is "
            "continuous (a seed bug, a resumed run logged twice, or agents sharing a seed?).",
            {"duplicates": info.duplicates}))
    return out
