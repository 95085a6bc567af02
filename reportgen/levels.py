"""Levels and variation of a column: which values are the same level, each value's level code,
whether a parameter varies, whether numbers span decades. Below `resolve` and the diagnostics,
which both read columns this way."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from reportgen.formatting import is_missing
from reportgen.model import ParamSpec


def varies(spec: ParamSpec, values: pd.Series) -> bool:
    """Not declared constant, and more than one distinct value among the runs."""
    if spec.kind == "constant":
        return False
    present = values.dropna()
    if pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present):
        numbers = present.to_numpy(dtype=float)
        return len(numbers) > 1 and bool(numbers.min() != numbers.max())
    keys = set()
    for v in distinct(present):
        keys.add(level_key(v))
        if len(keys) > 1:
            return True
    return False


def distinct(values: pd.Series) -> list:
    """The values present, each once, in order of first appearance."""
    _, uniques = factorize(values)
    return uniques


def level_codes(values: pd.Series, levels: list) -> tuple[np.ndarray, list]:
    """Each value's index among `levels` (-1 if missing), matched by `level_key`; values the
    levels do not list are appended, in order of first appearance. Returns the codes and the
    levels, extended."""
    index = {level_key(v): i for i, v in enumerate(levels)}
    levels = list(levels)
    codes, uniques = factorize(values)
    of_unique = np.empty(len(uniques), dtype=int)
    for u, v in enumerate(uniques):  # each distinct value keyed once
        key = level_key(v)
        if key not in index:
            index[key] = len(levels)
            levels.append(v)
        of_unique[u] = index[key]
    out = np.where(codes >= 0, of_unique[np.maximum(codes, 0)] if len(uniques) else -1, -1)
    return out, levels


def factorize(values: pd.Series) -> tuple[np.ndarray, list]:
    """Each value's code among the distinct values (-1 if missing), and those values: what is
    then keyed per level is keyed once per distinct value, cheap at 100,000 runs. Columns
    mixing booleans with numbers or text go one by one (True and 1 would merge in a hash)."""
    cells = values.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind not in ("mixed", "mixed-integer"):
        try:
            codes, found = pd.factorize(cells, use_na_sentinel=True)
            return codes, list(found)
        except TypeError:  # unhashable cells (lists, dicts)
            pass
    seen: dict[tuple[type, str], int] = {}
    out = np.full(len(cells), -1)
    uniques: list = []
    for i, v in enumerate(cells):
        if is_missing(v):
            continue
        key = (type(v), repr(v))
        if key not in seen:
            seen[key] = len(uniques)
            uniques.append(v)
        out[i] = seen[key]
    return out, uniques


def level_key(value: Any) -> str:
    """Categorical levels compare by value: 32, 32.0 and '32' are the same level."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value))
    if isinstance(value, str) and value[:1] in "[{":
        try:  # JSON lists: W&B's export writes ["a","b"], a config may say ["a", "b"]
            return json.dumps(json.loads(value), sort_keys=True, separators=(",", ":"))
        except ValueError:
            return value
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return str(value)


def spans_decades(low: float, high: float, decades: float = 2) -> bool:
    """Positive numbers from `low` to `high` spanning more than `decades` decades: they read
    better on a log scale."""
    return bool(low > 0 and high / low > 10 ** decades)
