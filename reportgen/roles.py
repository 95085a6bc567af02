"""Which column is what: parameter, metric, replicate, or left out (and why).

General rules over any runs table, whatever tracker wrote it (README, "How reportgen reads a
table"). A source that knows which columns came from the run's config (`LoadedSweep.param_names`)
narrows the candidates; these rules still drop what no sweep sets: tracker bookkeeping,
identifiers, pandas index columns, file paths, links, time stamps, an echoed sweep config, and
list/dict cells with more distinct values than a sweep would try. A text or constant column is
never a metric.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns a tracker adds to a runs table (any dialect), never parameters.
BOOKKEEPING = frozenset({
    # W&B runs-table export, default and extended columns
    "Agent", "Stopped", "GitHub", "Hostname", "GPU Type", "GPU Count", "Updated", "End Time",
    "ID", "Commit", "Job Type", "Sweep", "Notes", "User", "Tags", "Group", "Created", "Runtime",
    "State", "Name", "Host", "OS", "Python", "CPU Count", "Heartbeat", "Git", "Program",
    # generic names of the same things
    "hostname", "host", "node_ip", "pid", "user", "notes", "tags", "group", "job_type",
    "commit", "git_commit", "github", "updated", "heartbeat_at",
})
_INDEX = re.compile(r"^(Unnamed: \d+(\.\d+)*|index|level_\d+)$")
#: The keys of a W&B sweep config, when a training script logs the sweep config as run config.
_ECHO = re.compile(r"^(method|program|run_cap|command|metric\..+|parameters\..+|"
                   r"early_terminate\..+|controller\..+)$")
_METRIC_WORDS = {"loss", "acc", "accuracy", "error", "err", "score", "f1", "auc", "auroc",
                 "reward", "perplexity", "ppl", "mse", "mae", "rmse", "rmspe", "mape", "nll",
                 "bleu", "rouge", "precision", "recall", "map", "iou", "miou", "dice", "return",
                 "metric", "objective", "r2", "wer", "cer", "fid", "psnr", "ssim", "kl",
                 "entropy", "time", "duration", "throughput", "latency", "memory", "mem", "mb",
                 "gb", "elapsed", "runtime", "value", "values", "result", "gap", "regret",
                 "losses", "scores", "rewards", "errors", "accuracies", "returns", "metrics",
                 "results"}
#: A last word that makes a name a setting even when a metric word precedes it (loss_weight).
_SETTING_WORDS = {"weight", "weights", "coef", "coeff", "coefficient", "scale", "factor", "rate",
                  "lr", "alpha", "beta", "gamma", "lambda", "temperature", "temp", "margin",
                  "type", "kind", "fn", "function", "threshold", "clip", "ratio", "eps",
                  "epsilon", "momentum", "decay", "size", "dim", "mode", "name", "budget",
                  "limit", "patience", "interval", "freq", "frequency", "steps", "epochs",
                  "iters", "every", "target", "norm", "window", "delta", "penalty", "bins"}
_PREFIXES = ("val", "valid", "validation", "train", "test", "eval", "dev", "best", "final")
_COUNTERS = {"epoch", "step", "iter", "iteration", "global_step", "steps_done"}
_SETTING_PREFIX = {"max", "min", "num", "n", "nr", "total", "warmup", "early", "start", "end",
                   "stop", "decay", "eval", "save", "log", "patience", "every", "per", "first",
                   "last", "freeze", "unfreeze", "lr", "cosine", "restart"}
_DERIVED = re.compile(r"^(n|num|number_of|total|trainable|model)_?(params|parameters|weights)$|"
                      r"^(param|params|parameter)_?(count|size|num)$|^(model_size|flops|macs|"
                      r"gflops|num_flops)$")
_REPLICATE_WORDS = {"seed", "fold", "replicate", "repeat", "repetition", "rep", "random_state",
                    "randomstate", "rng"}
#: More distinct list/dict values than this is not a setting a sweep tries.
MAX_STRUCTURED_LEVELS = 20
#: More distinct text values than this is not a categorical setting.
MAX_TEXT_LEVELS = 50
_PATH = re.compile(r"^(~|\.{1,2})?[/\\]|^[A-Za-z]:[\\/]|^[^\s/]+(/[^\s/]+){2,}/?$|"
                   r"\.(pth?|pt|ckpt|h5|hdf5|pkl|pickle|npz|npy|json|ya?ml|csv|tsv|txt|bin|"
                   r"safetensors|onnx|tar|gz|zip|parquet|log)$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T _]\d{2}[:-]\d{2}([:-]\d{2}(\.\d+)?)?)?"
                   r"(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class Roles:
    """The roles of a table's data columns, with the reason for each column left out."""

    params: tuple[str, ...]
    metrics: tuple[str, ...]
    replicates: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]  # (column, reason)


