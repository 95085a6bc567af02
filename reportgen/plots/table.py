"""Run tables: the columns shown, and the Bokeh DataTable columns with their formatters."""

from __future__ import annotations

import html

from bokeh.models import (
    DateFormatter,
    NumberFormatter,
    ScientificFormatter,
    StringFormatter,
    TableColumn,
)


def run_table_columns(spec: tuple[tuple[str, str, str], ...]) -> list[TableColumn]:
    """(field, title, kind) → TableColumns; kind is text, number, sci (numbers below 1e-3
    or above 1e6) or time. Text is shown as text (never as markup): run names and config
    values are set by any W&B user."""
    out = []
    for field, title, kind in spec:
        if kind == "sci":
            formatter = ScientificFormatter(precision=3, power_limit_high=0, power_limit_low=0,
                                            nan_format="–", null_format="–")
        elif kind == "number":
            formatter = NumberFormatter(format="0,0.[0000]", nan_format="–", null_format="–",
                                        text_align="right")
        elif kind == "time":
            formatter = DateFormatter(format="%Y-%m-%d %H:%M", nan_format="–", null_format="–")
        else:
            formatter = StringFormatter(nan_format="–", null_format="–")
        width = 180 if field == "name" else 90
        width = 130 if kind == "time" else width
        # SlickGrid writes header titles as HTML: escape, or a column name could run script
        out.append(TableColumn(field=field, title=html.escape(title), formatter=formatter,
                               width=width))
    return out
