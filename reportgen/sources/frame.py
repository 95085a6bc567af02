"""Shared clean-up of a runs table: base columns, lenient numbers, duplicate run ids."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from reportgen.model import BASE_COLUMNS

_MISSING = {"", "-", "null", "none", "n/a", "na"}
_SPECIAL = {"nan": np.nan, "infinity": np.inf, "+infinity": np.inf, "-infinity": -np.inf,
            "inf": np.inf, "+inf": np.inf, "-inf": -np.inf}
_BOOLS = {"true": True, "false": False}
#: share of numeric cells above which stray strings in a column are read as missing values
NUMERIC_SHARE = 0.8
#: numbers beyond this size (and ±infinity) are read as missing: sums and ranges of them
#: overflow, and no setting or metric takes them
MAX_ABS = 1e300
#: a runtime longer than this (about 32 years), or negative, is read as missing
MAX_RUNTIME_S = 1e9
#: text cells are cut to this many characters
MAX_CELL = 10_000


def flatten(tree: dict[str, Any], prefix: str = "", atomic: Any = None) -> dict[str, Any]:
    """Nested dicts → dotted keys (`optimizer.lr`); empty dicts, and dicts for which
    `atomic(value)` is true, stay whole values."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and not (atomic and atomic(value)):
            out.update(flatten(value, f"{name}.", atomic))
        else:
            out[name] = value
    return out


def finish_frame(frame: pd.DataFrame, data_columns: list[str], origin: str,
                 states: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Give `frame` the base columns of DESIGN §3 and typed data columns; report problems.

    `states` maps a dialect's lower-cased run states to ours (Optuna's `pruned` → `stopped`)."""
    warnings: list[str] = []
    n = len(frame)
    cols: dict[str, Any] = {}
    names = _text(frame["name"]) if "name" in frame else None
    ids = _text(frame["run_id"]) if "run_id" in frame else None
    if ids is None or ids.isna().any():
        if names is not None and names.notna().all() and names.is_unique:
            ids = names
        else:
            ids = pd.Series([f"row-{i + 1}" for i in range(n)], dtype=object)
    cols["run_id"] = ids.to_numpy()
    cols["name"] = (names.fillna(ids) if names is not None else ids).to_numpy()
    if "state" in frame:
        state = _text(frame["state"]).str.lower()
        if states:
            state = state.map(lambda s: states.get(s, s) if isinstance(s, str) else s)
        cols["state"] = state.fillna("unknown").to_numpy()
    else:
        cols["state"] = "finished"
    created = (_times(frame["created_at"]) if "created_at" in frame
               else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"))
    created = pd.to_datetime(created, utc=True).reset_index(drop=True)
    if "created_at" in frame:
        warnings.extend(_unread_times(frame["created_at"], created, "creation time", origin))
    runtime = _numbers(frame["runtime_s"]) if "runtime_s" in frame else np.full(n, np.nan)
    bad = np.isfinite(runtime) & ((runtime < 0) | (runtime > MAX_RUNTIME_S)) | np.isinf(runtime)
    if bad.any():
        warnings.append(f"{origin}: {int(bad.sum())} runtime(s) are negative or longer than "
                        f"{MAX_RUNTIME_S:.0e} s (e.g. {runtime[bad][0]:g}): read as missing")
        runtime = np.where(bad, np.nan, runtime)
    if "finished_at" in frame:
        finished = _times(frame["finished_at"])
    else:
        finished = created + pd.to_timedelta(runtime, unit="s")
    cols["created_at"] = created
    cols["runtime_s"] = runtime
    cols["finished_at"] = pd.to_datetime(finished, utc=True).reset_index(drop=True)
    for extra in ("tags", "notes", "user", "group"):
        if extra in frame and extra not in data_columns:
            cols[extra] = _text(frame[extra]).to_numpy()
    for column in data_columns:
        if column in BASE_COLUMNS:
            continue
        values, warning = coerce_column(frame[column], column, origin)
        cols[column], extreme = _bounded(values, column, origin)
        warnings.extend(w for w in (warning, extreme) if w)
    out = pd.DataFrame(cols, index=range(n))
    if "state" not in frame:
        warnings.append(f"{origin} has no state column: every run is counted as finished")
    dupes = out["run_id"].duplicated(keep="first")
    if dupes.any():
        example = out.loc[dupes, "run_id"].iloc[0]
        warnings.append(
            f"{origin} lists {int(dupes.sum())} duplicate run id(s) (e.g. '{example}'): "
            "kept the first row of each"
        )
        out = out[~dupes].reset_index(drop=True)
    return out, warnings


def history_extrema(run_ids: list[str], histories: dict[str, dict[str, list[float]]]
                    ) -> pd.DataFrame:
    """Each run's least and greatest finite value of each metric of its history (`histories`:
    run id → metric → values), as `LoadedSweep.history_best` holds them: index run_id,
    columns "<metric>.min" and "<metric>.max"."""
    records = []
    for run_id in run_ids:
        row: dict[str, float] = {}
        for key, values in histories.get(run_id, {}).items():
            finite = [v for v in values if math.isfinite(v)]
            if finite:
                row[f"{key}.min"], row[f"{key}.max"] = min(finite), max(finite)
        records.append(row)
    return pd.DataFrame(records, index=pd.Index(run_ids, name="run_id"))


def _unread_times(given: pd.Series, read: pd.Series, what: str, origin: str) -> list[str]:
    """A warning when times were given but could not be read (text, or out of range)."""
    present = _text(given).notna().to_numpy()
    lost = present & read.isna().to_numpy()
    if not lost.any():
        return []
    example = given.to_numpy(dtype=object)[lost][0]
    return [f"{origin}: {int(lost.sum())} {what}(s) could not be read (e.g. {str(example)[:40]!r}):"
            " read as unknown"]


def _bounded(values: Any, column: str, origin: str) -> tuple[Any, str | None]:
    """±infinity and numbers beyond MAX_ABS read as missing; NUL characters shown as U+FFFD
    and text beyond MAX_CELL characters cut; each with a warning."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        return _bounded_text(values, column, origin)
    if not isinstance(values, np.ndarray) or values.dtype.kind != "f":
        return values, None
    with np.errstate(invalid="ignore"):
        bad = np.isinf(values) | (np.abs(values) > MAX_ABS)
    if not bad.any():
        return values, None
    example = values[bad][0]
    return np.where(bad, np.nan, values), (
        f"column '{column}' in {origin} has {int(bad.sum())} infinite or huge value(s) (e.g. "
        f"{example:g}): read as missing")


