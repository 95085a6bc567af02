"""The written summary of a sweep: every finding, most important first."""

from __future__ import annotations

from reportgen.diagnostics.findings import ranked
from reportgen.diagnostics.summary import Diagnostics


def summary(d: Diagnostics) -> tuple[tuple[str, str], ...]:
    """(severity, message) of each finding, most important first."""
    return tuple((f.severity, f.message) for f in ranked(list(d.findings)))
