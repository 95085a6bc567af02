"""From what a source read to a `Sweep`: the metric, its goal, the parameters and their space.

Precedence: command-line options, then the sweep config, then what the source knows (a W&B
run's config vs summary), then the inference rules documented in README ("How reportgen
decides").
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from reportgen import where as where_filter
from reportgen.config import ReportConfig
from reportgen.errors import ConfigError, DataError
from reportgen.levels import level_codes, varies
from reportgen.model import (
    BASE_COLUMNS,
    LoadedSweep,
    Metric,
    ParamSpec,
    Reading,
    SearchSpace,
    Sweep,
)
from reportgen.roles import (
    Roles,
    assign,
    is_counter,
    is_derived,
    is_replicate,
    looks_like_metric,
    tokens,
)
from reportgen.space import infer_param, space_from_config

INFO_COLUMNS = {"tags", "notes", "user", "group", "project", "job_type"}
_MAXIMIZE_WORDS = {"acc", "accuracy", "f1", "auc", "auroc", "score", "reward", "precision",
                   "recall", "map", "bleu", "rouge", "iou", "miou", "dice", "return", "r2",
                   "psnr", "ssim"}
_MINIMIZE_LAST = {"loss", "error", "err", "mse", "mae", "rmse", "nll", "perplexity", "ppl",
                  "regret", "distance", "diff", "wer", "cer", "fid"}


def _metric_preference(column: str) -> int:
    """0 for validation losses, 1 other validation metrics, 2 rewards and returns (what
    reinforcement learning maximises), 3 other losses, 4 the rest."""
    words = set(tokens(column))
    held_out = bool(words & {"val", "valid", "validation", "eval", "dev"})
    loss = "loss" in words
    if held_out:
        return 0 if loss else 1
    return 2 if words & {"reward", "return"} else 3 if loss else 4


def infer_goal(metric: str) -> str:
    """Accuracy-like names are maximised; losses, errors and anything else minimised."""
    words = tokens(metric)
    if words and words[-1] in _MINIMIZE_LAST:
        return "minimize"
    return "maximize" if set(words) & _MAXIMIZE_WORDS else "minimize"


def resolve(loaded: LoadedSweep, options: ReportConfig) -> Sweep:
    """Decide metric, goal and parameters for one loaded sweep, and check the data."""
    config = options.sweep_config or loaded.config
    declared = space_from_config(config) if config and config.get("parameters") else None
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
    roles = assign(runs, data_columns, loaded.param_names, loaded.metric_names,
                   loaded.bookkeeping)
    origin = "the sweep config" if options.sweep_config else loaded.config_origin
    metric, metric_why, goal_why = _metric(loaded, runs, config, options, data_columns, roles,
                                           origin)
    runs = _with_history_best(runs, loaded, metric)
    params, params_why = _param_names(loaded, declared, options, data_columns, metric.name,
                                      roles, warnings, origin)
    replicates = tuple(p for p in params if is_replicate(p))
    space = _space(params, declared, runs, loaded.source, warnings, replicates)
    metric_columns = [metric.name] + [
        c for c in (*roles.metrics, *(c for c in roles.params if c not in params))
        if c != metric.name and c in runs and pd.api.types.is_numeric_dtype(runs[c])
        and not pd.api.types.is_bool_dtype(runs[c])
    ]
    if f"{metric.name}.best" in runs:
        metric_columns.insert(1, f"{metric.name}.best")
    left_out = tuple((c, why) for c, why in roles.left_out if c not in params
                     and c != metric.name)
    varying = sum(varies(spec, runs[spec.name]) for spec in space.params)
    repeats = _repeats(runs, [s.name for s in space.params if not s.replicate])
    if repeats:
        notes.append(repeats)
    reading = Reading(loaded.dialect, metric_why, goal_why, params_why, left_out, replicates,
                      varying)
    return Sweep(
        name=(config or {}).get("name") or loaded.name, source=loaded.source,
        method=(config or {}).get("method") or loaded.method or echoed(runs, "method").get(
            "method"), metric=metric, space=space,
        runs=runs, config=config, sweep_id=loaded.sweep_id,
        metric_columns=tuple(dict.fromkeys(metric_columns)), warnings=tuple(warnings),
        notes=tuple(notes), where=options.where,
        reading=reading,
    )


def _repeats(runs: pd.DataFrame, params: list[str]) -> str | None:
    """Runs that repeat a configuration (same values of every parameter but replicates) are
    replicates of it: say how many configurations the runs hold."""
    if not params or len(runs) < 2:
        return None
    keys = runs[params].astype(str)
    distinct = len(keys.drop_duplicates())
    if distinct == len(runs):
        return None
    return (f"{len(runs):,} runs hold {distinct:,} distinct configurations (apart from "
            f"replicates): about {len(runs) / distinct:.1f} runs each; runs that repeat a "
            "configuration are replicates of it")


def _metric(loaded: LoadedSweep, runs: pd.DataFrame, config: dict[str, Any] | None,
            options: ReportConfig, data_columns: list[str], roles: Roles,
            origin: str = "the sweep config") -> tuple[Metric, str, str]:
    declared = (config or {}).get("metric") or {}
    source = origin
    if not isinstance(declared, dict) or not declared.get("name"):
        declared, source = echoed(runs, "metric"), "the sweep config echoed in the run config"
    default = loaded.default_metric
    if options.metric:
        name, why = loaded.aliases.get(options.metric, options.metric), "set by --metric"
    elif declared.get("name"):
        name, why = str(declared["name"]), f"the metric of {source}"
    elif default is not None:
        name, why = default[0], f"the objective column of the {loaded.dialect}"
    else:
        name, why = _metric_by_name(loaded, runs, data_columns, roles), \
            "chosen by its name among the columns the runs reported (pass --metric to choose)"
    if name not in runs.columns:
        raise DataError(
            f"metric '{name}' is not a column of {loaded.source}; columns seen: "
            f"{', '.join(data_columns) or 'none'}"
        )
    column = runs[name]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        example = next((v for v in column if v is not None and not isinstance(v, float)), None)
        kind = "true/false" if pd.api.types.is_bool_dtype(column) or isinstance(example, bool) \
            else "not numeric"
        raise DataError(f"metric '{name}' in {loaded.source} is {kind} (e.g. '{example}'): "
                        "pass --metric with a column of numbers")
    if not np.isfinite(column.to_numpy(dtype=float)).any():
        states = ", ".join(f"{n} {s}" for s, n in runs["state"].value_counts().items())
        raise DataError(
            f"no run of {loaded.source} has a finite value of '{name}' ({states}); "
            "check --metric, or wait for runs to finish"
        )
    if options.goal:
        goal, goal_why = options.goal, "set by --goal"
    elif declared.get("name") == name and declared.get("goal"):
        goal, goal_why = declared["goal"], f"from {source}"
    elif default is not None and default[0] == name:
        goal, goal_why = default[1], default[2]
    elif name in loaded.goals:
        goal, goal_why = loaded.goals[name], f"the {loaded.dialect}'s direction for {name}"
    else:
        goal, goal_why = infer_goal(name), "inferred from the name; pass --goal to set it"
    if goal not in ("minimize", "maximize"):
        raise ConfigError(f"sweep config: metric.goal '{goal}' must be minimize or maximize")
    return Metric(name, goal), why, goal_why


def echoed(runs: pd.DataFrame, key: str) -> dict[str, str]:
    """The `metric` (name, goal) or `method` of a sweep config that the training script logged
    as run config (`metric.name`, `metric.goal`, `method` columns), when every run agrees."""
    out = {}
    for column in [c for c in runs.columns if c == key or c.startswith(f"{key}.")]:
        values = {v for v in runs[column] if isinstance(v, str) and v}
        if len(values) == 1:
            out[column.removeprefix(f"{key}.") if column != key else key] = values.pop()
    return out


def _metric_by_name(loaded: LoadedSweep, runs: pd.DataFrame, data_columns: list[str],
                    roles: Roles) -> str:
    """The preferred metric column: validation losses first, then other held-out metrics,
    then losses, in table order; never text, a constant, a counter or a model statistic."""
    candidates = [c for c in roles.metrics if c in runs and not is_counter(c)
                  and not is_derived(c) and _varies_numeric(runs[c])]
    named = [c for c in candidates if looks_like_metric(c)]
    candidates = named or candidates
    texts = [c for c in data_columns if looks_like_metric(c) and c in runs
             and not pd.api.types.is_numeric_dtype(runs[c]) and runs[c].notna().any()
             and not is_counter(c)]
    named_texts = [c for c in texts if c in roles.metrics or c in roles.params]
    best_text = min(named_texts, key=_metric_preference, default=None)
    if best_text is not None and (not candidates or _metric_preference(best_text)
                                  < min(map(_metric_preference, candidates))):
        # the column the names point to is text: never switch silently to another one
        example = next((v for v in runs[best_text] if isinstance(v, str)
                        and not _parses(v)), None)
        raise DataError(f"metric '{best_text}' in {loaded.source} is not numeric (e.g. "
                        f"'{example}'): pass --metric with a column of numbers")
    constant = [c for c in roles.metrics if c in runs and looks_like_metric(c)
                and not is_counter(c) and not _varies_numeric(runs[c])]
    if not candidates and constant:
        raise DataError(f"metric '{constant[0]}' in {loaded.source} has the same value in every "
                        "run: pass --metric to report it anyway, or choose another column")
    if not candidates:
        raise DataError(
            f"cannot tell which column of {loaded.source} is the metric: pass --metric NAME "
            f"(columns: {', '.join(data_columns) or 'none'})"
        )
    return min(candidates, key=lambda c: (_metric_preference(c), candidates.index(c)))


def _parses(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _varies_numeric(values: pd.Series) -> bool:
    """Numbers, not all the same (a column with no value yet passes: the error that follows
    says no run has one)."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    return len(finite) <= 1 or bool(finite.min() != finite.max())


