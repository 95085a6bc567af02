"""The coverage figure: one panel per parameter, its values against what random sampling
from its declared prior expects."""

from __future__ import annotations

import math

import numpy as np
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.formatting import fmt_number
from reportgen.plots._theme import FONT, PRIOR, RUNS, empty_figure

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
