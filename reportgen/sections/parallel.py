"""The parallel coordinates as the page receives them: which axes, in which order, each run's
place on each axis, the run table's columns in compact form, colours and top sets; the caption
and the constants listed beside the plot. Pure: `reportgen.plots.parallel` draws it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reportgen.diagnostics.facts import TOP_CHOICES, Facts
from reportgen.errors import ConfigError
from reportgen.formatting import fmt_number, fmt_value
from reportgen.model import Sweep
from reportgen.sections.axes import MISSING_Y, Axis, make_axis, scales

#: above this many runs the selection is applied when the drag ends, not at every move
LIVE_BRUSH_RUNS = 10000
#: selections up to this many runs are drawn as lines, every one
CRISP_RUNS = 2000
#: larger selections are drawn as a density, with their best LOD_LINES runs as lines on top
LOD_LINES = 200
#: at most this many columns can be axes in the page (drawn, or listed to be added)
MAX_AXES = 48


@dataclass(frozen=True)
class ParallelInput:
    """Everything the plot draws, already decided by the analysis; runs in table order (best
    first, then runs without a value)."""

    axes: tuple[Axis, ...]  # the drawn axes in order, then the ones the reader can add
    shown: int  # how many of `axes` are drawn when the page opens
    columns: dict[str, object]  # the run source: table fields, then compact columns (below)
    coded: dict[str, list[str]]  # fields sent as level codes (0 = missing), decoded in the page
    table_columns: tuple[tuple[str, str, str], ...]  # (field, title, kind)
    axis_info: tuple[dict, ...]  # per axis, what the page needs to place and label its runs
    metric: str
    goal: str
    colour_ticks: dict[float, str]  # colour-bar position → metric value there
    top_levels: dict[str, int]  # top-k choice → its level in `_t` (runs with 1 ≤ _t ≤ level)
    group_names: tuple[str, ...] = ()  # sweeps, when several are compared
    colour: str = "metric"  # how lines are coloured as the page opens (the colour choice)

    @property
    def n(self) -> int:
        """How many runs the plot draws."""
        return len(self.columns["name"])  # type: ignore[arg-type]



@dataclass(frozen=True)
class ParallelView:
    """The caption above the plot, the constants beside it (name, value), and the plot's data."""

    caption: str
    constants: tuple[tuple[str, str], ...]
    data: ParallelInput = field(compare=False, repr=False)


def parallel(sweep: Sweep, known: Facts, axes: list[str]) -> ParallelView:
    """The parallel-coordinates section of one sweep on the chosen `axes`; its caption names
    the report's top set, which the page's "top" choice highlights."""
    drawn = len(sweep.runs)
    if drawn <= CRISP_RUNS:
        caption = (f"{drawn:,} runs on {len(axes)} axes; colour: {sweep.metric.name}, best "
                   "runs drawn on top.")
    else:
        caption = (f"{drawn:,} runs on {len(axes)} axes: more than {CRISP_RUNS:,} selected "
                   f"runs are drawn as a density (colour: the mean {sweep.metric.name} rank of "
                   f"the runs through each pixel), with the best {LOD_LINES} as lines on top; "
                   f"a selection of up to {CRISP_RUNS:,} runs is drawn line by line.")
    caption += (" Drag along an axis to select a range (drag inside it to move it, on its edge "
                "to resize it); double-click an axis to clear it; drag an axis's title to move "
                "the axis, click it to invert, rescale or hide the axis with the toolbar; type "
                f"a filter such as “{sweep.metric.name} < 0.5 and state == finished”, or a run's "
                f"name, and press Enter. The “top {known.top_fraction:.0%}” highlight is the "
                f"best-region top set ({len(known.top):,} runs).")
    constants = tuple((name, fmt_value(v)) for name, v in known.constants.items())
    return ParallelView(caption, constants, parallel_input(sweep, known, axes))