def tokens(name: str) -> list[str]:
    """A column name's lower-case words: "val/Loss_2" → ["val", "loss", "2"]."""
    return [t for t in re.split(r"[^a-z0-9]+", name.lower()) if t]


def looks_like_metric(column: str) -> bool:
    """By name: `a/b` (a logging namespace), `val_*`/`train_*`/`best_*`..., or a metric word
    (loss, acc, score, ...) unless the last word makes it a setting (`loss_weight`)."""
    if "/" in column:
        return True
    words = tokens(column)
    if not words:
        return False
    if words[-1] in _SETTING_WORDS and words[-1] not in _METRIC_WORDS:
        return False
    return words[0] in _PREFIXES or bool(set(words) & _METRIC_WORDS) or is_counter(column)


def is_counter(column: str) -> bool:
    """A progress counter a run reports (`epoch`, `_step`, `trainer/global_step`), not a setting
    such as `max_epoch` or `warmup_steps`."""
    words = tokens(column)
    if not words or words[-1] not in _COUNTERS and "_".join(words[-2:]) not in _COUNTERS:
        return False
    return len(words) == 1 or words[-2] not in _SETTING_PREFIX


def is_derived(column: str) -> bool:
    """A quantity computed from the settings (a model's parameter count), not a setting."""
    return bool(_DERIVED.match("_".join(tokens(column))))


def is_replicate(column: str) -> bool:
    """Seeds and folds: repeats of one configuration, never narrowed by a next sweep."""
    words = tokens(column)
    if not words:
        return False
    joined = "_".join(words)
    if joined in _REPLICATE_WORDS:
        return True
    if words[0] in ("n", "num", "k", "nr", "number") or words[-1] in ("folds", "seeds"):
        return False  # how many folds or seeds: a setting
    return bool(set(words) & {"seed", "fold", "replicate"})


def echoed_sweep_config(columns: list[str]) -> set[str]:
    """The columns of a sweep config logged as run config (`parameters.lr.min`, `method`, ...):
    recognised only when the table holds `parameters.*` next to `method` or `metric.*`."""
    has_parameters = any(c.startswith("parameters.") for c in columns)
    has_head = any(c == "method" or c.startswith("metric.") for c in columns)
    if not (has_parameters and has_head):
        return set()
    return {c for c in columns if _ECHO.match(c)}


def left_out_reason(column: str, values: pd.Series, run_names: pd.Series | None,
                    bookkeeping: frozenset[str] = frozenset()) -> str | None:
    """Why `column` can be no parameter (nor metric), or None."""
    if column.strip() == "" or _INDEX.match(column):
        return "a pandas index column"
    if column in BOOKKEEPING or column in bookkeeping or column.startswith("_"):
        return "tracker bookkeeping"
    if "wandb" in tokens(column) or "mlflow" in tokens(column):
        return "a tracker setting"
    present = values.dropna()
    if not len(present):
        return None
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    text = present[present.map(lambda v: isinstance(v, str))]
    if len(text) < 0.8 * len(present):
        return None  # booleans or numbers with stray text: a setting
    share = (lambda rx: float(text.str.match(rx).mean()))  # noqa: E731
    if share(_URL) >= 0.8:
        return "a link"
    if share(_TIME) >= 0.9:
        return "a time stamp"
    if share(_PATH) >= 0.8:
        return "a file path"
    if run_names is not None and len(present) >= 2:
        same = values.astype(object).eq(run_names.astype(object)) & values.notna()
        if same.sum() >= 0.9 * len(present):
            return "an identifier: equal to the run name"
    distinct = text.nunique()
    structured = float(text.str.match(r"^\s*[\[{]").mean()) >= 0.5
    if structured and distinct > MAX_STRUCTURED_LEVELS:
        return f"lists or dicts, {distinct:,} distinct: more than a sweep tries"
    if len(text) >= 8 and distinct == len(text) and distinct == len(values):
        return "an identifier: a different text in every run"
    if distinct > MAX_TEXT_LEVELS:
        return f"{distinct:,} distinct texts: more than a sweep tries"
    if float(text.str.len().mean()) > 300:
        return "long free text"
    return None


