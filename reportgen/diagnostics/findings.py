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