def choose_axes(sweep: Sweep, known: Facts, requested: tuple[str, ...] | None,
                order: list[str] | None = None) -> list[str]:
    """`--axes` as given (checked), else every varying parameter — most important first when
    an importance `order` is given, else in config order; replicates (seeds, folds) last —
    then the metric."""
    if requested:
        columns = set(sweep.runs.columns)
        unknown = [a for a in requested if a not in columns]
        if unknown:
            raise ConfigError(
                f"--axes: {', '.join(unknown)} not a column of {sweep.source}; columns: "
                f"{', '.join(c for c in sweep.runs.columns if c not in ('run_id', 'name'))}"
            )
        return list(requested)
    params = [p for p in sweep.param_names if p not in known.constants]
    if order:
        rank = {name: i for i, name in enumerate(order)}
        params.sort(key=lambda p: rank.get(p, len(rank)))
    replicate = {s.name for s in sweep.space.params if s.replicate}
    params.sort(key=lambda p: p in replicate)  # stable: the order above holds otherwise
    return params + [sweep.metric.name]


def parallel_input(sweep: Sweep, known: Facts, axes: list[str], group: str | None = None
                   ) -> ParallelInput:
    """Runs in table order (best first, then runs without a value) as compact columns: the
    table's fields, what places each run on each axis (`_axis_info`), top sets (`_t`) and
    sweep (`_g`). The axes are `axes` (drawn), then every other metric and parameter (the
    reader can add them in the page). Little per-run Python: 100,000 runs take a fraction of
    a second."""
    n = len(sweep.runs)
    order = known.table_order
    runs = sweep.runs.iloc[order].reset_index(drop=True)
    specs = {p.name: p for p in sweep.space.params}
    names = list(dict.fromkeys(axes + _more_axes(sweep, known, axes)))[:max(MAX_AXES, len(axes))]
    built = tuple(make_axis(a, runs[a], specs.get(a), a in sweep.metric_columns) for a in names)
    fields = _table_spec(sweep, known)
    columns: dict[str, object] = {}
    coded: dict[str, list[str]] = {}
    for name, _, kind in fields:
        columns[name], levels = _compact(runs[name], kind, unique_text=name == "name")
        if levels is not None:
            coded[name] = levels
    if "run_id" in runs and (runs["run_id"].astype(str) != runs["name"].astype(str)).any():
        columns["run_id"] = [fmt_value(v) for v in runs["run_id"]]  # for the copy and CSV
    info = [_axis_info(j, axis, runs[axis.name], columns, coded)
            for j, axis in enumerate(built)]
    signed = runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    ticks = _colour_ticks(signed, sweep.metric.sign)
    position = np.empty(n, dtype=int)
    position[order] = np.arange(n)  # each row's place in table order
    top = np.zeros(n, dtype=np.uint8)
    levels_of = {}
    for level in range(len(TOP_CHOICES), 0, -1):  # the smaller sets overwrite the larger
        top[position[known.tops[TOP_CHOICES[level - 1]]]] = level
        levels_of[str(TOP_CHOICES[level - 1])] = level
    columns["_t"] = top
    group_names: tuple[str, ...] = ()
    if group:
        group_names = tuple(dict.fromkeys(str(v) for v in sweep.runs[group].unique()))
        codes = pd.Categorical(runs[group].astype(str), categories=list(group_names)).codes
        columns["_g"] = codes.astype(np.uint8)
    # a comparison opens coloured by sweep; a multi-objective study by its Pareto front
    colour = "sweep" if group_names else "c:pareto" if "pareto" in names and \
        "pareto" != sweep.metric.name else "metric"
    return ParallelInput(axes=built, shown=len(axes), columns=columns, coded=coded,
                         table_columns=fields, axis_info=tuple(info), metric=sweep.metric.name,
                         goal=sweep.metric.goal, colour_ticks=ticks, top_levels=levels_of,
                         group_names=group_names, colour=colour)


def _more_axes(sweep: Sweep, known: Facts, axes: list[str]) -> list[str]:
    """The columns the reader can add as axes: every metric, the varying parameters, then
    the constants (a constant's axis is one level, but the reader may want to see it)."""
    drawn = set(axes)
    varying = [p for p in sweep.param_names if p not in known.constants]
    return [c for c in dict.fromkeys([*sweep.metric_columns, *varying, *known.constants])
            if c not in drawn and c in sweep.runs and sweep.runs[c].notna().any()]