def _with_history_best(runs: pd.DataFrame, loaded: LoadedSweep, metric: Metric) -> pd.DataFrame:
    """Best value of the metric over each run's history (runs read from W&B run files)."""
    hist = loaded.history_best
    column = f"{metric.name}.{'min' if metric.goal == 'minimize' else 'max'}"
    if hist is None or column not in hist or f"{metric.name}.best" in runs:
        return runs
    runs = runs.copy()
    runs[f"{metric.name}.best"] = runs["run_id"].map(hist[column]).to_numpy(dtype=float)
    return runs


def _param_names(loaded: LoadedSweep, declared_space: SearchSpace | None, options: ReportConfig,
                 data_columns: list[str], metric: str, roles: Roles, warnings: list[str],
                 origin: str = "the sweep config") -> tuple[list[str], str]:
    if options.params:
        wanted = [loaded.aliases.get(p, p) for p in options.params]
        missing = [p for p, w in zip(options.params, wanted) if w not in data_columns]
        if missing:
            raise ConfigError(
                f"--params: {', '.join(missing)} not a column of {loaded.source}; "
                f"columns: {', '.join(data_columns)}"
            )
        if metric in wanted:
            raise ConfigError(f"--params names {metric}, the metric: a column is a parameter "
                              "or the metric, not both")
        return wanted, "set by --params"
    if declared_space is not None:
        declared = declared_space.names
        absent = [p for p in declared if p not in data_columns]
        if absent:
            warnings.append(
                f"parameter(s) {', '.join(absent)} of {origin} appear in no run of "
                f"{loaded.source}"
            )
        return [p for p in declared if p in data_columns], f"declared by {origin}"
    return [p for p in roles.params if p != metric], "inferred; pass --params to set them"


def _space(params: list[str], declared: SearchSpace | None, runs: pd.DataFrame, origin: str,
           warnings: list[str], replicates: tuple[str, ...] = ()) -> SearchSpace:
    """The sweep's space: each parameter as the config declares it (levels seen in the runs
    added), else inferred from its values."""
    specs: list[ParamSpec] = []
    for name in params:
        spec = declared.get(name) if declared else None
        if spec is None:
            spec = infer_param(name, runs[name])
        elif spec.kind in ("categorical", "bool"):
            spec = _with_seen_levels(spec, runs[name], origin, warnings)
        elif spec.distribution in ("log_uniform", "q_log_uniform") and spec.low and spec.high \
                and spec.high / spec.low < 1.01:
            warnings.append(
                f"sweep config: parameters.{name} uses {spec.distribution}, whose min and max "
                f"are natural-log exponents: the range is e^min … e^max = "
                f"{spec.low:.6g} … {spec.high:.6g}; for bounds in value units W&B has "
                "log_uniform_values")
        if name in replicates:  # a seed is a label, not a quantity: never a log axis
            spec = dataclasses.replace(spec, replicate=True, scale="linear")
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
