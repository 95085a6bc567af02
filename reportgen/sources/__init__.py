"""Sources: each module reads one kind of input or declines; `load_sources` picks for each."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from reportgen.errors import SourceError
from reportgen.model import LoadedSweep

_WANDB_URL = re.compile(r"^(wandb://|https?://(www\.)?wandb\.ai/)")


def _wandb_cloud(source: str) -> list[LoadedSweep] | None:
    if not _WANDB_URL.match(source):
        return None
    raise SourceError(
        f"{source}: reading sweeps from the W&B cloud is not available in this version; "
        "export the sweep's runs table as CSV (Runs tab → Export as CSV) and build from that"
    )


def _loaders() -> list[tuple[str, Callable[[str], list[LoadedSweep] | None]]]:
    from reportgen.sources import demo, exports, wandb_offline

    return [
        ("demo", demo.load),
        ("W&B cloud", _wandb_cloud),
        ("W&B run folder", wandb_offline.load),
        ("table file (.csv .tsv .json .jsonl .parquet)", exports.load),
    ]


def load_source(source: str) -> list[LoadedSweep]:
    """The sweeps in one source string; one clear error when no source applies."""
    loaders = _loaders()
    for _, load in loaders:
        sweeps = load(source)
        if sweeps is not None:
            return sweeps
    path = Path(source)
    if not path.exists():
        raise SourceError(
            f"{source}: no such file or folder (and not a demo:NAME or wandb:// source)"
        )
    tried = "; ".join(name for name, _ in loaders)
    what = "a folder with no W&B runs (no wandb/offline-run-*/run-*.wandb)" if path.is_dir() \
        else f"a file of unknown type '{path.suffix or '(none)'}'"
    raise SourceError(f"{source} is {what}; tried: {tried}")
