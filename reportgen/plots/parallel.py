"""Parallel coordinates in Bokeh: one normalised axis per parameter then per metric, one line
per run, brushing on any axis (several intersect), a top-k% highlight, and a run table that
follows the selection. Bokeh has no such chart; the interaction is the page's one script
(plots/js/*.js), which each plot's CustomJS calls."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
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
    IndexFilter,
    LinearColorMapper,
    Range1d,
    Select,
    TextInput,
)
from bokeh.plotting import figure
from bokeh.transform import dodge

from reportgen.plots._theme import (
    FONT,
    MISSING_COLOR,
    PALETTE_BEST_HIGH,
    UNSELECTED_COLOR,
    sweep_colors,
)
from reportgen.plots.table import run_table_columns
from reportgen.sections.axes import MISSING_Y, Axis
from reportgen.sections.parallel import CRISP_RUNS, LIVE_BRUSH_RUNS, LOD_LINES, ParallelInput

#: the page's script, one file per concern, in the order they build on each other
JS_FILES = ("format.js", "selection.js", "where.js", "scope.js", "axes.js", "colour.js",
            "draw.js", "hover.js", "view.js", "theme.js", "events.js")
#: the colours of a categorical column's levels when the reader colours by it
LEVEL_COLORS = tuple(sweep_colors(10))


def parallel_plot(data: ParallelInput, width: int = 1100, height: int = 460, key: str = ""):
    """The figure, its controls and the run table, as one Bokeh layout; `key` (the section's
    anchor) tags its models so that a page's script or test can find them. The lines, the
    axes' ticks and titles are built in the page from compact columns (plots/js), where the
    reader reorders, hides, adds, inverts and rescales axes and recolours the lines: every
    run of a small selection as a line; above CRISP_RUNS the selection as a density and its
    best LOD_LINES as lines."""
    n, k = data.n, data.shown
    drawn = data.axes[:k]
    shown = {field for field, _, _ in data.table_columns}
    # what the table shows, and apart (so the table's per-row work stays small) what draws
    runs = ColumnDataSource({f: v for f, v in data.columns.items() if f in shown},
                            name="runs", tags=[key])
    compact = ColumnDataSource({f: v for f, v in data.columns.items() if f not in shown})
    crisp = ColumnDataSource({f: [] for f in ("xs", "ys", "color", "name", "row")},
                             name="crisp-lines", tags=[key])
    shadow = ColumnDataSource({"xs": [], "ys": []}, name="shadow-lines", tags=[key])
    images = [ColumnDataSource({"image": [np.zeros((1, 1), dtype=np.uint32)], "x": [0.0],
                                "y": [0.0], "dw": [1.0], "dh": [1.0]}) for _ in range(2)]
    # the plot and the table take the page's width (at most `width`): a narrow window gets
    # a narrower plot, not a scroll bar
    p = figure(width=width, height=height, tools="save", toolbar_location="right",
               sizing_mode="stretch_width", max_width=width, min_width=min(width, 360),
               x_range=Range1d(-0.45, max(k, 1) - 0.35),
               y_range=Range1d(MISSING_Y - 0.07, 1.06), x_axis_location="above",
               output_backend="canvas", name="parallel-coordinates", tags=[key])
    _style(p, data)
    alpha = min(0.9, max(0.12, 8 / math.sqrt(max(min(n, CRISP_RUNS), 1))))
    backdrop = p.image_rgba("image", "x", "y", "dw", "dh", source=images[0], visible=False)
    p.multi_line("xs", "ys", source=shadow, line_color=UNSELECTED_COLOR,
                 line_alpha=min(0.35, alpha), line_width=1)
    density = p.image_rgba("image", "x", "y", "dw", "dh", source=images[1], visible=False)
    p.multi_line("xs", "ys", source=crisp, line_color="color", line_alpha=alpha, line_width=1.3)
    hovered = ColumnDataSource({"xs": [], "ys": []}, name="hover-line", tags=[key])
    p.multi_line("xs", "ys", source=hovered, line_color="#e4572e", line_width=3)
    axis_lines, ticks = _draw_axes(p, drawn, key)
    # one box per place an axis can take, drawn on the overlay layer: moving it does not
    # repaint the lines
    brushes = [BoxAnnotation(left=j - 0.07, right=j + 0.07, bottom=0, top=0, visible=False,
                             fill_color="#1f77b4", fill_alpha=0.15, line_color="#1f77b4",
                             line_width=1.5, level="overlay", editable=False)
               for j in range(len(data.axes))]
    for box in brushes:
        p.add_layout(box)
    # each brush's range in the axis's values, beside it (filled in the page)
    brush_labels = ColumnDataSource({"x": [], "y": [], "text": []}, name="brush-labels",
                                    tags=[key])
    p.text("x", "y", "text", source=brush_labels, text_font_size="11px", text_align="right",
           text_baseline="middle", text_color="#174a7e", text_font_style="bold",
           background_fill_color="white", background_fill_alpha=0.85)
    # the colour bar of a numeric colouring (the page relabels it); hidden while the lines
    # are coloured by sweep or by a categorical column
    bar = ColorBar(color_mapper=LinearColorMapper(palette=list(PALETTE_BEST_HIGH), low=0,
                                                  high=1),
                   title=f"{data.metric} (best bright)", width=12, name="colour-bar",
                   title_text_font_style="normal", visible=data.colour == "metric",
                   ticker=FixedTicker(ticks=list(data.colour_ticks)),
                   major_label_overrides=dict(data.colour_ticks),
                   major_label_text_font_size="10px")
    p.add_layout(bar, "right")
    table_filter = IndexFilter()
    table = DataTable(source=runs, view=CDSView(filter=table_filter),
                      columns=run_table_columns(data.table_columns), width=width, height=360,
                      sizing_mode="stretch_width", max_width=width,
                      index_position=None, sortable=True, reorderable=False,
                      name="run-table", tags=[key])
    small = {"font-family": FONT, "font-size": "12px", "color": "var(--muted, #555)",
             "padding-top": "8px"}
    # a fixed width: a long count ("…; 9,869 of the sweep's 20,000 set aside") wraps instead
    # of pushing the controls beside it out of the plot's width
    count = Div(text=f"<b>{n:,}</b> of {n:,} runs selected", name="selected-count", tags=[key],
                width=330, styles={"font-family": FONT, "font-size": "14px",
                                   "padding-top": "6px"})
    note = Div(text="", name="drawn-note", tags=[key], styles=small)
    top = Select(title="", value="0", width=190, name="top-select", tags=[key], options=[
        ("0", "all runs")] + [(f, f"top {float(f):.0%} by {data.metric}")
                              for f in sorted(data.top_levels, key=float)])
    where = TextInput(value="", width=330, name="where-input", tags=[key],
                      placeholder=f"filter: {data.metric} < … and state == finished, or a "
                                  "run's name")
    axes_row, axis_controls = _axis_controls(data, key)
    colour = Select(title="", width=260, name="colour-select", tags=[key],
                    value=data.colour,
                    options=_colour_options(data))
    legend = Div(text="", name="colour-legend", tags=[key], styles={
        "font-family": FONT, "font-size": "13px", "padding-top": "6px"})
    buttons = {name: Button(label=label, width=w, name=f"{name}-button", tags=[key])
               for name, label, w in (("clear", "Clear selection", 130),
                                      ("keep", "Keep selected", 120),
                                      ("exclude", "Exclude selected", 130),
                                      ("copy", "Copy run names", 140),
                                      ("ids", "Copy run ids", 120),
                                      ("csv", "Download CSV", 130))}
    args = dict(
        runs=runs, compact=compact, coded=data.coded, crisp=crisp, shadow=shadow,
        backdrop=backdrop, density=density, table=table, table_filter=table_filter,
        brushes=brushes, brush_labels=brush_labels, hovered=hovered,
        axis_lines=axis_lines, ticks=ticks, axis_info=list(data.axis_info), shown=k,
        goal=data.goal, metric=data.metric, colour_default=data.colour,
        count=count, note=note, top=top, where=where, colour=colour, legend=legend, bar=bar,
        plot=p, **axis_controls, **buttons,
        top_levels=data.top_levels, palette=[MISSING_COLOR] + list(PALETTE_BEST_HIGH[1:]),
        level_colors=list(LEVEL_COLORS),
        groups=list(data.group_names), group_colors=_group_colors(data.group_names),
        lod={"crisp_runs": CRISP_RUNS, "lod_lines": LOD_LINES,
             "live": n <= LIVE_BRUSH_RUNS, "missing_y": MISSING_Y,
             "y0": MISSING_Y - 0.04, "y1": 1.01, "grey": UNSELECTED_COLOR})
    # the code itself is the page's one script (page_script), shipped once however many plots
    code = CustomJS(args=args, code="return window.reportgen_parallel.handle({"
                    + ", ".join(args) + "}, cb_obj, cb_data);")
    p.js_on_event(events.DoubleTap, code)  # brushing itself listens to pointer events
    for widget in (top, where, colour, axis_controls["axis_pick"], axis_controls["axis_scale"],
                   axis_controls["axis_add"]):
        widget.js_on_change("value", code)  # a text box: on Enter or when it loses focus
    for button in [*buttons.values(), *(axis_controls[b] for b in (
            "axis_left", "axis_right", "axis_invert", "axis_hide", "axis_reset"))]:
        button.js_on_event("button_click", code)
    heading = Div(text="Runs in the selection: best first until a column header is clicked "
                       "to sort by it",
                  styles={"font-family": FONT, "font-size": "14px", "font-weight": "600",
                          "padding-top": "8px"})
    actions = row(buttons["keep"], buttons["exclude"], buttons["copy"], buttons["ids"],
                  buttons["csv"], Div(
        text="Keep: the view narrows to the selection. Exclude: it is set aside. Clear "
             "selection brings every run back. The CSV holds the selected runs, every "
             "value as recorded.", width=360, styles={**small, "padding-top": "2px"}),
                  styles=WRAP)
    layout = column(row(count, top, where, buttons["clear"], styles=WRAP), axes_row,
                    row(Div(text="Colour:", styles=LABEL), colour, legend, styles=WRAP), p, note,
                    actions, heading, table,
                    sizing_mode="stretch_width", max_width=width)
    layout.tags = [key]
    return layout, code


#: a row of controls wraps onto a second line in a narrow window
WRAP = {"flex-wrap": "wrap"}
#: a row's label ("Axis:", "Colour:"), as wide as the longest, so that the rows line up
LABEL = {"font-family": FONT, "font-size": "13px", "padding-top": "6px", "width": "52px"}


def _axis_controls(data: ParallelInput, key: str):
    """The axis toolbar: pick an axis (or click its title), move it, invert it, switch its
    scale, hide it; add any other column; reset. Dragging a title moves its axis too."""
    drawn = [a.name for a in data.axes[:data.shown]]
    first = data.axis_info[0] if data.axis_info else {"kind": "linear", "scales": {}}
    controls = dict(
        axis_pick=Select(title="", value=drawn[0] if drawn else "", options=drawn, width=170,
                         name="axis-select", tags=[key]),
        axis_left=Button(label="◀", width=40, name="axis-left", tags=[key]),
        axis_right=Button(label="▶", width=40, name="axis-right", tags=[key]),
        axis_invert=Button(label="Invert", width=70, name="axis-invert", tags=[key]),
        axis_scale=Select(title="", width=110, name="axis-scale", tags=[key],
                          **_scale_options(first)),
        axis_hide=Button(label="Hide", width=60, name="axis-hide", tags=[key]),
        axis_add=Select(title="", value="", width=200, name="axis-add", tags=[key],
                        options=[("", "add an axis…")] + [a.name for a in
                                                           data.axes[data.shown:]]),
        axis_reset=Button(label="Reset axes", width=100, name="axis-reset", tags=[key]))
    return row(Div(text="Axis:", styles=LABEL), *controls.values(), styles=WRAP), controls


def _scale_options(info: dict) -> dict:
    """The scale choice of one axis: linear, log (when the axis has it) and rank; a
    categorical axis keeps its levels."""
    if info["kind"] == "categorical":
        return {"options": [("categorical", "levels")], "value": "categorical",
                "disabled": True}
    return {"options": [*info["scales"], "rank"], "value": info["kind"]}


def _colour_options(data: ParallelInput) -> list[tuple[str, str]]:
    """Colour by the metric (best bright), by sweep in a comparison, or by any column."""
    options = [("metric", f"{data.metric} (best bright)")]
    if data.group_names:
        options.append(("sweep", "sweep"))
    return options + [(f"c:{a.name}", a.name) for a in data.axes if a.name != data.metric]


def page_script() -> str:
    """The parallel plots' JavaScript (plots/js/*.js) as one script for the page's `<head>`:
    it defines `window.reportgen_parallel`, which every plot's CustomJS calls."""
    folder = resources.files("reportgen.plots") / "js"
    parts = [(folder / name).read_text(encoding="utf-8") for name in JS_FILES]
    return ("window.reportgen_parallel = (function () {\n\"use strict\";\nconst P = {};\n"
            + "\n".join(parts) + "return P;\n})();\n")


