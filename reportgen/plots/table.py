"""Run tables: the columns shown, and the Bokeh DataTable columns with their formatters."""

from __future__ import annotations

import html

from bokeh.models import DateFormatter, HTMLTemplateFormatter, StringFormatter, TableColumn

#: numbers written by the page script's `fmt`, as the report's text writes them
#: (formatting.fmt_number); a value that is not a number is a dash
NUMBER_TEMPLATE = ('<div style="text-align:right"><%= typeof value === "number" && '
                   'value === value ? window.reportgen_parallel.fmt(value) : "–" %></div>')


def run_table_columns(spec: tuple[tuple[str, str, str], ...]) -> list[TableColumn]:
    """(field, title, kind) → TableColumns; kind is text, number, sci (numbers below 1e-3
    or above 1e6) or time. Numbers are written as everywhere else on the page (4 significant
    digits, an exponent outside 1e-3 … 1e6); text is shown as text (never as markup): run
    names and config values are set by any W&B user."""
    out = []
    for field, title, kind in spec:
        if kind in ("sci", "number"):
            formatter = HTMLTemplateFormatter(template=NUMBER_TEMPLATE)
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
