"""Sources: each module reads one kind of input or declines; `load_sources` picks for each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportgen.config import FetchOptions
from reportgen.errors import SourceError
from reportgen.model import LoadedSweep


def _loaders(fetch: FetchOptions | None
             ) -> list[tuple[str, Callable[[str], list[LoadedSweep] | None]]]:
    from reportgen.sources import (
        demo,
        exports,
        mlflow_store,
        optuna_store,
        wandb_api,
        wandb_offline,
    )

    study = fetch.study if fetch is not None else None
    experiment = fetch.experiment if fetch is not None else None
    history = fetch.metric if fetch is not None and fetch.history else None
    return [
        ("demo", demo.load),
        ("W&B cloud (wandb://ENTITY/PROJECT/SWEEP_ID)", lambda s: wandb_api.load(s, fetch)),
        ("W&B run folder", wandb_offline.load),
        ("MLflow store (mlruns folder, file: or http(s):// tracking URI)",
         lambda s: mlflow_store.load(s, experiment, history)),
        # before the tables: a journal file is JSON lines
        ("Optuna storage (SQLite file, RDB URL, journal file)",
         lambda s: optuna_store.load(s, study)),
        ("table file (.csv .tsv .json .jsonl .parquet)", exports.load),
    ]


def left_running() -> bool:
    """Whether a source started a client (wandb's) whose teardown can keep the process alive
    for minutes after all is written: the command line then leaves without it."""
    import sys

    module = sys.modules.get("reportgen.sources.wandb_api")
    return bool(module is not None and getattr(module, "API_STARTED", False))


def load_source(source: str, fetch: FetchOptions | None = None) -> list[LoadedSweep]:
    """The sweeps in one source string; one clear error when no source applies."""
    if not source.strip():
        raise SourceError("an empty source: give a file, a folder, a wandb:// sweep or demo")
    loaders = _loaders(fetch)
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
    what = "a folder with no W&B runs (no wandb/offline-run-*/run-*.wandb) and no MLflow " \
           "experiments (no EXPERIMENT/meta.yaml)" if path.is_dir() \
        else f"a file of unknown type '{path.suffix or '(none)'}'"
    raise SourceError(f"{source} is {what}; tried: {tried}")
