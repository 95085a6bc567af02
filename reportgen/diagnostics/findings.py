"""Finding: one observation a diagnostic makes, in one sentence, with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "notice", "warning")  # rising importance


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str  # info | notice | warning
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


def ranked(findings: list[Finding]) -> list[Finding]:
    """Warnings first; the rest in the order the diagnostics wrote them (overview first)."""
    return sorted(findings, key=lambda f: f.severity != "warning")
