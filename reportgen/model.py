"""The data model every stage shares: Sweep, Metric, ParamSpec, SearchSpace (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Run states W&B uses; anything else (preempted, pending, ...) is counted as "other".
STATES = ("finished", "running", "crashed", "failed", "killed")
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

    def prior_value(self, key: str, default: Any = None) -> Any:
        return dict(self.prior).get(key, default)

    def to_json(self) -> dict[str, Any]:
        """The `params[]` entry of the JSON document."""
        return {
            "name": self.name,
            "kind": self.kind,
            "scale": self.scale,
            "low": self.low,
            "high": self.high,
            "levels": list(self.levels) if self.levels else None,
            "distribution": self.distribution,
            "declared": self.declared,
        }


@dataclass(frozen=True)
class SearchSpace:
    """The ordered parameters of a sweep; `inferred` when no sweep config declared them."""

    params: tuple[ParamSpec, ...] = ()
    inferred: bool = True

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def get(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


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

    @property
    def param_names(self) -> list[str]:
        return self.space.names


@dataclass
class LoadedSweep:
    """What a source returns: the runs as read, and whatever the source knows for sure.

    `param_names`/`metric_names` are set when the source can tell parameters from metrics
    (a W&B run's config vs its summary); `None` leaves it to the documented inference.
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
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
