"""Shared preprocessing of every diagnostic (research notes §0).

* s: the signed objective, smaller is better (the metric, negated when it is maximised);
* the proposal set (every run with parameters) and the evaluated set (finished, finite metric);
* proposal order (creation time) and information order (finish time);
* each parameter mapped through its declared distribution's CDF to [0, 1] (the probability
  integral transform, PIT), randomised within the cell of integer, quantised and categorical
  values so that uniformity tests see a continuous uniform; NaN where a parameter is inactive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.diagnostics.facts import Facts, facts
from reportgen.levels import level_codes
from reportgen.model import ParamSpec, Sweep

SEED = 20261129


@dataclass(frozen=True)
class Prepared:
    """A sweep in analysis form; every array is in proposal (creation) order."""

    sweep: Sweep
    params: tuple[ParamSpec, ...]  # the varying parameters analysed
    rows: np.ndarray  # row of sweep.runs for each position
    u: np.ndarray  # (n, d) PIT coordinates, randomised within cells; NaN when inactive
    s: np.ndarray  # signed objective; NaN unless evaluated
    evaluated: np.ndarray  # bool: finished with a finite metric
    created: np.ndarray  # seconds since the first creation; NaN when unknown
    finished: np.ndarray  # seconds since the first creation; NaN when unknown
    categorical: np.ndarray  # (d,) bool: the parameter is categorical (or bool)
    codes: np.ndarray  # (n, d) level index of categoricals, -1 when missing or numeric
    levels: tuple[list, ...]  # per parameter: its levels (declared, then seen); [] if numeric
    replicate: np.ndarray  # (d,) bool: a seed or fold, repeats of a configuration
    keys: np.ndarray  # (n,) the distinct configuration (of the other parameters): 0, 1, ...
    distinct: np.ndarray  # position of the first run of each distinct configuration
    facts: Facts  # the sweep's facts (rows, not positions), as every stage reads them

    @property
    def n(self) -> int:
        """How many runs."""
        return len(self.rows)

    @property
    def confidence(self) -> str:
        """describe | low | normal: the facts' confidence."""
        return self.facts.confidence

    @property
    def n_evaluated(self) -> int:
        """How many runs are evaluated (finished, with a finite metric)."""
        return int(self.evaluated.sum())

    @property
    def names(self) -> list[str]:
        """The analysed parameters' names."""
        return [p.name for p in self.params]

    def raw(self, j: int) -> np.ndarray:
        """Parameter j's values (numbers as float) in proposal order."""
        column = self.sweep.runs[self.params[j].name].to_numpy()[self.rows]
        if self.categorical[j]:
            return column
        return pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(dtype=float)

    def coordinates(self) -> np.ndarray:
        """(n, d) coordinates for distances and bins: the PIT value of a number, the level code
        of a categorical; NaN where the parameter is not set."""
        x = self.u.copy()
        if self.categorical.any():
            codes = self.codes[:, self.categorical]
            x[:, self.categorical] = np.where(codes >= 0, codes, np.nan)
        return x

    def metric_values(self) -> np.ndarray:
        """The metric in its own units (not signed), NaN unless evaluated."""
        return self.s * self.sweep.metric.sign


def prepare(sweep: Sweep, known: Facts | None = None) -> Prepared:
    """`sweep` in analysis form, on the facts already `known` of it."""
    known = known or facts(sweep)
    runs = sweep.runs
    created_at = pd.to_datetime(runs["created_at"], utc=True)
    start = created_at.min()
    created = _seconds(created_at, start)
    finished = _seconds(pd.to_datetime(runs["finished_at"], utc=True), start)
    # creation order; runs without a time keep their place after the timed ones (stable)
    key = np.where(np.isnan(created), np.inf, created)
    rows = np.argsort(key, kind="stable")
    ok = known.evaluated[rows]
    s = np.where(ok, known.signed[rows], np.nan)
    params = known.varying
    rng = np.random.default_rng(SEED)
    n, d = len(rows), len(params)
    u = np.zeros((n, d))
    codes = np.full((n, d), -1)
    categorical = np.array([p.kind in ("categorical", "bool") for p in params], dtype=bool)
    levels: list[list] = []
    for j, p in enumerate(params):
        column = runs[p.name].iloc[rows]
        u[:, j] = pit(p, column, rng)
        if categorical[j]:
            codes[:, j], seen = level_index(p, column)
            levels.append(seen)
        else:
            levels.append([])
    replicate = np.array([p.replicate for p in params], dtype=bool)
    keys = config_keys(runs, params, rows, codes, categorical, ~replicate)
    distinct = np.sort(np.unique(keys, return_index=True)[1])
    return Prepared(sweep, params, rows, u, s, ok, created[rows], finished[rows],
                    categorical, codes, tuple(levels),
                    replicate, keys, distinct, known)


