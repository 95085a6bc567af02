"""The data model every stage shares: Sweep, Metric, ParamSpec, SearchSpace (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Run states: W&B's, and "stopped" for a run stopped early on purpose (an Optuna trial pruned, a
#: Ray trial stopped by its scheduler); anything else (preempted, pending, ...) is "other".
STATES = ("finished", "running", "stopped", "crashed", "failed", "killed")
#: Columns every `Sweep.runs` frame has, before the parameter and metric columns.
BASE_COLUMNS = ("run_id", "name", "state", "created_at", "finished_at", "runtime_s")
KINDS = ("float", "int", "categorical", "bool", "constant")


@dataclass(frozen=True)
class Metric:
    """The objective of a sweep: a column name and whether smaller or larger is better."""

    name: str
    goal: str = "minimize"  # minimize | maximize

    @property
    def sign(self) -> float:
        """+1 when smaller is better, -1 when larger is better."""
        return 1.0 if self.goal == "minimize" else -1.0


@dataclass(frozen=True)
class ParamSpec:
    """One hyperparameter: its kind, scale, bounds in value units and declared levels."""

    name: str
    kind: str  # one of KINDS
    scale: str = "linear"  # linear | log
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] = ()
    distribution: str | None = None  # the W&B distribution name, or None when inferred
    declared: bool = False
    #: the distribution's own numbers: mu/sigma (normal), a/b (beta), q, probabilities
    prior: tuple[tuple[str, Any], ...] = ()
    #: a seed or fold: repeats of a configuration, shown but never narrowed or put on a log axis
    replicate: bool = False

    def prior_value(self, key: str, default: Any = None) -> Any:
        """A parameter of the declared distribution (mu, sigma, q, probabilities ...)."""
        return dict(self.prior).get(key, default)


@dataclass(frozen=True)
class SearchSpace:
    """The ordered parameters of a sweep; `inferred` when no sweep config declared them."""

    params: tuple[ParamSpec, ...] = ()
    inferred: bool = True

    @property
    def names(self) -> list[str]:
        """The parameters' names, in config order."""
        return [p.name for p in self.params]

    def get(self, name: str) -> ParamSpec | None:
        """The parameter called `name`, or None."""
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Reading:
    """How a sweep's table was read: the dialect, why this metric, goal and parameters, and
    each column left out with its reason (the "Read ... as" line, the report's "How this
    report read the data", the JSON's `reading`)."""

    dialect: str = "table"
    metric_why: str = ""
    goal_why: str = ""
    params_why: str = ""
    left_out: tuple[tuple[str, str], ...] = ()  # (column, reason)
    replicates: tuple[str, ...] = ()
    varying: int | None = None  # how many of the parameters vary among the runs

    def line(self, source: str, metric: Metric, params: list[str]) -> str:
        """One sentence for stderr: `Read runs.csv (...) as: metric ...; N parameters; ...`."""
        parts = [f"metric {metric.name} ({metric.goal}, {self.goal_why})",
                 f"{len(params)} parameter(s) ({self.params_why})"]
        if self.varying is not None and self.varying < len(params):
            parts[-1] = (f"{len(params)} parameter(s), {self.varying} varying "
                         f"({self.params_why})")
        if self.replicates:
            parts.append(f"replicates: {', '.join(self.replicates)}")
        if self.left_out:
            shown = [", ".join(cs[:4]) + (f" and {len(cs) - 4} more" if len(cs) > 4 else "")
                     + f" ({why})" for why, cs in self.left_out_by_reason().items()]
            parts.append("left out: " + "; ".join(shown))
        return f"Read {source} ({self.dialect}) as: " + "; ".join(parts)

    def left_out_by_reason(self) -> dict[str, list[str]]:
        """The columns left out, grouped by reason, in the order first seen."""
        groups: dict[str, list[str]] = {}
        for column, why in self.left_out:
            groups.setdefault(why, []).append(column)
        return groups


@dataclass(frozen=True, eq=False)
class Sweep:
    """One sweep, ready for analysis: runs in a DataFrame, one row per run."""

    name: str
    source: str
    method: str | None
    metric: Metric
    space: SearchSpace
    runs: pd.DataFrame
    config: dict[str, Any] | None = None
    sweep_id: str | None = None
    metric_columns: tuple[str, ...] = ()  # every metric-like column, the objective first
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # how things were decided (inference rules used, filters)
    where: str | None = None
    reading: Reading = Reading()  # how the source's columns were read

    @property
    def reading_line(self) -> str:
        """How the sweep was read, in one line for the terminal."""
        return self.reading.line(self.source, self.metric, self.param_names)

    @property
    def param_names(self) -> list[str]:
        """The parameters' names, in config order."""
        return self.space.names


@dataclass
class LoadedSweep:
    """What a source returns: the runs as read, and whatever the source knows for sure.

    `param_names`/`metric_names` are set when the source can tell config from summary columns
    (a W&B run's config vs its summary, Optuna's `params_*`); `None` leaves it to the rules of
    `reportgen.roles`, which also drop what no sweep sets from `param_names`.
    """

    name: str
    source: str
    runs: pd.DataFrame
    sweep_id: str | None = None
    method: str | None = None
    config: dict[str, Any] | None = None
    param_names: list[str] | None = None
    metric_names: list[str] | None = None
    history_best: pd.DataFrame | None = None  # index run_id; columns "<key>.min"/"<key>.max"
    dialect: str = "table"  # what the source read, named in the "Read ... as" line
    bookkeeping: frozenset[str] = frozenset()  # the dialect's own columns: never parameters
    aliases: dict[str, str] = field(default_factory=dict)  # a column's name as given → ours
    default_metric: tuple[str, str, str] | None = None  # (name, goal, why), e.g. Optuna's value
    goals: dict[str, str] = field(default_factory=dict)  # metric → goal the source declares
    config_origin: str = "the sweep config"  # what `config` was read from, in the reading line
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
