"""ReportConfig: every option of a build, as the CLI parsed it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReportConfig:
    """What to read, how to read it, and where to write the report."""

    sources: tuple[str, ...] = ("demo",)
    output: Path = Path("report.html")
    json_path: Path | None = None
    summary_md: Path | None = None
    metric: str | None = None
    goal: str | None = None
    sweep_config: dict[str, Any] | None = None
    sweep_config_path: str | None = None
    params: tuple[str, ...] | None = None
    axes: tuple[str, ...] | None = None
    axis_order: str = "importance"  # importance | config
    where: str | None = None
    deterministic: bool = False
    top_fraction: float = 0.1
