"""The importance figure: each parameter's effect size with its interval and chance level."""

from __future__ import annotations

import math

from bokeh.models import ColumnDataSource, Range1d, Whisker
from bokeh.plotting import figure

from reportgen.diagnostics.importance import ImportanceInfo
from reportgen.plots._theme import RUNS, empty_figure, style


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
    style(p, title)
    return p