def _group_colors(names: tuple[str, ...]) -> list[str]:
    return list(sweep_colors(len(names))) if names else []


def _style(p, data: ParallelInput) -> None:
    p.toolbar.logo = None
    p.toolbar.active_drag = None
    p.yaxis.visible = False
    p.grid.visible = False
    p.outline_line_color = None
    drawn = data.axes[:data.shown]
    p.xaxis.ticker = FixedTicker(ticks=list(range(len(drawn))))
    arrow = {"minimize": " ↓", "maximize": " ↑"}
    p.xaxis.major_label_overrides = {
        j: a.name + (arrow.get(data.goal, "") if a.name == data.metric else "")
        for j, a in enumerate(drawn)
    }
    p.xaxis.major_label_text_font_size = "12px"
    p.xaxis.major_label_text_font_style = "bold"
    p.xaxis.major_label_text_font = FONT
    p.xaxis.axis_line_color = None
    p.xaxis.major_tick_line_color = None
    if len(drawn) > 8:
        p.xaxis.major_label_orientation = 0.5


def _draw_axes(p, axes: tuple[Axis, ...], key: str):
    """The missing band, the axes' lines, their tick marks and labels; the page redraws the
    lines and ticks (from these two sources) when the reader changes the axes."""
    p.add_layout(BoxAnnotation(bottom=MISSING_Y - 0.035, top=MISSING_Y + 0.035,
                               fill_color="#bdbdbd", fill_alpha=0.18, line_color=None,
                               level="underlay", name="missing-band"))
    p.text(x=[-0.43], y=[MISSING_Y], text=["missing"], text_font_size="10px",
           text_baseline="middle", text_color="#757575", text_font_style="italic")
    k = len(axes)
    lines = ColumnDataSource({"x": list(range(k)), "y0": [0.0] * k, "y1": [1.0] * k},
                             name="axis-lines", tags=[key])
    p.segment(x0="x", x1="x", y0="y0", y1="y1", source=lines, line_color="#424242",
              line_width=1.5)
    tx, ty, tt = [], [], []
    for j, axis in enumerate(axes):
        for pos, label in zip(axis.tick_positions, axis.tick_labels):
            tx.append(j)
            ty.append(pos)
            tt.append(label)
    ticks = ColumnDataSource({"x": tx, "y": ty, "text": tt}, name="axis-ticks", tags=[key])
    p.segment(x0=dodge("x", -0.02), x1="x", y0="y", y1="y",
              source=ticks, line_color="#424242")
    p.text(x=dodge("x", 0.03), y="y", text="text", source=ticks, text_font_size="10px",
           text_baseline="middle", text_color="#212121", background_fill_color="white",
           background_fill_alpha=0.75, text_font=value(FONT))
    return lines, ticks