def assign(runs: pd.DataFrame, columns: list[str], config_columns: list[str] | None = None,
           metric_columns: list[str] | None = None,
           bookkeeping: frozenset[str] = frozenset()) -> Roles:
    """Roles of `columns` (the data columns of `runs`, in table order).

    `config_columns`/`metric_columns`: what the source knows came from the run's config and
    summary; None leaves the split to the columns' names and values."""
    names = runs["name"] if "name" in runs else None
    echoed = echoed_sweep_config(columns)
    left: list[tuple[str, str]] = []
    params: list[str] = []
    metrics: list[str] = []
    for column in columns:
        if column in echoed:
            left.append((column, "the sweep config, echoed into the run config"))
            continue
        reason = left_out_reason(column, runs[column], names, bookkeeping)
        if reason:
            left.append((column, reason))
            continue
        numeric = _is_number(runs[column])
        if config_columns is not None and column in config_columns:
            (metrics if numeric and is_derived(column) else params).append(column)
        elif metric_columns is not None and column in metric_columns:
            if numeric:
                metrics.append(column)
            elif config_columns is None:
                left.append((column, "a text value the run reported, not a setting"))
            else:
                left.append((column, "text in the run's summary: neither a setting nor a "
                                     "number to rank by"))
        elif config_columns is not None or metric_columns is not None:
            left.append((column, "neither config nor summary"))
        elif not numeric:
            params.append(column)  # text is never a metric
        elif is_derived(column) or looks_like_metric(column):
            metrics.append(column)
        else:
            params.append(column)
    replicates = tuple(p for p in params if is_replicate(p))
    return Roles(tuple(params), tuple(metrics), replicates, tuple(left))


def _is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def split_sorted_blocks(columns: list[str], is_text: Callable[[str], bool]) -> int | None:
    """W&B's runs-table export writes the config columns sorted, then the summary columns
    sorted: one place where the order falls back is the border. None when the order says
    nothing (no fall, several falls, or text after the border: the user chose the columns)."""
    falls = [i for i in range(1, len(columns)) if columns[i] < columns[i - 1]]
    if len(falls) != 1:
        return None
    border = falls[0]
    if any(is_text(c) for c in columns[border:]):
        return None
    return border


def summary_block_start(columns: list[str], runs: pd.DataFrame) -> int | None:
    """A pandas dump of `wandb.Api().runs` writes config keys, then summary keys with W&B's
    own `_step`/`_runtime`/`_timestamp` among them: the summary starts at the first of those,
    walked back over the columns that look measured (metric names, unrounded numbers)."""
    marks = [i for i, c in enumerate(columns) if c in ("_step", "_runtime", "_timestamp")]
    if not marks:
        return None
    start = marks[0]
    while start > 0 and _looks_measured(columns[start - 1], runs[columns[start - 1]]):
        start -= 1
    return start


def _looks_measured(column: str, values: pd.Series) -> bool:
    if not _is_number(values):
        return False
    if looks_like_metric(column) or is_derived(column):
        return True
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite) & (finite != 0)]
    if not len(finite):
        return False
    digits = significant_digits(finite)
    return bool(np.mean(digits > 4) >= 0.5)


def significant_digits(values: np.ndarray) -> np.ndarray:
    """How many significant digits each value needs (at most 17)."""
    out = np.empty(len(values), dtype=int)
    for i, v in enumerate(values[:2000]):
        mantissa = f"{abs(float(v)):.17g}"
        for digits in range(1, 18):
            if float(f"{abs(float(v)):.{digits}g}") == abs(float(v)):
                out[i] = digits
                break
        else:
            out[i] = len(mantissa)
    return out[: min(len(values), 2000)]