def _bounded_text(values: np.ndarray, column: str, origin: str) -> tuple[Any, str | None]:
    text = pd.Series(values, dtype=object)
    strings = text.map(lambda v: isinstance(v, str))
    if not strings.any():
        return values, None
    cells = text[strings]
    nul = cells.str.contains("\x00", regex=False)
    long = cells.str.len() > MAX_CELL
    if not nul.any() and not long.any():
        return values, None
    fixed = cells.str.replace("\x00", "\ufffd", regex=False)
    fixed = fixed.where(~long, fixed.str.slice(0, MAX_CELL) + "…")
    text[strings] = fixed
    said = []
    if nul.any():
        said.append(f"{int(nul.sum())} value(s) with NUL characters (shown as \ufffd)")
    if long.any():
        said.append(f"{int(long.sum())} value(s) longer than {MAX_CELL:,} characters (cut)")
    return text.to_numpy(dtype=object), f"column '{column}' in {origin} has " + \
        " and ".join(said)


def _text(series: pd.Series) -> pd.Series:
    def clean(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        t = str(v).strip()
        return None if t.lower() in _MISSING else t
    return pd.Series([clean(v) for v in series], dtype=object)


def _numbers(series: pd.Series) -> np.ndarray:
    return np.array([c if isinstance(c, float) else np.nan for c in map(_cell, series)],
                    dtype=float)


def _times(series: pd.Series) -> pd.Series:
    """ISO strings (W&B writes `2025-12-13T23:28:41.000Z`) or epoch seconds → UTC."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series, utc=True)
    text = _text(series)
    as_number = pd.to_numeric(text, errors="coerce")
    if as_number.notna().all() and len(text):
        return pd.to_datetime(as_number, unit="s", utc=True, errors="coerce")
    return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")


def coerce_column(series: pd.Series, column: str, origin: str) -> tuple[Any, str | None]:
    """Numbers stay numbers (NaN/Infinity/'-' read leniently), booleans booleans, else text.

    A column that is mostly numbers reads its stray text as missing, with a warning."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).to_numpy(), None
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float), None
    fast = _numbers_in_bulk(series)
    if fast is not None:
        return fast, None
    cells = [_cell(v) for v in series.to_numpy(dtype=object)]
    present = [c for c in cells if c is not None]
    if not present:
        return np.full(len(cells), np.nan), None
    if all(isinstance(c, bool) for c in present):
        return np.array(cells, dtype=object), None
    numbers = sum(1 for c in present if isinstance(c, float))
    if numbers >= NUMERIC_SHARE * len(present):
        floats = np.array([c if isinstance(c, float) else np.nan for c in cells], dtype=float)
        bad = [c for c in present if not isinstance(c, float)]
        if not bad:
            return floats, None
        return floats, (
            f"column '{column}' in {origin} has {len(bad)} non-numeric value(s) "
            f"(e.g. '{bad[0]}'): read as missing"
        )
    return np.array([None if c is None else _as_text(c) for c in cells], dtype=object), None


def _numbers_in_bulk(series: pd.Series) -> np.ndarray | None:
    """A text column of numbers and missing markers parsed at once, as `_cell` would (NumPy
    parses with Python's own correctly rounded routine); None when a cell is anything else,
    and the cell-by-cell path decides."""
    values = series.to_numpy(dtype=object)
    if not len(values) or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    try:  # the common case, every cell a number (NumPy reads nan and inf as _SPECIAL does)
        return values.astype(str).astype(np.float64)
    except ValueError:
        pass
    text = pd.Series(values, dtype=object).str.strip()
    low = text.str.lower()
    missing = low.isin(_MISSING).to_numpy()
    special = low.isin(_SPECIAL).to_numpy()
    rest = ~missing & ~special
    if not rest.any():
        return None
    out = np.full(len(values), np.nan)
    try:
        out[rest] = text[rest].to_numpy(dtype=str).astype(np.float64)
    except ValueError:
        return None
    out[special] = [_SPECIAL[v] for v in low[special]]
    return out


def _cell(v: Any) -> Any:
    """None (missing), bool, float (parsed exactly, as Python does) or str."""
    if isinstance(v, str):
        t = v.strip()
        low = t.lower()
        if low in _MISSING:
            return None
        if low in _SPECIAL:
            return _SPECIAL[low]
        if low in _BOOLS:
            return _BOOLS[low]
        try:
            return float(t)
        except ValueError:
            return t
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, sort_keys=True, default=str)
    if isinstance(v, np.ndarray):
        return json.dumps(v.tolist(), default=str)
    return str(v)


def _as_text(c: Any) -> str:
    if isinstance(c, bool):
        return "true" if c else "false"
    if isinstance(c, float) and c.is_integer():
        return str(int(c))
    return str(c)
