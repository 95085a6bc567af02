"""The view model as plain text, for review: what every section of the page says, without
the page's markup or the figures' data. `sample_reports/demo.view.txt` is the demo's."""

from __future__ import annotations

import dataclasses
from typing import Any

from reportgen.sections.common import Table


def view_text(views: tuple[Any, ...], comparison: Any | None = None) -> str:
    """Each sweep's sections, then the comparison, as indented text."""
    lines: list[str] = []
    for view in views:
        lines.append(f"=== {view.anchor}")
        _walk(view, "", lines)
    if comparison is not None:
        lines.append("=== comparison")
        _walk(comparison, "", lines)
    return "\n".join(lines) + "\n"


def _walk(value: Any, indent: str, lines: list[str]) -> None:
    """A dataclass's compared fields, one per line; tables and pairs laid out."""
    for f in dataclasses.fields(value):
        if not f.compare:  # figures' data and Bokeh divs: not text
            continue
        _field(f.name, getattr(value, f.name), indent, lines)


def _field(name: str, value: Any, indent: str, lines: list[str]) -> None:
    if isinstance(value, Table):
        lines.append(f"{indent}{name}:")
        for row in (value.header, *value.rows):
            lines.append(f"{indent}  | " + " | ".join(row) + " |")
    elif dataclasses.is_dataclass(value):
        lines.append(f"{indent}{name}:")
        _walk(value, indent + "  ", lines)
    elif isinstance(value, tuple) and value and all(
            isinstance(v, tuple) and len(v) == 2 for v in value):
        lines.append(f"{indent}{name}:")
        for k, v in value:
            if isinstance(v, tuple):  # a group of pairs
                _field(str(k), v, indent + "  ", lines)
            else:
                lines.append(f"{indent}  {k}: {v}")
    elif isinstance(value, tuple):
        lines.append(f"{indent}{name}:" + ("" if value else " –"))
        lines.extend(f"{indent}  - {v}" for v in value)
    elif isinstance(value, str) and "\n" in value:
        lines.append(f"{indent}{name}: |")
        lines.extend(f"{indent}  {line}" for line in value.rstrip("\n").split("\n"))
    else:
        lines.append(f"{indent}{name}: {value if value not in ('', None) else '–'}")
