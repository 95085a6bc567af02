"""How numbers, times and values read in the report, the JSON aside (one place for all)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd


def fmt_number(value: float | None, digits: int = 4) -> str:
    """Short, readable numbers: 0.00312 → 3.12e-3 style only when very small or large."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if v.is_integer() and abs(v) < 1e9:
        return str(int(v))
    magnitude = abs(v)
    rounded = _significant(v, digits)
    if magnitude >= 1e6 or magnitude < 1e-3:
        mantissa, exponent = f"{rounded:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    text = repr(float(rounded))  # the shortest digits that read back as that number
    return text[:-2] if text.endswith(".0") else text


def _significant(v: float, digits: int) -> Decimal:
    """v's exact binary value rounded to `digits` significant digits, a tie away from zero:
    what JavaScript's toPrecision and toExponential do, so the page's tooltips (`fmt` of
    plots/js/format.js) write every number as the report's text does."""
    exact = Decimal(v)
    step = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return exact.quantize(step, rounding=ROUND_HALF_UP)


def is_missing(value: Any) -> bool:
    """None, NaN and NaT: a cell with no value."""
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def fmt_value(value: Any) -> str:
    """Any cell: numbers through fmt_number, missing as an en dash, text as is."""
    if value is None or value is pd.NaT:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt_number(float(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def fmt_duration(seconds: float) -> str:
    """Seconds as "1 h 05 min", "3 min 05 s" or "12 s"; "–" when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
