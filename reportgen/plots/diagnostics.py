"""Figures of the diagnostics: convergence, coverage and importance. They draw the numbers
the diagnostics computed; an empty input gives an empty, labelled figure."""

from __future__ import annotations

import math

import numpy as np
from bokeh.core.properties import value
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, HoverTool, Range1d, Whisker
from bokeh.plotting import figure

from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.diagnostics.importance import ImportanceInfo
from reportgen.formatting import fmt_number
from reportgen.plots._theme import FONT

BEST = "#d1495b"
RUNS = "#3b528b"
CRASH = "#e4572e"
PRIOR = "#9e9e9e"
#: above this many runs the convergence plot draws a sample of them as dots (stated)
MAX_DOTS = 4000


def _style(p, title: str | None = None) -> None:  # type: ignore[no-untyped-def]
    p.toolbar.logo = None
    p.title.text_font = FONT
    p.title.text_font_size = "13px"
    if title:
        p.title.text = title
    for axis in (p.xaxis, p.yaxis):
        axis.axis_label_text_font = FONT
        axis.axis_label_text_font_style = "normal"
        axis.major_label_text_font = FONT
    p.grid.grid_line_alpha = 0.4


def empty_figure(message: str, width: int = 440, height: int = 120):  # type: ignore[no-untyped-def]
    """A labelled figure with nothing to draw (Bokeh warns about a figure with no glyph)."""
    p = figure(width=width, height=height, tools="", x_range=Range1d(0, 1),
               y_range=Range1d(0, 1))
    p.text(x=[0.5], y=[0.5], text=[message], text_align="center", text_baseline="middle",
           text_color="#757575", text_font_size="12px")
    p.axis.visible = False
    p.grid.visible = False
    p.toolbar.logo = None
    p.outline_line_color = None
    return p


