"""Figures of the comparison of several sweeps: best so far and targets reached over runs
started, and the distribution of run values."""

from __future__ import annotations

import numpy as np
from bokeh.layouts import row
from bokeh.models import Span
from bokeh.plotting import figure

from reportgen.diagnostics.compare import TARGETS, ComparisonInfo
from reportgen.plots._theme import style, sweep_colors


def comparison_plots(info: ComparisonInfo):  # type: ignore[no-untyped-def]
    """Three panels, one colour per sweep: the best so far over runs started, the share of
    targets reached, and the distribution of run values."""
    colors = sweep_colors(len(info.names))
    curves = figure(width=380, height=290, tools="save,box_zoom,reset",
                    x_axis_label="runs started", y_axis_label=info.metric)
    style(curves, f"Best {info.metric} so far")
    for name, curve, color in zip(info.names, info.curves, colors):
        x = np.arange(1, len(curve) + 1)
        curves.step(x, curve, mode="after", line_width=2, color=color, legend_label=name)
    curves.add_layout(Span(location=info.budget, dimension="height", line_dash="dashed",
                           line_color="#9e9e9e"))
    ecdf = figure(width=380, height=290, tools="save,box_zoom,reset", x_axis_label="runs started",
                  y_axis_label="share of targets reached", y_range=(0, 1.02))
    style(ecdf, f"Targets reached ({TARGETS} targets, first {info.budget} runs)")
    for name, values, color in zip(info.names, info.ecdf, colors):
        ecdf.step(np.arange(1, len(values) + 1), values, mode="after", line_width=2, color=color,
                  legend_label=name)
    dist = figure(width=380, height=290, tools="save,box_zoom,reset", x_axis_label=info.metric,
                  y_axis_label="share of runs at or better than", y_range=(0, 1.02))
    style(dist, "Distribution of run values")
    for name, values, color in zip(info.names, info.values, colors):
        ordered = np.sort(values) if info.goal == "minimize" else np.sort(values)[::-1]
        if len(ordered):
            dist.step(ordered, np.arange(1, len(ordered) + 1) / len(ordered), mode="after",
                      line_width=2, color=color, legend_label=name)
    for p in (curves, ecdf, dist):
        p.legend.label_text_font_size = "10px"
        p.legend.background_fill_alpha = 0.7
        p.legend.location = "top_right" if p is curves else "bottom_right"
    return row(curves, ecdf, dist)
