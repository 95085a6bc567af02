"""Parallel coordinates in Bokeh: one normalised axis per parameter then per metric, one line
per run, brushing on any axis (several intersect), a top-k% highlight, and a run table that
follows the selection. Bokeh has no such chart; the interaction is CustomJS (parallel.js)."""

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
    EqHistColorMapper,
    FixedTicker,
    HoverTool,
    IndexFilter,
    RadioButtonGroup,
    Range1d,
    Select,
)
from bokeh.plotting import figure
from bokeh.transform import transform

from reportgen.diagnostics.overview import Overview
from reportgen.errors import ConfigError
from reportgen.formatting import fmt_value, is_missing
from reportgen.model import Sweep
from reportgen.plots._theme import FONT, MISSING_COLOR, PALETTE_BEST_HIGH, UNSELECTED_COLOR
from reportgen.plots.axes import MISSING_Y, Axis, make_axis
from reportgen.plots.table import run_table_columns
from reportgen.resolve import varies

_JS = (resources.files("reportgen.plots") / "parallel.js").read_text(encoding="utf-8")
TOP_CHOICES = (0.05, 0.1, 0.25)
#: above this many runs the selection is applied when the drag ends, not at every move
LIVE_BRUSH_RUNS = 3000


@dataclass(frozen=True)
class ParallelInput:
    """Everything the plot draws, already decided by the analysis."""

    axes: tuple[Axis, ...]
    names: tuple[str, ...]  # run names, in table order (best first)
    color_values: np.ndarray  # the metric, NaN where missing
    goal: str
    metric: str
    rank: np.ndarray  # 0 = best among the evaluated runs; -1 = not evaluated
    ranked: int  # evaluated runs
    signed: np.ndarray  # the metric, smaller is better; NaN unless evaluated
    tips: tuple[list[str], ...]  # per axis, each run's value as text, in table order
    table: dict[str, list]  # run table columns, in table order
    table_columns: tuple[tuple[str, str, str], ...]  # (field, title, kind)
    groups: tuple[str, ...] = ()  # per run, its sweep (comparison of several sweeps)
    group_names: tuple[str, ...] = ()


def parallel_plot(data: ParallelInput, width: int = 1100, height: int = 460, key: str = ""):
    """The figure, its controls and the run table, as one Bokeh layout; `key` (the section's
    anchor) tags its models so that a page's script or test can find them."""
    n, k = len(data.names), len(data.axes)
    draw = _draw_order(data)  # worst first, best last (drawn on top); missing first of all
    ys = np.column_stack([a.positions for a in data.axes]) if k else np.zeros((n, 0))
    mapper = _color_mapper(data)
    tips = {f"t{j}": [texts[i] for i in draw] for j, texts in enumerate(data.tips)}
    lines = ColumnDataSource({
        "xs": [np.arange(k, dtype=float)] * n,
        "ys": [ys[i] for i in draw],
        "value": data.color_values[draw],
        "name": [data.names[i] for i in draw],
        "rank": data.rank[draw].astype(int),
        "signed": data.signed[draw],
        "row": np.asarray(draw, dtype=int),
        **tips,
    })
    p = figure(width=width, height=height, tools="save", toolbar_location="right",
               x_range=Range1d(-0.45, k - 0.35), y_range=Range1d(MISSING_Y - 0.07, 1.06),
               x_axis_location="above", output_backend="canvas", name="parallel-coordinates",
               tags=[key])
    _style(p, data)
    alpha = min(0.9, max(0.06, 8 / math.sqrt(max(n, 1))))
    bg = p.multi_line("xs", "ys", source=lines, line_color=UNSELECTED_COLOR,
                      line_alpha=min(0.35, alpha), line_width=1, visible=False)
    fg_filter = IndexFilter(list(range(n)))
    fg = p.multi_line("xs", "ys", source=lines, view=CDSView(filter=fg_filter),
                      line_color=transform("value", mapper) if mapper else MISSING_COLOR,
                      line_alpha=alpha, line_width=1.3,
                      hover_line_color="#e4572e", hover_line_alpha=1.0, hover_line_width=3)
    _draw_axes(p, data.axes)
    # one box per axis, drawn on the overlay layer: moving it does not repaint the lines
    brushes = [BoxAnnotation(left=j - 0.07, right=j + 0.07, bottom=0, top=0, visible=False,
                             fill_color="#1f77b4", fill_alpha=0.15, line_color="#1f77b4",
                             line_width=1.5, level="overlay", editable=False)
               for j in range(k)]
    for box in brushes:
        p.add_layout(box)
    tooltips = [("run", "@name")] + [(a.name, f"@t{j}") for j, a in enumerate(data.axes)]
    if data.groups:
        tooltips.insert(1, ("sweep", "@group"))
    p.add_tools(HoverTool(renderers=[fg], tooltips=tooltips, line_policy="nearest"))
    if mapper is not None:
        p.add_layout(ColorBar(color_mapper=mapper, title=f"{data.metric} (best bright)",
                              width=12, title_text_font_style="normal",
                              major_label_text_font_size="10px"), "right")
    table_source = ColumnDataSource(data.table)
    table_filter = IndexFilter(list(range(n)))
    table = DataTable(source=table_source, view=CDSView(filter=table_filter),
                      columns=run_table_columns(data.table_columns), width=width, height=360,
                      index_position=None, sortable=True, reorderable=False,
                      name="run-table", tags=[key])
    count = Div(text=f"<b>{n}</b> of {n} runs selected", name="selected-count", tags=[key],
                styles={"font-family": FONT, "font-size": "14px", "padding-top": "6px"})
    top = Select(title="", value="0", width=190, name="top-select", tags=[key], options=[
        ("0", "all runs")] + [(str(f), f"top {f:.0%} by {data.metric}") for f in TOP_CHOICES])
    clear = Button(label="Clear selection", width=130, name="clear-button")
    args = dict(lines=lines, fg_filter=fg_filter, table_filter=table_filter, background=bg,
                brushes=brushes, count=count, top=top, n_axes=k, ranked=data.ranked,
                live=n <= LIVE_BRUSH_RUNS)
    for event, mode in ((events.PanStart, "start"), (events.Pan, "pan"),
                        (events.PanEnd, "end"), (events.DoubleTap, "clear")):
        p.js_on_event(event, CustomJS(args={**args, "mode": mode}, code=_JS))
    top.js_on_change("value", CustomJS(args={**args, "mode": "top"}, code=_JS))
    clear.js_on_event("button_click", CustomJS(args={**args, "mode": "reset"}, code=_JS))
    extra = _group_controls(data, lines, draw, fg, mapper) if data.groups else []
    controls = row(count, top, clear, *extra)
    heading = Div(text="Runs in the selection, best first (click a column header to sort)",
                  styles={"font-family": FONT, "font-size": "14px", "font-weight": "600",
                          "padding-top": "8px"})
    return column(controls, p, heading, table)


