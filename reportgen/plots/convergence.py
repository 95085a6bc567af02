"""The convergence figure: the best so far over runs and over wall time, every run's value,
the crashes."""

from __future__ import annotations

import numpy as np
from bokeh.layouts import row
from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.plots._theme import BEST, CRASH, RUNS, empty_figure, style

#: above this many runs the convergence plot draws a sample of them as dots (stated)
MAX_DOTS = 4000

def convergence_plot(info: ConvergenceInfo, metric: str, values: np.ndarray, log_y: bool
                     ) -> object:
    """Best so far over runs (proposal order), every run's value, crashed runs as ticks; and
    best so far over wall time (finish order)."""
    n = len(info.best_so_far)
    kwargs = {"y_axis_type": "log"} if log_y else {}
    p = figure(width=640, height=300, tools="save,box_zoom,reset",
               x_axis_label="run (in order created)", y_axis_label=metric, **kwargs)
    style(p, f"Best {metric} so far, over runs")
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
    style(q, "Best so far, over wall time")
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
