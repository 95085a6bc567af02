"""Parallel coordinates in Bokeh: one normalised axis per parameter then per metric, one line
per run, brushing on any axis (several intersect), a top-k% highlight, and a run table that
follows the selection. Bokeh has no such chart; the interaction is the page's one script
(plots/js/*.js), which each plot's CustomJS calls."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from bokeh import events
from bokeh.core.properties import value
from bokeh.layouts import column, row
from bokeh.models import (
    BoxAnnotation,
    Button,
    CDSView,
    ColorBar,
    ColumnDataSource,
    CustomJS,
    DataTable,
    Div,
    FixedTicker,
    HoverTool,
    IndexFilter,
    LinearColorMapper,
    RadioButtonGroup,
    Range1d,
    Select,
)
from bokeh.plotting import figure

from reportgen.diagnostics.overview import Overview
from reportgen.errors import ConfigError
from reportgen.formatting import fmt_number, fmt_value
from reportgen.model import Sweep
from reportgen.plots._theme import FONT, MISSING_COLOR, PALETTE_BEST_HIGH, UNSELECTED_COLOR
from reportgen.plots.axes import MISSING_Y, Axis, make_axis
from reportgen.plots.table import run_table_columns
from reportgen.resolve import varies

#: the page's script, one file per concern, in the order they build on each other
JS_FILES = ("format.js", "selection.js", "draw.js", "events.js")
TOP_CHOICES = (0.05, 0.1, 0.25)
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
        return len(self.columns["name"])  # type: ignore[arg-type]


def parallel_plot(data: ParallelInput, width: int = 1100, height: int = 460, key: str = ""):
    """The figure, its controls and the run table, as one Bokeh layout; `key` (the section's
    anchor) tags its models so that a page's script or test can find them. The lines are
    built in the page from compact columns (plots/js): every run of a small selection as
    a line; above CRISP_RUNS the selection as a density and its best LOD_LINES as lines."""
    n, k = data.n, len(data.axes)
    shown = {field for field, _, _ in data.table_columns}
    # what the table shows, and apart (so the table's per-row work stays small) what draws
    runs = ColumnDataSource({f: v for f, v in data.columns.items() if f in shown},
                            name="runs", tags=[key])
    compact = ColumnDataSource({f: v for f, v in data.columns.items() if f not in shown})
    fields = ["xs", "ys", "color", "name", "row", *(f"t{j}" for j in range(k))]
    if data.group_names:
        fields.append("group")
    crisp = ColumnDataSource({f: [] for f in fields}, name="crisp-lines", tags=[key])
    shadow = ColumnDataSource({"xs": [], "ys": []}, name="shadow-lines", tags=[key])
    images = [ColumnDataSource({"image": [np.zeros((1, 1), dtype=np.uint32)], "x": [0.0],
                                "y": [0.0], "dw": [1.0], "dh": [1.0]}) for _ in range(2)]
    p = figure(width=width, height=height, tools="save", toolbar_location="right",
               x_range=Range1d(-0.45, k - 0.35), y_range=Range1d(MISSING_Y - 0.07, 1.06),
               x_axis_location="above", output_backend="canvas", name="parallel-coordinates",
               tags=[key])
    _style(p, data)
    alpha = min(0.9, max(0.12, 8 / math.sqrt(max(min(n, CRISP_RUNS), 1))))
    backdrop = p.image_rgba("image", "x", "y", "dw", "dh", source=images[0], visible=False)
    p.multi_line("xs", "ys", source=shadow, line_color=UNSELECTED_COLOR,
                 line_alpha=min(0.35, alpha), line_width=1)
    density = p.image_rgba("image", "x", "y", "dw", "dh", source=images[1], visible=False)
    lines = p.multi_line("xs", "ys", source=crisp, line_color="color", line_alpha=alpha,
                         line_width=1.3, hover_line_color="#e4572e", hover_line_alpha=1.0,
                         hover_line_width=3)
    _draw_axes(p, data.axes)
    # one box per axis, drawn on the overlay layer: moving it does not repaint the lines
    brushes = [BoxAnnotation(left=j - 0.07, right=j + 0.07, bottom=0, top=0, visible=False,
                             fill_color="#1f77b4", fill_alpha=0.15, line_color="#1f77b4",
                             line_width=1.5, level="overlay", editable=False)
               for j in range(k)]
    for box in brushes:
        p.add_layout(box)
    tooltips = [("run", "@name")] + [(a.name, f"@t{j}") for j, a in enumerate(data.axes)]
    if data.group_names:
        tooltips.insert(1, ("sweep", "@group"))
    p.add_tools(HoverTool(renderers=[lines], tooltips=tooltips, line_policy="nearest"))
    bar = None
    if data.colour_ticks:  # hidden while lines are coloured by sweep
        bar = ColorBar(color_mapper=LinearColorMapper(palette=list(PALETTE_BEST_HIGH), low=0,
                                                      high=1),
                       title=f"{data.metric} (best bright)", width=12,
                       title_text_font_style="normal", visible=not data.group_names,
                       ticker=FixedTicker(ticks=list(data.colour_ticks)),
                       major_label_overrides=dict(data.colour_ticks),
                       major_label_text_font_size="10px")
        p.add_layout(bar, "right")
    table_filter = IndexFilter()
    table = DataTable(source=runs, view=CDSView(filter=table_filter),
                      columns=run_table_columns(data.table_columns), width=width, height=360,
                      index_position=None, sortable=True, reorderable=False,
                      name="run-table", tags=[key])
    count = Div(text=f"<b>{n:,}</b> of {n:,} runs selected", name="selected-count", tags=[key],
                styles={"font-family": FONT, "font-size": "14px", "padding-top": "6px"})
    note = Div(text="", name="drawn-note", tags=[key], styles={
        "font-family": FONT, "font-size": "12px", "color": "#555", "padding-top": "8px"})
    top = Select(title="", value="0", width=190, name="top-select", tags=[key], options=[
        ("0", "all runs")] + [(str(f), f"top {f:.0%} by {data.metric}") for f in TOP_CHOICES])
    clear = Button(label="Clear selection", width=130, name="clear-button")
    toggle = RadioButtonGroup(labels=["colour by sweep", "colour by metric"], active=0,
                              name="colour-toggle", tags=[key]) if data.group_names else None
    args = dict(
        runs=runs, compact=compact, coded=data.coded, crisp=crisp, shadow=shadow,
        backdrop=backdrop, density=density, table=table, table_filter=table_filter,
        brushes=brushes, count=count, note=note, top=top, toggle=toggle, bar=bar, plot=p,
        n_axes=k,
        tips=list(data.tips),
        top_levels=data.top_levels, palette=[MISSING_COLOR] + list(PALETTE_BEST_HIGH[1:]),
        groups=list(data.group_names), group_colors=_group_colors(data.group_names),
        lod={"crisp_runs": CRISP_RUNS, "lod_lines": LOD_LINES,
             "live": n <= LIVE_BRUSH_RUNS, "missing_y": MISSING_Y,
             "y0": MISSING_Y - 0.04, "y1": 1.01, "grey": UNSELECTED_COLOR})
    # the code itself is the page's one script (page_script), shipped once however many plots
    code = CustomJS(args=args, code="return window.reportgen_parallel.handle({"
                    + ", ".join(args) + "}, cb_obj, cb_data);")
    for event in (events.PanStart, events.Pan, events.PanEnd, events.DoubleTap):
        p.js_on_event(event, code)
    top.js_on_change("value", code)
    clear.js_on_event("button_click", code)
    extra: list = []
    if toggle is not None:
        toggle.js_on_change("active", code)
        extra = [toggle, Div(text=" ".join(
            f'<span style="color:{c}">&#9632;</span>&nbsp;{html.escape(name)}'
            for name, c in zip(data.group_names, _group_colors(data.group_names))),
            styles={"font-family": FONT, "font-size": "13px", "padding-top": "6px"})]
    heading = Div(text="Runs in the selection, best first (click a column header to sort)",
                  styles={"font-family": FONT, "font-size": "14px", "font-weight": "600",
                          "padding-top": "8px"})
    layout = column(row(count, top, clear, *extra), p, note, heading, table)
    layout.tags = [key]
    return layout, code


def page_script() -> str:
    """The parallel plots' JavaScript (plots/js/*.js) as one script for the page's `<head>`:
    it defines `window.reportgen_parallel`, which every plot's CustomJS calls."""
    folder = resources.files("reportgen.plots") / "js"
    parts = [(folder / name).read_text(encoding="utf-8") for name in JS_FILES]
    return ("window.reportgen_parallel = (function () {\n\"use strict\";\nconst P = {};\n"
            + "\n".join(parts) + "return P;\n})();\n")