def _group_controls(data: ParallelInput, lines, draw, fg, mapper) -> list:  # type: ignore[no-untyped-def]
    """Colour lines by sweep or by the metric; a legend of the sweeps' colours."""
    from reportgen.plots.compare import sweep_colors

    colors = dict(zip(data.group_names, sweep_colors(len(data.group_names))))
    lines.data["group"] = [data.groups[i] for i in draw]
    lines.data["group_color"] = [colors[data.groups[i]] for i in draw]
    fg.glyph.line_color = "group_color"
    toggle = RadioButtonGroup(labels=["colour by sweep", "colour by metric"], active=0,
                              name="colour-toggle")
    toggle.js_on_change("active", CustomJS(args={"glyph": fg.glyph, "mapper": mapper}, code="""
        glyph.line_color = this.active === 0 ? {field: "group_color"}
                                             : {field: "value", transform: mapper};"""))
    legend = Div(text=" ".join(
        f'<span style="color:{c}">&#9632;</span>&nbsp;{html.escape(name)}'
        for name, c in colors.items()), styles={"font-family": FONT, "font-size": "13px",
                                                 "padding-top": "6px"})
    return [toggle, legend]


def _draw_order(data: ParallelInput) -> np.ndarray:
    n = len(data.names)
    rank = np.where(data.rank < 0, n + 1, data.rank)
    return np.argsort(-rank, kind="stable")


def _color_mapper(data: ParallelInput) -> EqHistColorMapper | None:
    """Colour by the metric, equalised so the best runs stand out even with a long tail of
    bad runs; best bright whatever the goal; runs without a value grey."""
    values = data.color_values
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    palette = PALETTE_BEST_HIGH if data.goal == "maximize" else PALETTE_BEST_HIGH[::-1]
    lo, hi = float(finite.min()), float(finite.max())
    return EqHistColorMapper(palette=list(palette), low=lo, high=hi if hi > lo else lo + 1,
                             nan_color=MISSING_COLOR)


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
    an importance `order` is given, else in config order — then the metric."""
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
    return params + [sweep.metric.name]


def parallel_input(sweep: Sweep, ov: Overview, axes: list[str], group: str | None = None
                   ) -> ParallelInput:
    """Runs in table order (best first, then runs without a value) mapped onto the axes;
    `group` names a column whose values colour the lines (the sweep, in a comparison)."""
    n = len(sweep.runs)
    unranked = np.setdiff1d(np.arange(n), ov.order, assume_unique=True)
    order = np.concatenate([ov.order, unranked]).astype(int)
    runs = sweep.runs.iloc[order].reset_index(drop=True)
    specs = {p.name: p for p in sweep.space.params}
    built = tuple(make_axis(a, runs[a], specs.get(a), a in sweep.metric_columns) for a in axes)
    tips = tuple([fmt_value(v) if not is_missing(v) else "missing" for v in runs[a]]
                 for a in axes)
    # rank among the evaluated runs (finished, finite metric), as the best-region top set
    signed = runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    evaluated = (runs["state"].to_numpy() == "finished") & np.isfinite(signed)
    signed = np.where(evaluated, signed, np.nan)
    rank = np.full(n, -1)
    ranked = np.flatnonzero(evaluated)
    rank[ranked[np.argsort(signed[ranked], kind="stable")]] = np.arange(len(ranked))
    fields = _table_spec(sweep)
    table: dict[str, list] = {}
    for field, _, kind in fields:
        values = runs[field]
        if kind == "time":
            table[field] = [v.timestamp() * 1000 if not pd.isna(v) else np.nan for v in values]
        elif kind in ("number", "sci"):
            table[field] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        else:
            table[field] = [None if is_missing(v) else fmt_value(v) for v in values]
    return ParallelInput(
        axes=built, names=tuple(str(v) for v in runs["name"]),
        color_values=runs[sweep.metric.name].to_numpy(dtype=float), goal=sweep.metric.goal,
        metric=sweep.metric.name, rank=rank, ranked=len(ranked), signed=signed,
        tips=tips, table=table, table_columns=fields,
        groups=tuple(str(v) for v in runs[group]) if group else (),
        group_names=tuple(dict.fromkeys(str(v) for v in sweep.runs[group])) if group else (),
    )


def _table_spec(sweep: Sweep) -> tuple[tuple[str, str, str], ...]:
    runs = sweep.runs
    cols = [("name", "run", "text"), ("state", "state", "text")]
    if "tags" in runs and runs["tags"].notna().any():
        cols.append(("tags", "tags", "text"))
    for c in list(sweep.metric_columns) + sweep.param_names:
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
