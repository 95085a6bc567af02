"""Shared look of the figures (fonts, colours, an empty figure), and stable Bokeh ids for
byte-identical reports."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from bokeh.models import Range1d
from bokeh.palettes import Category10_10, Viridis256
from bokeh.plotting import figure

FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
MISSING_COLOR = "#9e9e9e"
UNSELECTED_COLOR = "#c8c8c8"
#: best runs are bright (yellow), worst dark (purple), whatever the goal
PALETTE_BEST_HIGH = tuple(Viridis256)
#: the best so far, every run, a crash, and what random sampling expects
BEST = "#d1495b"
RUNS = "#3b528b"
CRASH = "#222222"  # black crosses: never the red of the best so far
PRIOR = "#9e9e9e"
#: one colour per compared sweep
SWEEP_COLORS = Category10_10


def sweep_colors(n: int) -> list[str]:
    """A colour for each of `n` sweeps (repeating after ten)."""
    return [SWEEP_COLORS[i % len(SWEEP_COLORS)] for i in range(n)]


def style(p, title: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """The shared look: fonts, title, a faint grid, no logo."""
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


@contextlib.contextmanager
def stable_ids() -> Iterator[None]:
    """Bokeh numbers its models from a process-wide counter and names embed elements with
    uuid4: start the counter afresh and number the uuids, so the same input gives the same
    bytes in any process."""
    import bokeh.util.serialization as ser

    counter = itertools.count(1)

    class _Uuid:
        @staticmethod
        def uuid4() -> str:
            return f"r{next(counter):07d}-0000-4000-8000-000000000000"

    saved_uuid, saved_id = ser.uuid, ser._simple_id
    ser.uuid, ser._simple_id = _Uuid, 1000  # type: ignore[assignment]
    try:
        yield
    finally:
        ser.uuid, ser._simple_id = saved_uuid, saved_id  # type: ignore[assignment]