def _group_colors(names: tuple[str, ...]) -> list[str]:
    from reportgen.plots.compare import sweep_colors

    return list(sweep_colors(len(names))) if names else []


def _style(p, data: ParallelInput) -> None:
    p.toolbar.logo = None
    p.toolbar.active_drag = None
    p.yaxis.visible = False
    p.grid.visible = False
    p.outline_line_color = None
    p.xaxis.ticker = FixedTicker(ticks=list(range(len(data.axes))))
    arrow = {"minimize": " ↓", "maximize": " ↑"}
    p.xaxis.major_label_overrides = {
        j: a.name + (arrow.get(data.goal, "") if a.name == data.metric else "")
        for j, a in enumerate(data.axes)
    }
    p.xaxis.major_label_text_font_size = "12px"
    p.xaxis.major_label_text_font_style = "bold"
    p.xaxis.major_label_text_font = FONT
    p.xaxis.axis_line_color = None
    p.xaxis.major_tick_line_color = None
    if len(data.axes) > 8:
        p.xaxis.major_label_orientation = 0.5


def _draw_axes(p, axes: tuple[Axis, ...]) -> None:
    k = len(axes)
    p.quad(left=[-0.45], right=[k - 0.35], bottom=[MISSING_Y - 0.035], top=[MISSING_Y + 0.035],
           fill_color="#bdbdbd", fill_alpha=0.18, line_color=None)
    p.text(x=[-0.43], y=[MISSING_Y], text=["missing"], text_font_size="10px",
           text_baseline="middle", text_color="#757575", text_font_style="italic")
    p.segment(x0=list(range(k)), x1=list(range(k)), y0=[0.0] * k, y1=[1.0] * k,
              line_color="#424242", line_width=1.5)
    tx, ty, tt = [], [], []
    for j, axis in enumerate(axes):
        for pos, label in zip(axis.tick_positions, axis.tick_labels):
            tx.append(j + 0.03)
            ty.append(pos)
            tt.append(label)
    p.segment(x0=[x - 0.05 for x in tx], x1=[x - 0.03 for x in tx], y0=ty, y1=ty,
              line_color="#424242")
    p.text(x=tx, y=ty, text=tt, text_font_size="10px", text_baseline="middle",
           text_color="#212121", background_fill_color="white", background_fill_alpha=0.75,
           text_font=value(FONT))