def _axis_info(j: int, axis: Axis, values: pd.Series, columns: dict[str, object],
               coded: dict[str, list[str]]) -> dict:
    """How the page places and labels axis `j`'s runs. A categorical axis: each run's level
    (`_l<j>`, 1-based in the axis's order, 0 = missing) and the levels' labels. A numeric
    axis: the column holding its values (the table's own, else `_v<j>`, float64) and its
    scales (sections.axes.scales); the page computes positions, so no axis ships them."""
    info: dict = {"name": axis.name, "kind": axis.kind}
    if axis.kind == "categorical":
        levels = len(axis.tick_labels)
        code = np.zeros(len(values), dtype=np.uint8 if levels < 255 else np.uint16)
        present = axis.positions != MISSING_Y
        at = axis.positions[present] * (levels - 1) if levels > 1 else np.zeros(present.sum())
        code[present] = 1 + np.round(at).astype(code.dtype)
        columns[f"_l{j}"] = code
        info.update(field=f"_l{j}", labels=list(axis.tick_labels))
        return info
    if axis.name in columns and axis.name not in coded:
        info["field"] = axis.name
    else:
        columns[f"_v{j}"] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        info["field"] = f"_v{j}"
    info["scales"] = scales(axis, values)
    return info


def _compact(values: pd.Series, kind: str, unique_text: bool = False
             ) -> tuple[object, list[str] | None]:
    """One table column as the page receives it: numbers as float32 where that holds them
    exactly (else float64), times as epoch milliseconds, text with
    few distinct values as level codes (0 = missing) plus the levels, other text as is."""
    if kind == "time":
        stamps = pd.to_datetime(values, utc=True, errors="coerce")
        missing = stamps.isna().to_numpy()
        ms = stamps.to_numpy(dtype="datetime64[ms]").astype(np.int64).astype(np.float64)
        return np.where(missing, np.nan, ms), None
    if kind in ("number", "sci"):
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        return (numbers.astype(np.float32) if _float32_exact(numbers) else numbers), None
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    if unique_text or len(uniques) >= min(65535, max(len(values) // 2, 1)):
        texts = [fmt_value(u) for u in uniques]
        return [None if c < 0 else texts[c] for c in codes], None
    dtype = np.uint8 if len(uniques) < 255 else np.uint16
    return (codes + 1).astype(dtype), [fmt_value(u) for u in uniques]


def _float32_exact(numbers: np.ndarray) -> bool:
    """float32 only where it holds every value exactly (whole numbers up to 2**24, halves,
    quarters, …): the page's CSV export writes the values themselves, not float32's digits."""
    finite = numbers[np.isfinite(numbers)]
    return bool(np.all(finite.astype(np.float32).astype(np.float64) == finite))


def _colour_ticks(signed: np.ndarray, sign: float) -> dict[float, str]:
    """The colour bar as the page opens (every run): the metric at five ranks, the best at
    the top (1). The page colours each run by its rank among the runs selected."""
    values = signed[np.isfinite(signed)]
    if not len(values):
        return {}
    return {t: fmt_number(float(np.quantile(values, 1 - t)) * sign, 3)
            for t in (0.0, 0.25, 0.5, 0.75, 1.0)}


def _table_spec(sweep: Sweep, known: Facts) -> tuple[tuple[str, str, str], ...]:
    """The run table's columns: run, state, metrics, the varying parameters (constants are
    listed beside the plot, not repeated in every row), creation time and runtime."""
    runs = sweep.runs
    cols = [("name", "run", "text"), ("state", "state", "text")]
    if "tags" in runs and runs["tags"].notna().any():
        cols.append(("tags", "tags", "text"))
    for c in list(sweep.metric_columns) + [p for p in sweep.param_names
                                           if p not in known.constants]:
        spec = sweep.space.get(c)
        cols.append((c, c, _number_kind(runs[c], spec is not None and spec.scale == "log")))
    cols += [(c, title, kind) for c, title, kind in
             (("created_at", "created (UTC)", "time"), ("runtime_s", "runtime (s)", "number"))
             if runs[c].notna().any()]  # columns the source did not have stay out
    return tuple(dict.fromkeys(cols))


def _number_kind(values: pd.Series, log: bool) -> str:
    """text, number, or sci: log-scaled parameters and columns of tiny or huge numbers."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    magnitude = np.abs(values.to_numpy(dtype=float))
    magnitude = magnitude[np.isfinite(magnitude) & (magnitude > 0)]
    if not len(magnitude):
        return "number"
    return "sci" if log or magnitude.max() < 1e-3 or magnitude.max() >= 1e6 else "number"
