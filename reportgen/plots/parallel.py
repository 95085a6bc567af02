"""Parallel coordinates in Bokeh: one normalised axis per parameter then per metric, one line
per run, brushing on any axis (several intersect), a top-k% highlight, and a run table that
follows the selection. Bokeh has no such chart; the interaction is the page's one script
(plots/js/*.js), which each plot's CustomJS calls."""

from __future__ import annotations

import html
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
    RadioButtonGroup,
    Range1d,
    Select,
    TextInput,
)
from bokeh.plotting import figure

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
JS_FILES = ("format.js", "selection.js", "where.js", "scope.js", "draw.js", "hover.js",
            "view.js", "events.js")


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
    # the plot and the table take the page's width (at most `width`): a narrow window gets
    # a narrower plot, not a scroll bar
    p = figure(width=width, height=height, tools="save", toolbar_location="right",
               sizing_mode="stretch_width", max_width=width, min_width=min(width, 360),
               x_range=Range1d(-0.45, k - 0.35), y_range=Range1d(MISSING_Y - 0.07, 1.06),
               x_axis_location="above", output_backend="canvas", name="parallel-coordinates",
               tags=[key])
    _style(p, data)
    alpha = min(0.9, max(0.12, 8 / math.sqrt(max(min(n, CRISP_RUNS), 1))))
    backdrop = p.image_rgba("image", "x", "y", "dw", "dh", source=images[0], visible=False)
    p.multi_line("xs", "ys", source=shadow, line_color=UNSELECTED_COLOR,
                 line_alpha=min(0.35, alpha), line_width=1)
    density = p.image_rgba("image", "x", "y", "dw", "dh", source=images[1], visible=False)
    p.multi_line("xs", "ys", source=crisp, line_color="color", line_alpha=alpha, line_width=1.3)
    hovered = ColumnDataSource({"xs": [], "ys": []}, name="hover-line", tags=[key])
    p.multi_line("xs", "ys", source=hovered, line_color="#e4572e", line_width=3)
    _draw_axes(p, data.axes)
    # one box per axis, drawn on the overlay layer: moving it does not repaint the lines
    brushes = [BoxAnnotation(left=j - 0.07, right=j + 0.07, bottom=0, top=0, visible=False,
                             fill_color="#1f77b4", fill_alpha=0.15, line_color="#1f77b4",
                             line_width=1.5, level="overlay", editable=False)
               for j in range(k)]
    for box in brushes:
        p.add_layout(box)
    # each brush's range in the axis's values, beside it (filled in the page)
    brush_labels = ColumnDataSource({"x": [], "y": [], "text": []}, name="brush-labels",
                                    tags=[key])
    p.text("x", "y", "text", source=brush_labels, text_font_size="11px", text_align="right",
           text_baseline="middle", text_color="#174a7e", text_font_style="bold",
           background_fill_color="white", background_fill_alpha=0.85)
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
                      sizing_mode="stretch_width", max_width=width,
                      index_position=None, sortable=True, reorderable=False,
                      name="run-table", tags=[key])
    # a fixed width: a long count ("…; 9,869 of the sweep's 20,000 set aside") wraps instead
    # of pushing the controls beside it out of the plot's width
    count = Div(text=f"<b>{n:,}</b> of {n:,} runs selected", name="selected-count", tags=[key],
                width=330, styles={"font-family": FONT, "font-size": "14px",
                                   "padding-top": "6px"})
    note = Div(text="", name="drawn-note", tags=[key], styles={
        "font-family": FONT, "font-size": "12px", "color": "#555", "padding-top": "8px"})
    top = Select(title="", value="0", width=190, name="top-select", tags=[key], options=[
        ("0", "all runs")] + [(f, f"top {float(f):.0%} by {data.metric}")
                              for f in sorted(data.top_levels, key=float)])
    clear = Button(label="Clear selection", width=130, name="clear-button", tags=[key])
    keep = Button(label="Keep selected", width=120, name="keep-button", tags=[key])
    exclude = Button(label="Exclude selected", width=130, name="exclude-button", tags=[key])
    copy = Button(label="Copy run names", width=170, name="copy-button", tags=[key])
    where = TextInput(value="", width=330, name="where-input", tags=[key],
                      placeholder=f"filter, e.g. {data.metric} < … and state == finished")
    toggle = RadioButtonGroup(labels=["colour by sweep", "colour by metric"], active=0,
                              name="colour-toggle", tags=[key]) if data.group_names else None
    args = dict(
        runs=runs, compact=compact, coded=data.coded, crisp=crisp, shadow=shadow,
        backdrop=backdrop, density=density, table=table, table_filter=table_filter,
        brushes=brushes, brush_labels=brush_labels, hovered=hovered,
        axis_names=[a.name for a in data.axes],
        count=count, note=note, top=top, where=where, keep=keep, exclude=exclude, copy=copy,
        toggle=toggle, bar=bar, plot=p,
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
    p.js_on_event(events.DoubleTap, code)  # brushing itself listens to pointer events
    top.js_on_change("value", code)
    where.js_on_change("value", code)  # on Enter or when the box loses focus
    for button in (clear, keep, exclude, copy):
        button.js_on_event("button_click", code)
    extra: list = []
    if toggle is not None:
        toggle.js_on_change("active", code)
        extra = [toggle, Div(text=" ".join(
            f'<span style="color:{c}">&#9632;</span>&nbsp;{html.escape(name)}'
            for name, c in zip(data.group_names, _group_colors(data.group_names))),
            styles={"font-family": FONT, "font-size": "13px", "padding-top": "6px"})]
    heading = Div(text="Runs in the selection: best first until a column header is clicked "
                       "to sort by it",
                  styles={"font-family": FONT, "font-size": "14px", "font-weight": "600",
                          "padding-top": "8px"})
    actions = row(keep, exclude, copy, Div(
        text="Keep: the view narrows to the selection. Exclude: it is set aside. Clear "
             "selection brings every run back.", width=560,
        styles={"font-family": FONT, "font-size": "12px", "color": "#555", "padding-top": "2px"}))
    colouring = [row(*extra)] if extra else []  # a row of its own: the controls fit the width
    layout = column(row(count, top, where, clear), *colouring, p, note, actions, heading, table,
                    sizing_mode="stretch_width", max_width=width)
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
