"""From what a source read to a `Sweep`: the metric, its goal, the parameters and their space.

Precedence: command-line options, then the sweep config, then what the source knows (a W&B
run's config vs summary), then the inference rules documented in README ("How reportgen
decides").
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from reportgen import where as where_filter
from reportgen.config import ReportConfig
from reportgen.errors import ConfigError, DataError
from reportgen.model import BASE_COLUMNS, LoadedSweep, Metric, ParamSpec, SearchSpace, Sweep
from reportgen.space import infer_param, space_from_config

INFO_COLUMNS = {"tags", "notes", "user", "group", "project", "job_type", "updated", "hostname",
                "github", "commit"}
_METRIC_WORDS = {"loss", "acc", "accuracy", "error", "err", "score", "f1", "auc", "reward",
                 "perplexity", "ppl", "mse", "mae", "rmse", "bleu", "rouge", "precision",
                 "recall", "map", "iou", "dice", "return", "metric", "objective", "runtime",
                 "epoch", "step", "best", "min", "max"}
_METRIC_PREFIXES = ("val", "valid", "validation", "train", "test", "eval", "dev")
_MAXIMIZE_WORDS = {"acc", "accuracy", "f1", "auc", "score", "reward", "precision", "recall",
                   "map", "bleu", "rouge", "iou", "dice", "return", "r2"}


def looks_like_metric(column: str) -> bool:
    """Name-based rule: `_x`, `a/b`, `val_*`/`train_*`..., or a word such as loss/acc/score."""
    if column.startswith("_") or "/" in column:
        return True
    tokens = [t for t in re.split(r"[^a-z0-9]+", column.lower()) if t]
    return bool(tokens) and (tokens[0] in _METRIC_PREFIXES or bool(set(tokens) & _METRIC_WORDS))


def _metric_preference(column: str) -> int:
    """0 for validation losses, 1 other validation metrics, 2 other losses, 3 the rest."""
    tokens = set(re.split(r"[^a-z0-9]+", column.lower()))
    held_out = bool(tokens & {"val", "valid", "validation", "eval", "dev"})
    loss = "loss" in tokens
    return 0 if held_out and loss else 1 if held_out else 2 if loss else 3


def infer_goal(metric: str) -> str:
    tokens = set(re.split(r"[^a-z0-9]+", metric.lower()))
    return "maximize" if tokens & _MAXIMIZE_WORDS else "minimize"


def resolve(loaded: LoadedSweep, options: ReportConfig) -> Sweep:
    """Decide metric, goal and parameters for one loaded sweep, and check the data."""
    config = options.sweep_config or loaded.config
    notes, warnings = list(loaded.notes), list(loaded.warnings)
    runs = loaded.runs
    data_columns = [c for c in runs.columns if c not in BASE_COLUMNS and c not in INFO_COLUMNS]
    if options.where:
        before = len(runs)
        runs = where_filter.apply(runs, where_filter.parse(options.where), loaded.source)
        notes.append(f"filtered with --where \"{options.where}\": {len(runs):,} of {before:,} runs")
        if runs.empty:
            raise DataError(f"--where \"{options.where}\" leaves no run of {loaded.source}")
    if options.sweep_config_path:
        notes.append(f"sweep config read from {options.sweep_config_path}")
    metric = _metric(loaded, runs, config, options, data_columns, notes)
    runs = _with_history_best(runs, loaded, metric)
    params = _param_names(loaded, config, options, data_columns, metric.name, notes, warnings)
    space = _space(params, config, runs, loaded.source, warnings)
    metric_columns = [metric.name] + [
        c for c in (loaded.metric_names or [c for c in data_columns if c not in params])
        if c != metric.name and c in runs and pd.api.types.is_numeric_dtype(runs[c])
    ]
    if f"{metric.name}.best" in runs:
        metric_columns.insert(1, f"{metric.name}.best")
    return Sweep(
        name=(config or {}).get("name") or loaded.name, source=loaded.source,
        method=(config or {}).get("method") or loaded.method, metric=metric, space=space,
        runs=runs, config=config, sweep_id=loaded.sweep_id,
        metric_columns=tuple(dict.fromkeys(metric_columns)), warnings=tuple(warnings),
        notes=tuple(notes), where=options.where,
    )


def _metric(loaded: LoadedSweep, runs: pd.DataFrame, config: dict[str, Any] | None,
            options: ReportConfig, data_columns: list[str], notes: list[str]) -> Metric:
    declared = (config or {}).get("metric") or {}
    name = options.metric or declared.get("name")
    if name is None:
        candidates = loaded.metric_names or [c for c in data_columns if looks_like_metric(c)]
        candidates = [c for c in candidates if not c.startswith("_") and c in runs]
        numeric = [c for c in candidates if pd.api.types.is_numeric_dtype(runs[c])]
        candidates = numeric or candidates  # text only: the "not numeric" error below says so
        if not candidates:
            raise DataError(
                f"cannot tell which column of {loaded.source} is the metric: pass --metric NAME "
                f"(columns: {', '.join(data_columns) or 'none'})"
            )
        name = min(candidates, key=lambda c: (_metric_preference(c), candidates.index(c)))
        notes.append(f"metric '{name}' chosen by name (pass --metric to choose another)")
    if name not in runs.columns:
        raise DataError(
            f"metric '{name}' is not a column of {loaded.source}; columns seen: "
            f"{', '.join(data_columns) or 'none'}"
        )
    column = runs[name]
    if not pd.api.types.is_numeric_dtype(column):
        example = next((v for v in column if isinstance(v, str)), None)
        raise DataError(f"metric '{name}' in {loaded.source} is not numeric (e.g. '{example}')")
    if not np.isfinite(column.to_numpy(dtype=float)).any():
        states = ", ".join(f"{n} {s}" for s, n in runs["state"].value_counts().items())
        raise DataError(
            f"no run of {loaded.source} has a finite value of '{name}' ({states}); "
            "check --metric, or wait for runs to finish"
        )
    goal = options.goal or declared.get("goal")
    if goal is None:
        goal = infer_goal(name)
        notes.append(f"goal '{goal}' inferred from the metric's name (pass --goal to set it)")
    if goal not in ("minimize", "maximize"):
        raise ConfigError(f"sweep config: metric.goal '{goal}' must be minimize or maximize")
    return Metric(name, goal)


def _with_history_best(runs: pd.DataFrame, loaded: LoadedSweep, metric: Metric) -> pd.DataFrame:
    """Best value of the metric over each run's history (runs read from W&B run files)."""
    hist = loaded.history_best
    column = f"{metric.name}.{'min' if metric.goal == 'minimize' else 'max'}"
    if hist is None or column not in hist or f"{metric.name}.best" in runs:
        return runs
    runs = runs.copy()
    runs[f"{metric.name}.best"] = runs["run_id"].map(hist[column]).to_numpy(dtype=float)
    return runs