def convergence_plot(info: ConvergenceInfo, metric: str, values: np.ndarray, log_y: bool
                     ) -> object:
    """Best so far over runs (proposal order), every run's value, crashed runs as ticks; and
    best so far over wall time (finish order)."""
    n = len(info.best_so_far)
    kwargs = {"y_axis_type": "log"} if log_y else {}
    p = figure(width=640, height=300, tools="save,box_zoom,reset",
               x_axis_label="run (in order created)", y_axis_label=metric, **kwargs)
    _style(p, f"Best {metric} so far, over runs")
    x = np.arange(1, n + 1)
    ok = np.isfinite(values)
    drawn = _dots(ok, info.best_so_far)
    dots = p.scatter("x", "y", source=ColumnDataSource({"x": x[drawn], "y": values[drawn]}),
                     size=4, color=RUNS, alpha=0.45 if len(drawn) < 1000 else 0.25,
                     legend_label="run" if len(drawn) == ok.sum() else "run (a sample)")
    steps = _changes(info.best_so_far)
    p.step(x[steps], info.best_so_far[steps], mode="after", line_width=2.5, color=BEST,
           legend_label="best so far")
    finite = values[ok]
    crashed = info.crashed_positions
    if len(crashed) > MAX_DOTS // 2:
        crashed = crashed[np.linspace(0, len(crashed) - 1, MAX_DOTS // 2).astype(int)]
    if len(crashed) and len(finite):
        base = float(np.nanmin(finite)) if not log_y else float(np.nanmin(finite[finite > 0]))
        p.scatter(crashed + 1, np.full(len(crashed), base),
                  marker="x", size=8, color=CRASH, legend_label="crashed / failed")
    if len(drawn) < ok.sum() or len(crashed) < len(info.crashed_positions):
        p.title.text += (f" ({len(drawn):,} of {int(ok.sum()):,} runs drawn as dots: evenly "
                         "spaced, plus every new best)")
    p.add_tools(HoverTool(renderers=[dots], tooltips=[("run", "@x"), (metric, "@y")]))
    if len(finite) >= 20 and not log_y:  # a long tail of bad runs would flatten the curve
        low, p95, high = np.min(finite), np.percentile(finite, 95), np.max(finite)
        best_first = float(np.nanmax(info.best_so_far)) if np.isfinite(info.best_so_far).any() \
            else p95
        cut = max(p95, best_first)
        if high - low > 3 * (cut - low) and cut > low:
            p.y_range = Range1d(low - 0.05 * (cut - low), cut + 0.1 * (cut - low))
            hidden = int(np.sum(finite > cut + 0.1 * (cut - low)))
            p.title.text += f" ({hidden:,} runs above the top edge)"
    p.legend.location = "top_right"
    p.legend.label_text_font_size = "11px"
    p.legend.background_fill_alpha = 0.7
    times, best = info.best_by_time
    if not len(times):
        return row(p, empty_figure("No finish times in the data: no curve over wall time",
                                   440, 300))
    q = figure(width=440, height=300, tools="save,box_zoom,reset",
               x_axis_label="hours since the first run started", y_axis_label=metric, **kwargs)
    _style(q, "Best so far, over wall time")
    steps = _changes(best)
    q.step(times[steps] / 3600, best[steps], mode="after", line_width=2.5, color=BEST)
    return row(p, q)


def _dots(ok: np.ndarray, best_so_far: np.ndarray) -> np.ndarray:
    """Runs drawn as dots: all, or for large sweeps MAX_DOTS evenly spaced ones plus every run
    that set a new best (the curve's steps stay on dots)."""
    have = np.flatnonzero(ok)
    if len(have) <= MAX_DOTS:
        return have
    sample = have[np.linspace(0, len(have) - 1, MAX_DOTS).astype(int)]
    return np.union1d(sample, np.intersect1d(have, _changes(best_so_far)))


def _changes(curve: np.ndarray) -> np.ndarray:
    """Indices where a step curve changes, and its last point: the same steps, fewer points."""
    if len(curve) < 3:
        return np.arange(len(curve))
    prev = np.concatenate([[np.nan], curve[:-1]])
    same = (curve == prev) | (np.isnan(curve) & np.isnan(prev))
    keep = ~same
    keep[-1] = True
    return np.flatnonzero(keep)


#: the coverage panels: each 1 wide and 1 high in data units, with this much space around
PANEL_GAP_X = 0.18
PANEL_GAP_Y = 0.62
PANEL_PIXELS = (270, 200)


def coverage_plot(info: CoverageInfo, width: int = 1080) -> object:
    """One small histogram per parameter on the PIT scale (its declared prior is flat there),
    or one bar per level, with what the prior expects (dashed) — all in one figure, a panel per
    parameter scaled to its own largest count (one figure, not a grid of them: each Bokeh
    figure costs dozens of models to build and ship)."""
    if not info.params:
        return empty_figure("No varying parameter to show")
    per_row = max(1, width // PANEL_PIXELS[0])
    rows = math.ceil(len(info.params) / per_row)
    bars: dict[str, list] = {k: [] for k in ("left", "right", "bottom", "top", "param", "what",
                                             "runs", "expected")}
    prior_x: list[list[float]] = []
    prior_y: list[list[float]] = []
    labels: dict[str, list] = {"x": [], "y": [], "text": [], "angle": []}
    titles: dict[str, list] = {"x": [], "y": [], "text": []}
    for i, pc in enumerate(info.params):
        r, c = divmod(i, per_row)
        x0, y0 = c * (1 + PANEL_GAP_X), -r * (1 + PANEL_GAP_Y)
        counts = list(pc.histogram)
        expected = list(pc.expected) or [0.0] * len(counts)
        scale = max([1.0, *counts, *expected])
        k = len(counts)
        edges = np.linspace(0, 1, k + 1)
        categorical = pc.kind == "categorical"
        for b, (n_runs, e) in enumerate(zip(counts, expected)):
            lo, hi = edges[b], edges[b + 1]
            if categorical:  # a bar in the middle of the level's cell
                pad = 0.15 * (hi - lo)
                lo, hi = lo + pad, hi - pad
            bars["left"].append(x0 + lo)
            bars["right"].append(x0 + hi)
            bars["bottom"].append(y0)
            bars["top"].append(y0 + n_runs / scale)
            bars["param"].append(pc.name)
            bars["what"].append(pc.labels[b] if categorical and b < len(pc.labels) else
                                f"{edges[b]:.2f}–{edges[b + 1]:.2f} of the range")
            bars["runs"].append(int(n_runs))
            bars["expected"].append(fmt_number(e, 3))
            if categorical:
                prior_x.append([x0 + lo, x0 + hi])
                prior_y.append([y0 + e / scale] * 2)
                labels["x"].append(x0 + (edges[b] + edges[b + 1]) / 2)
                labels["y"].append(y0 - 0.04)
                labels["text"].append(pc.labels[b] if b < len(pc.labels) else "")
                labels["angle"].append(0.6 if k > 4 else 0.0)
        if not categorical and expected:
            prior_x.append([x0, x0 + 1])
            prior_y.append([y0 + expected[0] / scale] * 2)
            for at, text in ((0.0, "low"), (1.0, "high")):
                labels["x"].append(x0 + at)
                labels["y"].append(y0 - 0.04)
                labels["text"].append(text)
                labels["angle"].append(0.0)
        p_text = "" if pc.pvalue_adjusted is None else f"  p = {fmt_number(pc.pvalue_adjusted, 2)}"
        titles["x"].append(x0)
        titles["y"].append(y0 + 1.06)
        titles["text"].append(f"{pc.name}{p_text}  (max {int(max(counts or [0]))} runs)")
    f = figure(width=min(width, per_row * PANEL_PIXELS[0]),
               height=rows * PANEL_PIXELS[1] + 20, tools="save", toolbar_location=None,
               x_range=Range1d(-0.04, per_row * (1 + PANEL_GAP_X) - PANEL_GAP_X + 0.04),
               y_range=Range1d(-(rows - 1) * (1 + PANEL_GAP_Y) - 0.45, 1.22))
    quads = f.quad(source=ColumnDataSource(bars), left="left", right="right", bottom="bottom",
                   top="top", color=RUNS, alpha=0.7, line_color="white")
    f.multi_line(prior_x, prior_y, color=PRIOR, line_width=2, line_dash="dashed")
    f.text(x="x", y="y", text="text", angle="angle", source=ColumnDataSource(labels),
           text_align="center", text_baseline="top", text_font_size="10px", text_color="#616161",
           text_font=value(FONT))
    f.text(x="x", y="y", text="text", source=ColumnDataSource(titles), text_align="left",
           text_baseline="bottom", text_font_size="12px", text_font=value(FONT),
           text_color="#212121")
    f.add_tools(HoverTool(renderers=[quads], tooltips=[
        ("parameter", "@param"), ("where", "@what"), ("runs", "@runs"),
        ("random sampling expects", "@expected")]))
    f.axis.visible = False
    f.grid.visible = False
    f.outline_line_color = None
    f.toolbar.logo = None
    return f


def importance_plot(info: ImportanceInfo) -> object:
    """Effect sizes with their intervals, most important on top: a detected effect in colour,
    the rest grey; a tick marks the level 95% of shuffled copies stay below (chance)."""
    params = sorted(info.params, key=lambda p: (-p.rank, p.score))
    if not params:
        return empty_figure("Too few runs to estimate importance")
    names = [p.name for p in params]
    colors = [RUNS if p.detected and info.reliable else "#bdbdbd" for p in params]
    source = ColumnDataSource({"name": names, "score": [p.score for p in params],
                               "low": [p.low for p in params], "high": [p.high for p in params],
                               "color": colors,
                               "chance": [p.chance if p.chance is not None else math.nan
                                          for p in params]})
    p = figure(y_range=names, width=640, height=max(160, 34 * len(names) + 70), tools="save",
               x_axis_label="effect size ε² (grey: no effect chance cannot explain; "
                            "| chance level)")
    p.hbar(y="name", right="score", height=0.6, source=source, color="color", alpha=0.85)
    p.add_layout(Whisker(source=source, base="name", lower="low", upper="high",
                         dimension="width", line_color="#424242"))
    p.scatter(x="chance", y="name", source=source, marker="dash", angle=math.pi / 2, size=18,
              line_color="#d32f2f", line_width=2)
    top = max([p_.high for p_ in params] + [p_.chance or 0 for p_ in params] + [1e-9])
    p.x_range = Range1d(0, min(1.05, max(0.05, top * 1.1)) if math.isfinite(top) else 1)
    title = "Effect on the metric, by parameter"
    if info.fit_r2 is not None:
        title += f" — out-of-sample R² {info.fit_r2:.2f}"
    _style(p, title)
    return p
