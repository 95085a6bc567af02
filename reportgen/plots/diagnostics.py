"""Figures of the diagnostics: convergence, coverage and importance. They draw the numbers
the diagnostics computed; an empty input gives an empty, labelled figure."""

from __future__ import annotations

import math

import numpy as np
from bokeh.layouts import gridplot, row
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


def coverage_plot(info: CoverageInfo, width: int = 1080) -> object:
    """One small histogram per parameter on the PIT scale (its declared prior is flat there),
    or one bar per level, with what the prior expects."""
    figures = []
    for pc in info.params:
        p_text = "" if pc.pvalue_adjusted is None else f" (p = {fmt_number(pc.pvalue_adjusted, 2)})"
        if pc.kind == "categorical":
            labels = list(dict.fromkeys(pc.labels))  # FactorRange needs distinct labels
            if len(labels) != len(pc.histogram):
                labels = [f"{i}: {v}" for i, v in enumerate(pc.labels)]
            f = figure(width=260, height=190, x_range=labels, tools="save")
            f.vbar(x=labels, top=list(pc.histogram), width=0.7, color=RUNS, alpha=0.7)
            f.scatter(labels, list(pc.expected), marker="dash", size=24, color=PRIOR,
                      line_width=2)
            f.xaxis.major_label_orientation = 0.6 if len(labels) > 4 else 0
        else:
            bins = len(pc.histogram)
            edges = np.linspace(0, 1, bins + 1)
            f = figure(width=260, height=190, tools="save", x_range=Range1d(0, 1))
            f.quad(left=edges[:-1], right=edges[1:], bottom=0, top=list(pc.histogram),
                   color=RUNS, alpha=0.7, line_color="white")
            if pc.expected:
                f.line([0, 1], [pc.expected[0]] * 2, color=PRIOR, line_width=2, line_dash="dashed")
            f.xaxis.axis_label = "position in the declared range"
        _style(f, f"{pc.name}{p_text}")
        f.title.text_font_size = "12px"
        f.yaxis.axis_label = "runs"
        f.y_range.start = 0
        figures.append(f)
    if not figures:
        return empty_figure("No varying parameter to show")
    per_row = max(1, width // 270)
    return gridplot(figures, ncols=per_row, toolbar_location=None)


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
    title = f"Importance ({info.method})"
    if info.fit_r2 is not None:
        title += f" — out-of-sample R² {info.fit_r2:.2f}"
    _style(p, title)
    return p
