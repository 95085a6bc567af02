"""What several sections share: a static table, p-values and ranges as text, section anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.formatting import fmt_number


@dataclass(frozen=True)
class Table:
    """A static table: its header, its rows of text, and which columns are numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()


def p_text(value: float | None) -> str:
    """A p-value: two digits, "< 0.001" below that, "–" when there is none."""
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else fmt_number(value, 2)


def range_text(low: float | None, high: float | None) -> str:
    """"low … high" to 3 digits, "–" when either is unknown."""
    if low is None or high is None:
        return "–"
    return f"{fmt_number(low, 3)} … {fmt_number(high, 3)}"


def anchor_for(name: str, used: set[str]) -> str:
    """A section anchor from a sweep's name, unique among those `used` (which it joins)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "sweep"
    anchor, i = f"sweep-{base}", 2
    while anchor in used:
        anchor, i = f"sweep-{base}-{i}", i + 1
    used.add(anchor)
    return anchor