def config_keys(runs: pd.DataFrame, params: tuple[ParamSpec, ...], rows: np.ndarray,
                codes: np.ndarray, categorical: np.ndarray, use: np.ndarray) -> np.ndarray:
    """A canonical key (an integer) per run over the parameters in `use`: runs share a key
    when their levels match and their numbers agree to 10 significant digits."""
    columns = {}
    for j in np.flatnonzero(use):
        if categorical[j]:
            columns[int(j)] = codes[:, j]
        else:
            raw = pd.to_numeric(runs[params[j].name].iloc[rows], errors="coerce") \
                .to_numpy(dtype=float)
            columns[int(j)] = _significant(raw, 10)
    if not columns:
        return np.zeros(len(rows), dtype=int)
    return pd.DataFrame(columns).groupby(list(columns), dropna=False, sort=False).ngroup() \
        .to_numpy()


def _significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Values rounded to `digits` significant digits (NaN and 0 stay)."""
    out = values.copy()
    ok = np.isfinite(values) & (values != 0)
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(values[ok]))))
    out[ok] = np.round(values[ok] * scale) / scale
    return out



def _seconds(times: pd.Series, start: pd.Timestamp) -> np.ndarray:
    if pd.isna(start):
        return np.full(len(times), np.nan)
    return ((times - start).dt.total_seconds()).to_numpy(dtype=float)


def pit(spec: ParamSpec, values: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Values → [0, 1] through the declared CDF (observed range when inferred)."""
    if spec.kind in ("categorical", "bool"):
        return _categorical_pit(spec, values, rng)
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    v = rng.random(len(x))
    dist = spec.distribution
    if dist in ("normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta"):
        from scipy import stats

        if dist.startswith("beta") or dist == "q_beta":
            cdf = stats.beta(spec.prior_value("a", 1.0), spec.prior_value("b", 1.0)).cdf
            u = cdf(x)
        else:
            z = np.log(np.where(x > 0, x, np.nan)) if "log" in dist else x
            u = stats.norm(spec.prior_value("mu", 0.0), spec.prior_value("sigma", 1.0)).cdf(z)
        return np.clip(u, 0.0, 1.0)
    low, high = _bounds(spec, x)
    if spec.scale == "log":
        with np.errstate(invalid="ignore", divide="ignore"):
            t, lo, hi = np.log(np.where(x > 0, x, np.nan)), math.log(low), math.log(high)
    else:
        t, lo, hi = x, low, high
    span = (hi - lo) or 1.0
    u = (t - lo) / span
    if spec.kind == "int" and spec.scale == "linear":  # discrete uniform on low..high
        cells = high - low + 1
        u = (x - low + v) / cells
    elif spec.prior_value("q"):
        step = spec.prior_value("q") / (high - low if spec.scale == "linear" else 1.0)
        if spec.scale == "linear":
            u = u + (v - 0.5) * step
    return np.clip(u, 0.0, 1.0)


def _bounds(spec: ParamSpec, x: np.ndarray) -> tuple[float, float]:
    finite = x[np.isfinite(x) & ((x > 0) if spec.scale == "log" else True)]
    low = spec.low if spec.low is not None else (float(finite.min()) if len(finite) else 0.0)
    high = spec.high if spec.high is not None else (float(finite.max()) if len(finite) else 1.0)
    if high <= low:
        high = low + 1.0
    return float(low), float(high)


def level_index(spec: ParamSpec, values: pd.Series) -> tuple[np.ndarray, list]:
    """Each value's index among the declared levels (unknown values appended); -1 if missing."""
    return level_codes(values, list(spec.levels))


def level_probabilities(spec: ParamSpec, n_levels: int) -> np.ndarray:
    """The declared probabilities of a categorical's levels, else equal ones; they sum to 1."""
    declared = spec.prior_value("probabilities")
    if declared and len(declared) == n_levels:
        p = np.asarray(declared, dtype=float)
    else:
        p = np.ones(n_levels)
    return p / p.sum()


def _categorical_pit(spec: ParamSpec, values: pd.Series, rng: np.random.Generator
                     ) -> np.ndarray:
    idx, levels = level_index(spec, values)
    p = level_probabilities(spec, len(levels))
    cum = np.concatenate([[0.0], np.cumsum(p)])
    v = rng.random(len(idx))
    u = cum[np.maximum(idx, 0)] + v * p[np.maximum(idx, 0)]
    return np.where(idx >= 0, u, np.nan)


def to_value(spec: ParamSpec, u: float, observed: np.ndarray | None = None) -> float:
    """Back-transform a PIT coordinate of a numeric parameter to a value."""
    dist = spec.distribution
    if dist in ("normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta"):
        from scipy import stats

        if "beta" in dist:
            return float(stats.beta(spec.prior_value("a", 1.0), spec.prior_value("b", 1.0)).ppf(u))
        z = stats.norm(spec.prior_value("mu", 0.0), spec.prior_value("sigma", 1.0)).ppf(u)
        return float(np.exp(z) if "log" in dist else z)
    low, high = _bounds(spec, observed if observed is not None else np.array([]))
    if spec.scale == "log":
        return float(math.exp(math.log(low) + u * (math.log(high) - math.log(low))))
    return float(low + u * (high - low))
