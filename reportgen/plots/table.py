"""Run tables: the columns shown, and the Bokeh DataTable columns with their formatters."""

from __future__ import annotations

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
            formatter = ScientificFormatter(precision=3, power_limit_high=6, power_limit_low=-3,
                                            nan_format="–", null_format="–")
        elif kind == "number":
            formatter = NumberFormatter(format="0,0.[0000]", nan_format="–", null_format="–",
                                        text_align="right")
        elif kind == "time":
            formatter = DateFormatter(format="%Y-%m-%d %H:%M", nan_format="–", null_format="–")
        else:
            formatter = StringFormatter(nan_format="–", null_format="–")
        width = 180 if field == "name" else 90
        out.append(TableColumn(field=field, title=title, formatter=formatter, width=width))
    return out
