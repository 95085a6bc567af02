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
from reportgen.sources.frame import finish_frame

SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl",
            ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
#: The W&B runs-table export's own columns (any subset, any order) → our base columns.
WANDB_META = {"Name": "name", "ID": "run_id", "State": "state", "Created": "created_at",
              "Runtime": "runtime_s", "End Time": "finished_at", "Sweep": "sweep",
              "Notes": "notes", "User": "user", "Tags": "tags", "Group": "group",
              "Job Type": "job_type", "Updated": "updated", "Hostname": "hostname",
              "GitHub": "github", "Commit": "commit"}
#: Generic tables: lower-cased column name → base column.
GENERIC_META = {"run_id": "run_id", "id": "run_id", "run": "run_id", "name": "name",
                "run_name": "name", "display_name": "name", "state": "state",
                "status": "state", "created_at": "created_at", "created": "created_at",
                "start_time": "created_at", "finished_at": "finished_at",
                "end_time": "finished_at", "runtime": "runtime_s", "runtime_s": "runtime_s",
                "duration": "runtime_s", "sweep": "sweep", "sweep_id": "sweep", "tags": "tags",
                "notes": "notes", "user": "user", "group": "group"}
_PANEL = re.compile(r" - .+__(MIN|MAX)$")


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

        return pd.read_csv(StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                           na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "no columns"
        raise SourceError(f"{path} is not a readable {kind.upper()} table ({first})") from None


def _read_json(path: Path, kind: str) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    try:
        if kind == "jsonl":
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(records, dict):
        records = records.get("runs", records.get("data"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            f"{path}: expected a list of run objects (or {{\"runs\": [...]}}), one per run"
        )
    return pd.json_normalize(records, sep=".")


def _refuse_panel_export(path: Path, columns: list[str]) -> None:
    if any(_PANEL.search(str(c)) for c in columns):
        raise SourceError(
            f"{path} is a W&B line-plot panel export (one column per run and metric); "
            "export the runs table instead (Runs tab → table → Export as CSV)"
        )


def _split_sweeps(path: Path, table: pd.DataFrame) -> list[LoadedSweep]:
    columns = [str(c) for c in table.columns]
    table.columns = columns
    is_wandb = "Name" in columns and "State" in columns
    mapping = WANDB_META if is_wandb else {
        c: GENERIC_META[c.lower()] for c in columns if c.lower() in GENERIC_META
    }
    if not is_wandb:  # two columns for one base column (id and run_id): the first one wins
        first = {t: c for c, t in reversed(list(mapping.items()))}
        mapping = {c: t for t, c in first.items()}
    renamed = table.rename(columns={c: t for c, t in mapping.items() if c in columns})
    data_columns = [c for c in columns if c not in mapping]
    config_cols = [c for c in data_columns if c.startswith("config.")]
    summary_cols = [c for c in data_columns if c.startswith(("summary.", "summary_metrics."))]
    param_names = metric_names = None
    if config_cols:  # an api dump flattened: config.* are parameters, summary.* metrics
        strip = {c: c.split(".", 1)[1] for c in config_cols + summary_cols}
        renamed = renamed.rename(columns=strip)
        data_columns = [strip.get(c, c) for c in data_columns]
        param_names = [strip[c] for c in config_cols]
        metric_names = [strip[c] for c in summary_cols]
    kind = "W&B runs-table export" if is_wandb else "table"
    sweeps = _group_by_sweep(renamed)
    out = []
    for sweep_id, frame in sweeps:
        runs, warnings = finish_frame(frame.reset_index(drop=True), data_columns, str(path))
        name = sweep_id or path.stem
        out.append(LoadedSweep(
            name=name, source=str(path), runs=runs, sweep_id=sweep_id,
            param_names=param_names, metric_names=metric_names,
            warnings=warnings, notes=[f"read {len(runs)} runs from {path.name} ({kind})"],
        ))
    return out


def _group_by_sweep(frame: pd.DataFrame) -> list[tuple[str | None, pd.DataFrame]]:
    """A runs table holding several sweeps becomes one sweep per `Sweep` value."""
    if "sweep" not in frame.columns:
        return [(None, frame)]
    ids = frame["sweep"].map(_clean_text)
    distinct = sorted({v for v in ids if v})
    if len(distinct) <= 1:
        return [(distinct[0] if distinct else None, frame.drop(columns=["sweep"]))]
    groups = [(s, frame[ids == s].drop(columns=["sweep"])) for s in distinct]
    loose = frame[ids.isna() | (ids == "")]
    if len(loose):
        groups.append(("(no sweep)", loose.drop(columns=["sweep"])))
    return groups


def _clean_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return None if text in ("", "-") else text
