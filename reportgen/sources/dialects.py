"""The dialects of runs tables, recognised by their columns (README, "Table dialects").

Each reader maps a dialect's own columns to our base columns (run id, name, state, times),
says which columns came from the run's config and which the run reported (when the dialect
tells), names its bookkeeping, maps its states to ours and, for Optuna, the default metric.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from reportgen.roles import BOOKKEEPING, split_sorted_blocks, summary_block_start
from reportgen.sources.frame import _BOOLS, _MISSING, _SPECIAL, flatten

#: The W&B runs-table export's own columns (any subset, any order) → our base columns.
WANDB_META = {"Name": "name", "ID": "run_id", "State": "state", "Created": "created_at",
              "Runtime": "runtime_s", "End Time": "finished_at", "Sweep": "sweep",
              "Notes": "notes", "User": "user", "Tags": "tags", "Group": "group",
              "Job Type": "job_type"}
#: Generic tables: lower-cased column name → base column.
GENERIC_META = {"run_id": "run_id", "id": "run_id", "run": "run_id", "name": "name",
                "run_name": "name", "display_name": "name", "state": "state",
                "status": "state", "created_at": "created_at", "created": "created_at",
                "start_time": "created_at", "finished_at": "finished_at",
                "end_time": "finished_at", "runtime": "runtime_s", "runtime_s": "runtime_s",
                "duration": "runtime_s", "sweep": "sweep", "sweep_id": "sweep", "tags": "tags",
                "notes": "notes", "user": "user", "group": "group"}
OPTUNA_STATES = {"complete": "finished", "fail": "failed", "pruned": "stopped",
                 "running": "running", "waiting": "pending"}
MLFLOW_STATES = {"finished": "finished", "failed": "failed", "killed": "killed",
                 "running": "running", "scheduled": "pending"}
RAY_STATES = {"terminated": "finished", "error": "failed", "running": "running",
              "pending": "pending", "paused": "stopped"}
RAY_BOOKKEEPING = frozenset({
    "done", "training_iteration", "trial_id", "date", "timestamp", "time_this_iter_s",
    "time_total_s", "pid", "hostname", "node_ip", "time_since_restore",
    "iterations_since_restore", "logdir", "checkpoint_dir_name", "experiment_id",
    "experiment_tag", "should_checkpoint", "warmup_time", "timesteps_since_restore", "status",
    "error", "trial_status", "path",
})
MLFLOW_BOOKKEEPING = frozenset({"Source Type", "Source Name", "Source Version", "User",
                                "Lifecycle Stage", "Models", "Dataset", "Source",
                                "Start Time", "Duration", "Run ID", "Name", "Status",
                                "Created", "experiment_id", "artifact_uri", "lifecycle_stage"})


@dataclass
class Reading:
    """A table read in its dialect: base columns renamed, the rest data columns."""

    dialect: str
    frame: pd.DataFrame
    data_columns: list[str]
    config_columns: list[str] | None = None  # from the run's config, when the dialect tells
    metric_columns: list[str] | None = None  # reported by the run, when the dialect tells
    bookkeeping: frozenset[str] = frozenset()
    states: dict[str, str] = field(default_factory=dict)  # lower-case state → ours
    default_metric: tuple[str, str, str] | None = None  # (name, goal, why)
    aliases: dict[str, str] = field(default_factory=dict)  # the dialect's name → ours
    notes: list[str] = field(default_factory=list)


def read_table(table: pd.DataFrame) -> Reading:
    """The first dialect whose columns match; a generic table otherwise."""
    columns = [str(c) for c in table.columns]
    table.columns = columns
    for matches, reader in _DIALECTS:
        if matches(set(columns)):
            return reader(table, columns)
    return _generic(table, columns)


def _is_optuna(cols: set[str]) -> bool:
    has_value = "value" in cols or any(re.fullmatch(r"values_\d+", c) for c in cols)
    return "number" in cols and has_value and (
        any(c.startswith("params_") for c in cols) or "datetime_start" in cols)


def _optuna(table: pd.DataFrame, columns: list[str]) -> Reading:
    frame = table.copy()
    frame["run_id"] = frame["number"].astype(str).str.strip()
    frame["name"] = "trial " + frame["run_id"]
    renames = {"datetime_start": "created_at", "datetime_complete": "finished_at"}
    frame = frame.rename(columns=renames)
    if "duration" in frame:
        frame["runtime_s"] = _timedelta_seconds(frame.pop("duration"))
    params = [c for c in columns if c.startswith("params_")]
    values = [c for c in columns if c == "value" or re.fullmatch(r"values_\d+", c)]
    attrs = [c for c in columns if c.startswith("user_attrs_")]
    system = frozenset(c for c in columns if c.startswith("system_attrs_"))
    aliases = _strip(params, "params_", columns)
    aliases.update(_strip(attrs, "user_attrs_", columns + list(aliases.values())))
    frame = frame.rename(columns=aliases)
    data = [aliases.get(c, c) for c in columns
            if c not in ("number", "duration", *renames) and c != "state"]
    metric = values[0]
    return Reading(
        "Optuna trials_dataframe()", frame, data,
        config_columns=[aliases[c] for c in params],
        metric_columns=values + [aliases[c] for c in attrs], bookkeeping=system,
        states=OPTUNA_STATES, aliases=aliases,
        default_metric=(metric, "minimize", "Optuna's default direction; pass --goal maximize "
                        "if the study maximised"))


def _is_ray(cols: set[str]) -> bool:
    return any(c.startswith("config/") for c in cols) or {"trial_id", "training_iteration"} <= cols


def _ray(table: pd.DataFrame, columns: list[str]) -> Reading:
    frame = table.copy()
    taken = set(columns)
    params = [c for c in columns if c.startswith("config/")]
    aliases: dict[str, str] = {}
    for c in params:
        short = c[len("config/"):].replace("/", ".")
        if short not in taken:
            aliases[c] = short
            taken.add(short)
    frame = frame.rename(columns=aliases)
    if "trial_id" in frame:
        frame["run_id"] = frame["trial_id"].astype(str)
        frame["name"] = frame["run_id"]
    stamp = pd.to_numeric(frame.get("timestamp"), errors="coerce") \
        if "timestamp" in frame else None
    total = pd.to_numeric(frame.get("time_total_s"), errors="coerce") \
        if "time_total_s" in frame else None
    if total is not None:
        frame["runtime_s"] = total
    if stamp is not None:
        frame["finished_at"] = stamp
        if total is not None:
            frame["created_at"] = stamp - total.fillna(0)
    frame["state"] = _ray_states(frame)
    data = [aliases.get(c, c) for c in columns if c not in ("trial_id",)]
    config = [aliases.get(c, c) for c in params]
    metrics = [c for c in data if c not in config and c not in RAY_BOOKKEEPING]
    notes = []
    stopped = int((frame["state"] == "stopped").sum())
    if stopped and "training_iteration" in frame:
        notes.append(f"{stopped:,} trial(s) reported fewer training iterations than the "
                     "longest: counted as stopped early (by a scheduler or a stopper)")
    return Reading("Ray Tune results table", frame, data, config_columns=config,
                   metric_columns=metrics, bookkeeping=RAY_BOOKKEEPING, states=RAY_STATES,
                   aliases=aliases, notes=notes)


def _ray_states(frame: pd.DataFrame) -> pd.Series:
    """Ray's own status when the table has one; else a trial that ran fewer iterations than
    the longest stopped early, and one not `done` is still running or was cut off."""
    for column in ("status", "trial_status"):
        if column in frame:
            return frame[column].astype(str).str.strip().str.lower()
    state = pd.Series("finished", index=frame.index, dtype=object)
    if "training_iteration" in frame:
        its = pd.to_numeric(frame["training_iteration"], errors="coerce")
        state[its < its.max()] = "stopped"
    if "error" in frame:
        failed = frame["error"].astype(str).str.strip().replace({"nan": "", "None": ""}) != ""
        state[failed] = "failed"
    return state


def _is_mlflow_csv(cols: set[str]) -> bool:
    return "Run ID" in cols and ("Status" in cols or "Source Type" in cols)


def _mlflow_csv(table: pd.DataFrame, columns: list[str]) -> Reading:
    frame = table.rename(columns={"Run ID": "run_id", "Status": "state",
                                  "Start Time": "created_at"})
    names = frame["Name"].astype(str).str.strip() if "Name" in frame else None
    frame["name"] = names.where(names != "", frame["run_id"]) if names is not None \
        else frame["run_id"]
    if "Duration" in frame:
        frame["runtime_s"] = frame["Duration"].map(_mlflow_duration)
    data = [c for c in columns if c not in ("Run ID", "Status", "Start Time", "Name",
                                            "Duration")]
    return Reading("MLflow runs CSV", frame, data, bookkeeping=MLFLOW_BOOKKEEPING,
                   states=MLFLOW_STATES)


def _is_mlflow_frame(cols: set[str]) -> bool:
    return "run_id" in cols and any(c.startswith(("params.", "metrics.")) for c in cols)


def _mlflow_frame(table: pd.DataFrame, columns: list[str]) -> Reading:
    params = [c for c in columns if c.startswith("params.")]
    metrics = [c for c in columns if c.startswith("metrics.")]
    aliases = _strip(params, "params.", columns)
    aliases.update(_strip(metrics, "metrics.", columns + list(aliases.values())))
    frame = table.rename(columns={**aliases, "status": "state", "start_time": "created_at",
                                  "end_time": "finished_at"})
    if "tags.mlflow.runName" in frame:
        frame["name"] = frame["tags.mlflow.runName"]
    data = [aliases.get(c, c) for c in columns
            if c.startswith(("params.", "metrics."))]
    return Reading("MLflow search_runs() table", frame, data,
                   config_columns=[aliases.get(c, c) for c in params],
                   metric_columns=[aliases.get(c, c) for c in metrics],
                   bookkeeping=MLFLOW_BOOKKEEPING, states=MLFLOW_STATES, aliases=aliases)


def _is_wandb_export(cols: set[str]) -> bool:
    return "Name" in cols and len(cols & (set(WANDB_META) | {"Agent", "Stopped", "GPU Type",
                                                             "Hostname", "GitHub"})) >= 1


def _wandb_export(table: pd.DataFrame, columns: list[str]) -> Reading:
    frame = table.rename(columns=WANDB_META)
    data = [c for c in columns if c not in WANDB_META]
    candidates = [c for c in data if c not in BOOKKEEPING]
    border = split_sorted_blocks(candidates, lambda c: _is_text(frame[c]))
    config = metrics = None
    notes = []
    if border is not None:
        config, metrics = candidates[:border], candidates[border:]
        notes.append(f"config columns before summary columns at '{candidates[border]}' "
                     "(W&B writes each block sorted)")
    return Reading("W&B runs-table export", frame, data, config_columns=config,
                   metric_columns=metrics, notes=notes)


def _is_wandb_dump(cols: set[str]) -> bool:
    return bool(cols & {"_step", "_runtime", "_timestamp", "_wandb"}) or (
        {"config", "summary"} <= cols) or any(c.startswith("config.") for c in cols)


def _wandb_dump(table: pd.DataFrame, columns: list[str]) -> Reading:
    frame = table
    config: list[str] | None
    metrics: list[str] | None
    if {"config", "summary"} <= set(columns):  # W&B's docs: one dict per cell
        frame, columns, config, metrics = _expand_dicts(table, columns)
    elif any(c.startswith("config.") for c in columns):  # flattened with json_normalize
        config_cols = [c for c in columns if c.startswith("config.")]
        summary_cols = [c for c in columns if c.startswith(("summary.", "summary_metrics."))]
        strip = {c: c.split(".", 1)[1] for c in config_cols + summary_cols}
        frame = table.rename(columns=strip)
        columns = [strip.get(c, c) for c in columns]
        config = [strip[c] for c in config_cols]
        metrics = [strip[c] for c in summary_cols]
    else:
        config = metrics = None
    mapping = {c: GENERIC_META[c.lower()] for c in columns
               if c.lower() in GENERIC_META and c.lower() not in ("runtime", "duration")}
    mapping = _first_wins(mapping)
    frame = frame.rename(columns=mapping)
    data = [c for c in columns if c not in mapping]
    notes: list[str] = []
    if config is None:
        start = summary_block_start(data, _typed_view(frame, data))
        if start is not None:
            config, metrics = data[:start], data[start:]
            notes.append(f"config columns before summary columns at '{data[start]}' "
                         "(the summary holds W&B's _step/_runtime/_timestamp)")
    return Reading("W&B API dump (wandb.Api().runs to pandas)", frame, data,
                   config_columns=config, metric_columns=metrics, notes=notes)


def _expand_dicts(table: pd.DataFrame, columns: list[str]
                  ) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    """`config` and `summary` cells holding a dict each (JSON or Python's repr)."""
    configs = [flatten(_as_dict(v)) for v in table["config"]]
    summaries = [flatten(_as_dict(v)) for v in table["summary"]]
    config = list(dict.fromkeys(k for c in configs for k in c))
    metrics = [k for k in dict.fromkeys(k for s in summaries for k in s) if k not in config]
    rest = table.drop(columns=["config", "summary"])
    body = pd.DataFrame({
        **{k: [c.get(k) for c in configs] for k in config},
        **{k: [s.get(k) for s in summaries] for k in metrics},
    }, index=table.index)
    frame = pd.concat([rest, body], axis=1)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return frame, [str(c) for c in frame.columns], config, metrics


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip().startswith("{"):
        return {}
    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
        if isinstance(parsed, dict):
            return parsed
    return {}


def _generic(table: pd.DataFrame, columns: list[str]) -> Reading:
    mapping = _first_wins({c: GENERIC_META[c.lower()] for c in columns
                           if c.lower() in GENERIC_META})
    frame = table.rename(columns=mapping)
    return Reading("table", frame, [c for c in columns if c not in mapping])


def _first_wins(mapping: dict[str, str]) -> dict[str, str]:
    """Two columns for one base column (id and run_id): the first one wins."""
    first = {t: c for c, t in reversed(list(mapping.items()))}
    return {c: t for t, c in first.items()}


def _strip(columns: list[str], prefix: str, taken: list[str]) -> dict[str, str]:
    """`params_lr` → `lr`, unless another column already has that name."""
    used = set(taken)
    out = {}
    for c in columns:
        short = c[len(prefix):]
        if short and short not in used:
            out[c] = short
            used.add(short)
    return out


def _is_text(column: pd.Series) -> bool:
    """Some cell holds text that is no number (nor a missing, special or true/false marker, as
    `frame.coerce_column` reads them)."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    text = _stripped(column)
    text = text[~text.str.lower().isin(_MISSING | set(_SPECIAL) | set(_BOOLS))]
    return bool(pd.to_numeric(text, errors="coerce").isna().any())


def _typed_view(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns with numbers parsed (the order rules look at which columns are text)."""
    out = {}
    for c in columns:
        col = frame[c]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            out[c] = col
            continue
        text = _stripped(col)
        text = text.where(~text.str.lower().isin(_MISSING | {"nan"}))
        numbers = pd.to_numeric(text, errors="coerce")
        out[c] = numbers if numbers.notna().sum() == text.notna().sum() else col
    return pd.DataFrame(out)


def _stripped(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "").astype(str).str.strip()


def _timedelta_seconds(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    parsed = pd.to_timedelta(values.astype(object).where(values.notna(), None), errors="coerce")
    return parsed.dt.total_seconds()


def _mlflow_duration(value: Any) -> float:
    """MLflow's UI writes durations as `812ms`, `12.7s`, `3.2min`, `1.5h`."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(ms|s|min|h|d)\s*", str(value))
    if not match:
        return np.nan
    factor = {"ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}[match[2]]
    return float(match[1]) * factor


_DIALECTS: list[tuple[Callable[[set[str]], bool], Callable[..., Reading]]] = [
    (_is_optuna, _optuna),
    (_is_ray, _ray),
    (_is_mlflow_csv, _mlflow_csv),
    (_is_mlflow_frame, _mlflow_frame),
    (_is_wandb_export, _wandb_export),
    (_is_wandb_dump, _wandb_dump),
]
