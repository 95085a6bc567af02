"""Parallel-coordinate axes: each column mapped to [0, 1] with tick positions and labels.

Missing or inactive values go to the "missing" band at MISSING_Y, below every axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen.formatting import fmt_number, fmt_value
from reportgen.levels import level_codes
from reportgen.model import ParamSpec

MISSING_Y = -0.1


@dataclass(frozen=True)
class Axis:
    name: str
    kind: str  # linear | log | categorical
    positions: np.ndarray  # one per run, in [0, 1]; MISSING_Y where missing
    tick_positions: tuple[float, ...]
    tick_labels: tuple[str, ...]
    is_metric: bool = False
    missing: int = 0
    span: tuple[float, float] = (0.0, 1.0)  # the values at 0 and 1 (log10 of them on a log axis)


def make_axis(name: str, values: pd.Series, spec: ParamSpec | None, is_metric: bool = False
              ) -> Axis:
    """One axis for `values`; `spec` gives declared scale, bounds and level order."""
    if spec is not None and spec.kind in ("categorical", "bool", "constant"):
        return _categorical(name, values, list(spec.levels), is_metric)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if values.notna().any() and np.isnan(numbers[values.notna().to_numpy()]).all():
        levels = sorted(pd.unique(values.dropna()), key=str)
        return _categorical(name, values, levels, is_metric)
    log = spec is not None and spec.scale == "log"
    low = spec.low if spec is not None else None
    high = spec.high if spec is not None else None
    return _numeric(name, numbers, log, low, high, is_metric)


def _categorical(name: str, values: pd.Series, levels: list, is_metric: bool) -> Axis:
    level, levels = level_codes(values, levels)  # undeclared values after the declared ones
    n = len(levels)
    spots = [0.5] if n == 1 else [i / (n - 1) for i in range(n)]
    pos = np.where(level >= 0, np.asarray(spots)[np.maximum(level, 0)], MISSING_Y)
    return Axis(name, "categorical", pos, tuple(spots), tuple(fmt_value(v) for v in levels),
                is_metric, int((level < 0).sum()))


def _numeric(name: str, numbers: np.ndarray, log: bool, low: float | None, high: float | None,
             is_metric: bool) -> Axis:
    finite, lo, hi = _span(numbers, log, low, high)
    scaled = np.full(len(numbers), MISSING_Y)
    values = np.log10(numbers[finite]) if log else numbers[finite]
    scaled[finite] = (values - lo) / (hi - lo)
    tick_pos, labels = _ticks(lo, hi, log)
    return Axis(name, "log" if log else "linear", scaled, tick_pos, labels, is_metric,
                int((~finite).sum()), (float(lo), float(hi)))


def _span(numbers: np.ndarray, log: bool, low: float | None, high: float | None
          ) -> tuple[np.ndarray, float, float]:
    """Which values an axis places (finite; positive on a log axis) and the values (their
    log10 on a log axis) at its bottom and top: the declared bounds widened to the data."""
    finite = np.isfinite(numbers) & (numbers > 0 if log else True)
    data = numbers[finite]
    lo = min([v for v in (low, data.min() if len(data) else None) if v is not None], default=0.0)
    hi = max([v for v in (high, data.max() if len(data) else None) if v is not None], default=1.0)
    if log:
        lo, hi = math.log10(lo), math.log10(hi)
    if hi <= lo:  # one value: a span around it that survives rounding (±0.5 of 1e16 does not)
        pad = max(0.5, abs(lo) * 1e-6)
        lo, hi = lo - pad, hi + pad
    return finite, float(lo), float(hi)


def _ticks(lo: float, hi: float, log: bool) -> tuple[tuple[float, ...], tuple[str, ...]]:
    ticks = _log_ticks(lo, hi) if log else _linear_ticks(lo, hi)
    return (tuple(float((t - lo) / (hi - lo)) for t in ticks),
            tuple(fmt_number(10 ** t if log else t, 3) for t in ticks))


def scales(axis: Axis, values: pd.Series) -> dict[str, dict]:
    """The scales the page can switch a numeric axis between, each as {"span": [lo, hi],
    "ticks": [[position, label], ...]}: its own, and the other of linear and log (log only
    when every value is positive: it would send the others to the missing band). The page
    adds rank itself. A categorical axis has none."""
    if axis.kind == "categorical":
        return {}
    out = {axis.kind: {"span": list(axis.span),
                       "ticks": [list(t) for t in zip(axis.tick_positions, axis.tick_labels)]}}
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    present = numbers[np.isfinite(numbers)]
    if axis.kind == "log":
        low, high = 10 ** axis.span[0], 10 ** axis.span[1]
        _, lo, hi = _span(numbers, False, low, high)
        other = "linear"
    elif len(present) and present.min() > 0 and present.max() > present.min():
        _, lo, hi = _span(numbers, True, None, None)
        other = "log"
    else:
        return out
    positions, labels = _ticks(lo, hi, other == "log")
    out[other] = {"span": [lo, hi], "ticks": [list(t) for t in zip(positions, labels)]}
    return out


def _linear_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    raw = (hi - lo) / target
    if not (raw > 0 and math.isfinite(raw)):
        return [lo]
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Decades; with fewer than three decades also 2× and 5×."""
    decades = range(math.floor(lo), math.ceil(hi) + 1)
    mults = (1,) if hi - lo >= 3 else (1, 2, 5)
    ticks = [d + math.log10(m) for d in decades for m in mults]
    ticks = [t for t in ticks if lo - 1e-9 <= t <= hi + 1e-9]
    if len(ticks) > 9:
        ticks = ticks[:: math.ceil(len(ticks) / 9)]
    return ticks
