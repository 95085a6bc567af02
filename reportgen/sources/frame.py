"""Shared clean-up of a runs table: base columns, lenient numbers, duplicate run ids."""

from __future__ import annotations

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


def finish_frame(frame: pd.DataFrame, data_columns: list[str], origin: str
                 ) -> tuple[pd.DataFrame, list[str]]:
    """Give `frame` the base columns of DESIGN §3 and typed data columns; report problems."""
    warnings: list[str] = []
    n = len(frame)
    out = pd.DataFrame(index=range(n))
    names = _text(frame["name"]) if "name" in frame else None
    ids = _text(frame["run_id"]) if "run_id" in frame else None
    if ids is None or ids.isna().any():
        if names is not None and names.notna().all() and names.is_unique:
            ids = names
        else:
            ids = pd.Series([f"row-{i + 1}" for i in range(n)], dtype=object)
    out["run_id"] = ids.to_numpy()
    out["name"] = (names.fillna(ids) if names is not None else ids).to_numpy()
    if "state" in frame:
        out["state"] = _text(frame["state"]).str.lower().fillna("unknown").to_numpy()
    else:
        out["state"] = "finished"
    out["created_at"] = _times(frame["created_at"]) if "created_at" in frame else pd.NaT
    out["runtime_s"] = (_numbers(frame["runtime_s"]) if "runtime_s" in frame else np.nan)
    if "finished_at" in frame:
        out["finished_at"] = _times(frame["finished_at"])
    else:
        out["finished_at"] = out["created_at"] + pd.to_timedelta(out["runtime_s"], unit="s")
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True)
    out["finished_at"] = pd.to_datetime(out["finished_at"], utc=True)
    for extra in ("tags", "notes", "user", "group"):
        if extra in frame and extra not in data_columns:
            out[extra] = _text(frame[extra]).to_numpy()
    for column in data_columns:
        if column in BASE_COLUMNS:
            continue
        values, warning = coerce_column(frame[column], column, origin)
        out[column] = values
        if warning:
            warnings.append(warning)
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


def _text(series: pd.Series) -> pd.Series:
    def clean(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        t = str(v).strip()
        return None if t.lower() in _MISSING else t
    return pd.Series([clean(v) for v in series], dtype=object)


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(_text(series), errors="coerce").to_numpy(dtype=float)


def _times(series: pd.Series) -> pd.Series:
    """ISO strings (W&B writes `2025-12-13T23:28:41.000Z`) or epoch seconds → UTC."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return pd.to_datetime(series, utc=True)
    text = _text(series)
    as_number = pd.to_numeric(text, errors="coerce")
    if as_number.notna().all() and len(text):
        return pd.to_datetime(as_number, unit="s", utc=True)
    return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")


def coerce_column(series: pd.Series, column: str, origin: str) -> tuple[Any, str | None]:
    """Numbers stay numbers (NaN/Infinity/'-' read leniently), booleans booleans, else text."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).to_numpy(), None
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float), None
    raw = series.to_numpy(dtype=object)
    cells = []
    for v in raw:
        if isinstance(v, str):
            t = v.strip()
            low = t.lower()
            if low in _MISSING:
                cells.append(None)
            elif low in _SPECIAL:
                cells.append(_SPECIAL[low])
            elif low in _BOOLS:
                cells.append(_BOOLS[low])
            else:
                cells.append(t)
        elif isinstance(v, (list, dict)):
            import json

            cells.append(json.dumps(v, sort_keys=True))
        elif v is None or (isinstance(v, float) and np.isnan(v)):
            cells.append(None)
        else:
            cells.append(v)
    present = [c for c in cells if c is not None]
    if present and all(isinstance(c, (bool, np.bool_)) for c in present):
        return np.array(cells, dtype=object), None
    numeric = pd.to_numeric(pd.Series(
        [c if not isinstance(c, (bool, np.bool_)) else None for c in cells], dtype=object),
        errors="coerce")
    as_float = numeric.to_numpy(dtype=float)
    n_numeric = sum(1 for c, f in zip(cells, as_float)
                    if c is not None and not isinstance(c, (bool, np.bool_))
                    and (not np.isnan(f) or (isinstance(c, float) and np.isnan(c))))
    if not present:
        return np.full(len(cells), np.nan), None
    if n_numeric == len(present):
        return as_float, None
    if n_numeric >= NUMERIC_SHARE * len(present):
        bad = [c for c, f in zip(cells, as_float) if c is not None and np.isnan(f)
               and not (isinstance(c, float) and np.isnan(c))]
        return as_float, (
            f"column '{column}' in {origin} has {len(bad)} non-numeric value(s) "
            f"(e.g. '{bad[0]}'): read as missing"
        )
    return np.array([None if c is None else str(c) if not isinstance(c, str) else c
                     for c in cells], dtype=object), None