def constant_params(sweep: Sweep) -> dict[str, str]:
    """Parameters that do not vary (declared constant, or one value in every run): listed
    beside the plot, not drawn."""
    out = {}
    for spec in sweep.space.params:
        values = sweep.runs[spec.name].dropna()
        if not varies(spec, values):
            shown = values.iloc[0] if len(values) else (spec.levels[0] if spec.levels else None)
            out[spec.name] = fmt_value(shown)
    return out


def choose_axes(sweep: Sweep, requested: tuple[str, ...] | None,
                order: list[str] | None = None) -> list[str]:
    """`--axes` as given (checked), else every varying parameter — most important first when
    an importance `order` is given, else in config order; replicates (seeds, folds) last —
    then the metric."""
    if requested:
        known = set(sweep.runs.columns)
        unknown = [a for a in requested if a not in known]
        if unknown:
            raise ConfigError(
                f"--axes: {', '.join(unknown)} not a column of {sweep.source}; columns: "
                f"{', '.join(c for c in sweep.runs.columns if c not in ('run_id', 'name'))}"
            )
        return list(requested)
    constants = constant_params(sweep)
    params = [p for p in sweep.param_names if p not in constants]
    if order:
        rank = {name: i for i, name in enumerate(order)}
        params.sort(key=lambda p: rank.get(p, len(rank)))
    replicate = {s.name for s in sweep.space.params if s.replicate}
    params.sort(key=lambda p: p in replicate)  # stable: the order above holds otherwise
    return params + [sweep.metric.name]


def parallel_input(sweep: Sweep, ov: Overview, axes: list[str], group: str | None = None
                   ) -> ParallelInput:
    """Runs in table order (best first, then runs without a value) as compact columns: the
    table's fields, each axis's positions (`_p<j>`, uint16), each run's colour (`_c`), top
    sets (`_t`) and sweep (`_g`). No per-run Python: 100,000 runs take a fraction of a second."""
    from reportgen.diagnostics.overview import evaluated_mask, top_set

    n = len(sweep.runs)
    unranked = np.setdiff1d(np.arange(n), ov.order, assume_unique=True)
    order = np.concatenate([ov.order, unranked]).astype(int)
    runs = sweep.runs.iloc[order].reset_index(drop=True)
    specs = {p.name: p for p in sweep.space.params}
    built = tuple(make_axis(a, runs[a], specs.get(a), a in sweep.metric_columns) for a in axes)
    fields = _table_spec(sweep)
    columns: dict[str, object] = {}
    coded: dict[str, list[str]] = {}
    for field, _, kind in fields:
        columns[field], levels = _compact(runs[field], kind, unique_text=field == "name")
        if levels is not None:
            coded[field] = levels
    tips: list[dict] = []
    for j, axis in enumerate(built):
        columns[f"_p{j}"] = _positions16(axis.positions)
        if axis.kind == "categorical":
            tips.append({"labels": list(axis.tick_labels)})
        elif axis.name in columns and axis.name not in coded:
            tips.append({"field": axis.name})
        else:
            columns[f"_v{j}"] = pd.to_numeric(runs[axis.name], errors="coerce").to_numpy(
                dtype=np.float64)
            tips.append({"field": f"_v{j}"})
    signed = runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    colour, ticks = _colours(signed, sweep.metric.sign)
    columns["_c"] = colour
    ranked_signed = np.where(evaluated_mask(sweep)[order], signed, np.nan)
    top = np.zeros(n, dtype=np.uint8)
    levels_of = {}
    for level in range(len(TOP_CHOICES), 0, -1):  # the smaller sets overwrite the larger
        top[top_set(ranked_signed, TOP_CHOICES[level - 1])] = level
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


def _table_spec(sweep: Sweep) -> tuple[tuple[str, str, str], ...]:
    """The run table's columns: run, state, metrics, the varying parameters (constants are
    listed beside the plot, not repeated in every row), creation time and runtime."""
    runs = sweep.runs
    cols = [("name", "run", "text"), ("state", "state", "text")]
    if "tags" in runs and runs["tags"].notna().any():
        cols.append(("tags", "tags", "text"))
    constants = constant_params(sweep)
    for c in list(sweep.metric_columns) + [p for p in sweep.param_names if p not in constants]:
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
