"""Table files: the W&B runs-table CSV export and generic CSV/TSV/JSON/JSONL/Parquet tables."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.errors import SourceError
from reportgen.model import LoadedSweep
from reportgen.sources.dialects import read_table
from reportgen.sources.frame import finish_frame

SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
#: The group of runs that a table with a `Sweep` column lists without a sweep.
NO_SWEEP = "(no sweep)"
_PANEL = re.compile(r" - .+__(MIN|MAX)$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def load(source: str) -> list[LoadedSweep] | None:
    """Load a table file, or decline (None) when `source` is not one."""
    path = Path(source)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None or source.startswith(("wandb://", "demo:", "http://", "https://")):
        return None
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        return None
    try:
        if path.stat().st_size == 0:
            raise SourceError(f"{path} is empty: export the runs table again")
        table = _read(path, kind)
    except UnicodeDecodeError:
        raise SourceError(f"{path} is not UTF-8 text: export the table again as CSV") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if table.empty or len(table.columns) == 0:
        raise SourceError(f"{path} holds no runs (no data rows): export the runs table again")
    _refuse_panel_export(path, list(table.columns))
    return _split_sweeps(path, table)


def _read(path: Path, kind: str) -> pd.DataFrame:
    if kind in ("csv", "tsv"):
        return _read_delimited(path, kind)
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise SourceError(
                f"{path}: reading Parquet needs pyarrow: pip install 'reportgen[parquet]'"
            ) from None
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise SourceError(f"{path} is not a readable Parquet file ({exc})") from None
    return _read_json(path, kind)


def _read_delimited(path: Path, kind: str) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise SourceError(f"{path} is empty: export the runs table again")
    delimiter = "\t" if kind == "tsv" else ","
    if kind == "csv":
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",\t;").delimiter
        except csv.Error:
            delimiter = ","
    try:
        from io import StringIO

        table = pd.read_csv(StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "no columns"
        raise SourceError(f"{path} is not a readable {kind.upper()} table ({first})") from None
    header = next(csv.reader(StringIO(text), delimiter=delimiter), [])
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        table.attrs["warnings"] = [
            f"{path}: column '{h}' appears {header.count(h)} times; read as '{h}', '{h}.1', ..."
            for h in twice]
    return table


def _read_json(path: Path, kind: str) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    try:
        if kind == "jsonl":
            records = []
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append(_json(line))
                    except json.JSONDecodeError as exc:
                        raise SourceError(f"{path} is not valid JSON Lines (line {number}: "
                                          f"{exc.msg})") from None
        else:
            records = _json(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise SourceError(f"{path} nests deeper than reportgen reads: a runs table holds one "
                          "object per run") from None
    if isinstance(records, dict):
        records = records.get("runs", records.get("data"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            f"{path}: expected a list of run objects (or {{\"runs\": [...]}}), one per run"
        )
    try:
        return pd.json_normalize(records, sep=".")
    except RecursionError:
        raise SourceError(f"{path} nests deeper than reportgen reads") from None


def _json(text: str) -> Any:
    """JSON with integers beyond a float's range read as ±infinity (later read as missing,
    with a warning), and lone surrogates (`"\\ud800"`) as U+FFFD: no value can stop a
    report."""
    return _no_surrogates(json.loads(text, parse_int=_int))


def _int(text: str) -> int | float:
    return int(text) if len(text) <= 18 else float(text)


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def _refuse_panel_export(path: Path, columns: list[str]) -> None:
    if any(_PANEL.search(str(c)) for c in columns):
        raise SourceError(
            f"{path} is a W&B line-plot panel export (one column per run and metric); "
            "export the runs table instead (Runs tab → table → Export as CSV)"
        )


def _split_sweeps(path: Path, table: pd.DataFrame) -> list[LoadedSweep]:
    said = list(table.attrs.get("warnings", []))
    table = _unique_columns(table, path, said, rename=True)
    reading = read_table(table)
    reading.frame = _unique_columns(reading.frame, path, said, rename=False)
    reading.data_columns = list(dict.fromkeys(reading.data_columns))
    out = []
    for sweep_id, frame in _group_by_sweep(reading.frame):
        runs, warnings = finish_frame(frame.reset_index(drop=True), reading.data_columns,
                                      str(path), reading.states)
        out.append(LoadedSweep(
            name=sweep_id or path.stem, source=str(path), runs=runs, sweep_id=sweep_id,
            param_names=reading.config_columns, metric_names=reading.metric_columns,
            dialect=reading.dialect, bookkeeping=reading.bookkeeping,
            aliases=reading.aliases, default_metric=reading.default_metric,
            warnings=said + warnings,
            notes=[f"read {len(runs):,} runs from {path.name} ({reading.dialect})",
                   *reading.notes],
        ))
    return out


def _unique_columns(frame: pd.DataFrame, path: Path, said: list[str], rename: bool
                    ) -> pd.DataFrame:
    """Every column name once: as read, a repeated name becomes `name.1`, `name.2`, ...;
    after a dialect's renames (`Name` and `name` both the run name), the first is kept."""
    names = [str(c) for c in frame.columns]
    if len(set(names)) == len(names):
        return frame
    twice = sorted({n for n in names if names.count(n) > 1})
    if not rename:
        said.append(f"{path}: more than one column reads as {', '.join(twice)}: kept the first")
        return frame.loc[:, ~pd.Index(names).duplicated()]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        new = n if k == 0 else f"{n}.{k}"
        while new in seen and k:
            k += 1
            new = f"{n}.{k}"
        out.append(new)
    said.append(f"{path}: column(s) {', '.join(repr(n) for n in twice)} appear more than once; "
                "read as 'name', 'name.1', ...")
    frame = frame.copy()
    frame.columns = out
    return frame


def _group_by_sweep(frame: pd.DataFrame) -> list[tuple[str | None, pd.DataFrame]]:
    """A runs table holding several sweeps becomes one sweep per `Sweep` value; runs with no
    sweep form a group of their own."""
    if "sweep" not in frame.columns:
        return [(None, frame)]
    ids = pd.Series([_clean_text(v) for v in frame["sweep"]], index=frame.index, dtype=object)
    distinct = sorted({v for v in ids if v is not None})
    loose = frame[ids.isna()]
    if not distinct or (len(distinct) == 1 and loose.empty):
        return [(distinct[0] if distinct else None, frame.drop(columns=["sweep"]))]
    groups = [(s, frame[ids == s].drop(columns=["sweep"])) for s in distinct]
    if len(loose):
        groups.append((NO_SWEEP, loose.drop(columns=["sweep"])))
    return groups


def _clean_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return None if text in ("", "-") else text
