"""The facts of a sweep that every later stage reads, worked out once: the evaluated runs, the
ranking, the top set of each offered fraction, the varying and the constant parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from reportgen.levels import varies
from reportgen.model import ParamSpec, Sweep

#: the top fractions the page offers (its "top k%" choice); the report's own is added
TOP_CHOICES = (0.05, 0.1, 0.25)
#: the top set holds at least this many runs, whatever the fraction
TOP_MIN = 5
#: fewer evaluated runs: the report describes and concludes nothing
DESCRIBE_ONLY = 10
#: fewer evaluated runs: results are labelled low confidence
LOW_CONFIDENCE = 30


@dataclass(frozen=True)
class Facts:
    """Rows are positions in `sweep.runs` (not the proposal order of `Prepared`)."""

    signed: np.ndarray  # the metric × its sign (smaller is better); NaN without a value
    evaluated: np.ndarray  # bool: finished with a finite metric
    order: np.ndarray  # rows with a finite metric, best first; ties keep run order
    table_order: np.ndarray  # `order`, then the rows without a value (the run table's order)
    top_fraction: float  # the report's top set (--top-fraction's kind of choice)
    tops: dict[float, np.ndarray]  # each offered fraction → the rows of its top set
    varying: tuple[ParamSpec, ...]  # the parameters analysed and drawn
    constants: dict[str, Any]  # the others: name → the one value (None if never set)

    @property
    def top(self) -> np.ndarray:
        """The rows of the report's top set."""
        return self.tops[self.top_fraction]

    @property
    def n_evaluated(self) -> int:
        """How many runs every analysis rests on."""
        return int(self.evaluated.sum())

    @property
    def confidence(self) -> str:
        """describe (too few runs to conclude), low, or normal."""
        return confidence_for(self.n_evaluated)

    def best_row(self) -> int | None:
        """The best finished run with a value (the best run with a value when none finished),
        or None when no run has one."""
        finished = self.order[self.evaluated[self.order]]
        ranked = finished if len(finished) else self.order
        return int(ranked[0]) if len(ranked) else None

    def top_rule(self) -> str:
        """How the top set is chosen, in words: "max(10%, 5)"."""
        return f"max({self.top_fraction:.0%}, {TOP_MIN})"


def facts(sweep: Sweep, top_fraction: float = 0.1) -> Facts:
    """The facts of `sweep`, with its top set at `top_fraction`."""
    signed = sweep.runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    finite = np.flatnonzero(np.isfinite(signed))
    order = finite[np.argsort(signed[finite], kind="stable")]
    unranked = np.setdiff1d(np.arange(len(signed)), order, assume_unique=True)
    evaluated = (sweep.runs["state"].to_numpy() == "finished") & np.isfinite(signed)
    ranked = np.where(evaluated, signed, np.nan)
    tops = {f: top_set(ranked, f) for f in sorted({*TOP_CHOICES, top_fraction})}
    varying, constants = [], {}
    for spec in sweep.space.params:
        values = sweep.runs[spec.name]
        if varies(spec, values):
            varying.append(spec)
        else:
            present = values.dropna()
            constants[spec.name] = present.iloc[0] if len(present) else (
                spec.levels[0] if spec.levels else None)
    return Facts(signed, evaluated, order, np.concatenate([order, unranked]).astype(int),
                 top_fraction, tops, tuple(varying), constants)


def confidence_for(n_evaluated: int) -> str:
    """describe below DESCRIBE_ONLY evaluated runs, low below LOW_CONFIDENCE, else normal."""
    if n_evaluated < DESCRIBE_ONLY:
        return "describe"
    return "low" if n_evaluated < LOW_CONFIDENCE else "normal"


def top_count(n_ranked: int, fraction: float) -> int:
    """The top set's size: max(fraction of the ranked runs, TOP_MIN), never more than there
    are."""
    return min(n_ranked, max(TOP_MIN, math.ceil(fraction * n_ranked)))


def top_set(signed: np.ndarray, fraction: float) -> np.ndarray:
    """Indices of the top runs among `signed` (smaller is better, NaN = not evaluated): the
    best max(fraction, TOP_MIN) of the evaluated runs, every run tied with the last one
    included."""
    ok = np.flatnonzero(np.isfinite(signed))
    if not len(ok):
        return ok
    k = top_count(len(ok), fraction)
    threshold = np.sort(signed[ok])[k - 1]
    return ok[signed[ok] <= threshold]
