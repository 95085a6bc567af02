"""ReportConfig: every option of a build, as the CLI parsed it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FetchOptions:
    """How W&B cloud sources are fetched and cached, and which study or experiment of an
    Optuna storage or MLflow store is read."""

    cache_dir: Path | None = None  # None: the user cache dir (see reportgen.sources.wandb_cache)
    refresh: bool = False  # fetch even when the cache holds a finished sweep
    offline: bool = False  # never fetch: the cache or an error
    quiet: bool = False  # no progress bar, no summary line
    timeout: float = 60.0  # seconds per request
    history: bool = False  # also fetch each run's sampled metric history
    metric: str | None = None  # the metric whose history to fetch (default: the config's)
    study: str | None = None  # the one Optuna study to read (default: every study)
    experiment: str | None = None  # the one MLflow experiment (name or id; default: every one)


@dataclass(frozen=True)
class ReportConfig:
    """What to read, how to read it, and where to write the report."""

    sources: tuple[str, ...] = ("demo",)
    output: Path = Path("report.html")  # a file, or (output_is_folder) the folder to write in
    output_is_folder: bool = False  # then the file is named after the sweep: SWEEP_ID.html
    # suggest: wandb (YAML), optuna (Python), or auto (optuna for an Optuna source); with
    # output_default the file's suffix follows the format (next.yaml or next.py)
    suggest_format: str = "auto"
    output_default: bool = False
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
    sweep_ids: tuple[str, ...] = ()  # --sweep: only these sweeps of the sources (id or name)
    fetch: FetchOptions = FetchOptions()
    command: str | None = None  # the command line that asked for it (secrets hidden)