def _param_names(loaded: LoadedSweep, config: dict[str, Any] | None, options: ReportConfig,
                 data_columns: list[str], metric: str, notes: list[str], warnings: list[str]
                 ) -> list[str]:
    if options.params:
        missing = [p for p in options.params if p not in data_columns]
        if missing:
            raise ConfigError(
                f"--params: {', '.join(missing)} not a column of {loaded.source}; "
                f"columns: {', '.join(data_columns)}"
            )
        return list(options.params)
    if config and config.get("parameters"):
        declared = space_from_config(config).names
        absent = [p for p in declared if p not in data_columns]
        if absent:
            warnings.append(
                f"parameter(s) {', '.join(absent)} of the sweep config appear in no run of "
                f"{loaded.source}"
            )
        return [p for p in declared if p in data_columns]
    if loaded.param_names is not None:
        return [p for p in loaded.param_names if p != metric]
    return _infer_params(data_columns, metric, notes)


def _infer_params(data_columns: list[str], metric: str, notes: list[str]) -> list[str]:
    """A runs-table export lists config columns before summary columns: parameters are the
    columns before the first metric-like one; elsewhere every column not named like a metric."""
    params = []
    for column in data_columns:
        if column == metric or looks_like_metric(column):
            break
        params.append(column)
    rest = data_columns[len(params):]
    params += [c for c in rest if not looks_like_metric(c) and c != metric
               and data_columns.index(c) < data_columns.index(metric)]
    notes.append(
        f"parameters inferred from column names and order: {', '.join(params) or 'none'} "
        "(pass --params or --sweep-config to set them)"
    )
    return params


def _space(params: list[str], config: dict[str, Any] | None, runs: pd.DataFrame, origin: str,
           warnings: list[str]) -> SearchSpace:
    declared = space_from_config(config) if config and config.get("parameters") else None
    specs: list[ParamSpec] = []
    for name in params:
        spec = declared.get(name) if declared else None
        if spec is None:
            spec = infer_param(name, runs[name])
        elif spec.kind in ("categorical", "bool"):
            spec = _with_seen_levels(spec, runs[name], origin, warnings)
        specs.append(spec)
    return SearchSpace(tuple(specs), inferred=declared is None)


def _with_seen_levels(spec: ParamSpec, values: pd.Series, origin: str, warnings: list[str]
                      ) -> ParamSpec:
    """Values in the runs that the config does not list are kept, after the declared ones."""
    _, levels = level_codes(values, list(spec.levels))
    extra = levels[len(spec.levels):]
    if not extra:
        return spec
    warnings.append(
        f"{origin}: {spec.name} takes {len(extra)} value(s) the sweep config does not list "
        f"(e.g. {extra[0]!r})"
    )
    return dataclasses.replace(spec, levels=spec.levels + tuple(extra))


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
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
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
