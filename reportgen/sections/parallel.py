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
from reportgen.sections.axes import MISSING_Y, Axis, make_axis

#: above this many runs the selection is applied when the drag ends, not at every move
LIVE_BRUSH_RUNS = 10000
#: selections up to this many runs are drawn as lines, every one
CRISP_RUNS = 2000
#: larger selections are drawn as a density, with their best LOD_LINES runs as lines on top
LOD_LINES = 200



@dataclass(frozen=True)
class ParallelInput:
    """Everything the plot draws, already decided by the analysis; runs in table order (best
    first, then runs without a value)."""

    axes: tuple[Axis, ...]
    columns: dict[str, object]  # the run source: table fields, then compact columns (below)
    coded: dict[str, list[str]]  # fields sent as level codes (0 = missing), decoded in the page
    table_columns: tuple[tuple[str, str, str], ...]  # (field, title, kind)
    tips: tuple[dict, ...]  # per axis, how the page writes a run's value in the tooltip
    metric: str
    goal: str
    colour_ticks: dict[float, str]  # colour-bar position → metric value there
    top_levels: dict[str, int]  # top-k choice → its level in `_t` (runs with 1 ≤ _t ≤ level)
    group_names: tuple[str, ...] = ()  # sweeps, when several are compared

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
                "to resize it); double-click an axis to clear it; type a filter such as "
                f"“{sweep.metric.name} < 0.5 and state == finished” and press Enter. The "
                f"“top {known.top_fraction:.0%}” highlight is the best-region top set "
                f"({len(known.top):,} runs).")
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
    table's fields, each axis's positions (`_p<j>`, uint16), each run's colour (`_c`), top
    sets (`_t`) and sweep (`_g`). No per-run Python: 100,000 runs take a fraction of a second."""
    n = len(sweep.runs)
    order = known.table_order
    runs = sweep.runs.iloc[order].reset_index(drop=True)
    specs = {p.name: p for p in sweep.space.params}
    built = tuple(make_axis(a, runs[a], specs.get(a), a in sweep.metric_columns) for a in axes)
    fields = _table_spec(sweep, known)
    columns: dict[str, object] = {}
    coded: dict[str, list[str]] = {}
    for name, _, kind in fields:
        columns[name], levels = _compact(runs[name], kind, unique_text=name == "name")
        if levels is not None:
            coded[name] = levels
    tips: list[dict] = []
    for j, axis in enumerate(built):
        columns[f"_p{j}"] = _positions16(axis.positions)
        # how the page writes a run's value (tooltip) and a brush's ends (labels on its axis)
        if axis.kind == "categorical":
            tips.append({"labels": list(axis.tick_labels)})
        elif axis.name in columns and axis.name not in coded:
            tips.append({"field": axis.name, "span": list(axis.span),
                         "log": axis.kind == "log"})
        else:
            columns[f"_v{j}"] = pd.to_numeric(runs[axis.name], errors="coerce").to_numpy(
                dtype=np.float64)
            tips.append({"field": f"_v{j}", "span": list(axis.span),
                         "log": axis.kind == "log"})
    signed = runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    colour, ticks = _colours(signed, sweep.metric.sign)
    columns["_c"] = colour
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
    return ParallelInput(axes=built, columns=columns, coded=coded, table_columns=fields,
                         tips=tuple(tips), metric=sweep.metric.name, goal=sweep.metric.goal,
                         colour_ticks=ticks, top_levels=levels_of, group_names=group_names)


def _compact(values: pd.Series, kind: str, unique_text: bool = False
             ) -> tuple[object, list[str] | None]:
    """One table column as the page receives it: numbers as float32 where that is exact
    enough for what the table shows (else float64), times as epoch milliseconds, text with
    few distinct values as level codes (0 = missing) plus the levels, other text as is."""
    if kind == "time":
        stamps = pd.to_datetime(values, utc=True, errors="coerce")
        missing = stamps.isna().to_numpy()
        ms = stamps.to_numpy(dtype="datetime64[ms]").astype(np.int64).astype(np.float64)
        return np.where(missing, np.nan, ms), None
    if kind in ("number", "sci"):
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        return (numbers.astype(np.float32) if _float32_enough(numbers, kind) else numbers), None
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    if unique_text or len(uniques) >= min(65535, max(len(values) // 2, 1)):
        texts = [fmt_value(u) for u in uniques]
        return [None if c < 0 else texts[c] for c in codes], None
    dtype = np.uint8 if len(uniques) < 255 else np.uint16
    return (codes + 1).astype(dtype), [fmt_value(u) for u in uniques]


def _float32_enough(numbers: np.ndarray, kind: str) -> bool:
    """float32 keeps 7 significant digits: enough for scientific notation (3 shown) and for
    plain numbers below 500 (4 decimals shown); whole numbers up to 2**24 stay exact."""
    finite = numbers[np.isfinite(numbers)]
    if not len(finite) or kind == "sci":
        return True
    largest = float(np.abs(finite).max())
    whole = bool(np.all(finite == np.round(finite)))
    return largest < 2**24 if whole else largest < 500


def _positions16(positions: np.ndarray) -> np.ndarray:
    """Axis positions in [0, 1] as uint16 (0 = the missing band); the page divides back."""
    out = np.zeros(len(positions), dtype=np.uint16)
    present = positions != MISSING_Y
    out[present] = 1 + np.round(np.clip(positions[present], 0, 1) * 65534).astype(np.uint16)
    return out


def _colours(signed: np.ndarray, sign: float) -> tuple[np.ndarray, dict[float, str]]:
    """Each run's colour as a rank among the runs with a value (ties share one): 1 the
    worst … 255 the best, 0 none; equalised like a histogram, so a long tail of bad runs
    does not wash out the best. The colour bar's ticks name the metric at five ranks."""
    colour = np.zeros(len(signed), dtype=np.uint8)
    finite = np.isfinite(signed)
    if not finite.any():
        return colour, {}
    values = signed[finite]
    rank = pd.Series(values).rank(method="average").to_numpy()  # 1 = the best
    worse = (rank - 1) / max(len(values) - 1, 1)
    colour[finite] = 1 + np.round(254 * (1 - worse)).astype(np.uint8)
    ticks = {t: fmt_number(float(np.quantile(values, 1 - t)) * sign, 3)
             for t in (0.0, 0.25, 0.5, 0.75, 1.0)}
    return colour, ticks


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
