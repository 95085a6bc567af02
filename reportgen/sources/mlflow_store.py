"""MLflow experiments where they live: an `mlruns/` file store (a folder, or a `file:` URI) or
a tracking server (an `http(s)://` URI), read through MLflow's own store and client, and
never written (MLflow's file store makes a `.trash` folder and a default experiment when it
opens a folder; reportgen opens it without). Each experiment is a sweep, or, when its runs
are nested (hyperopt's and Optuna's MLflow integrations log each trial as a child run), each
parent run is the sweep of its children. A run's params are its parameters (text, read as
numbers where they are), its metrics' last values its metrics (and with --history the best
value over the run), its status its state, its start and end times, and its own tags."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pandas as pd

from reportgen.errors import SourceError, first_line
from reportgen.model import LoadedSweep
from reportgen.sources.dialects import MLFLOW_STATES
from reportgen.sources.frame import finish_frame, history_extrema

INSTALL = 'pip install "reportgen[mlflow]"'
PARENT = "mlflow.parentRunId"
PAGE = 1000


def load(source: str, experiment: str | None = None, history_metric: str | None = None
         ) -> list[LoadedSweep] | None:
    """The experiments of an MLflow store (or only `experiment`, by name or id), or decline
    (None) when `source` is not one. `history_metric`: also read that metric's history."""
    kind = _kind(source)
    if kind is None:
        return None
    client = _client(kind, source)
    try:
        from mlflow.entities import ViewType

        experiments = list(client.search_experiments(view_type=ViewType.ACTIVE_ONLY))
    except Exception as exc:  # noqa: BLE001 - MLflow's and the network's errors: one line
        raise SourceError(f"cannot read the MLflow store {source}: {first_line(exc)}") \
            from None
    if experiment is not None:
        chosen = [e for e in experiments if experiment in (e.name, e.experiment_id)]
        if not chosen:
            names = ", ".join(e.name for e in experiments)
            raise SourceError(f"{source} has no experiment '{experiment}'; its experiments: "
                              f"{names or 'none'}")
        experiments = chosen
    out: list[LoadedSweep] = []
    for exp in experiments:
        runs = _runs(client, exp.experiment_id, source)
        if not runs and experiment is None:
            continue  # an empty experiment (MLflow's "Default", often)
        out.extend(_sweeps(client, exp, runs, source, history_metric))
    if not out:
        raise SourceError(f"{source} is an MLflow store without any run"
                          + (f" in experiment '{experiment}'" if experiment else ""))
    return out


def _kind(source: str) -> str | None:
    """file (a folder of experiments, or a file: URI) or server (http/https), else None."""
    if re.match(r"^https?://", source, re.IGNORECASE):
        return None if "wandb.ai" in source.lower() else "server"
    if source.lower().startswith("file:"):
        return "file"
    path = Path(source)
    if not path.is_dir():
        return None
    for child in path.iterdir():
        meta = child / "meta.yaml"
        if child.is_dir() and meta.is_file():
            try:
                head = meta.read_text(encoding="utf-8", errors="replace")[:4000]
            except OSError:
                continue
            if re.search(r"^experiment_id:", head, re.MULTILINE) and \
                    re.search(r"^lifecycle_stage:", head, re.MULTILINE):
                return "file"
    return None


def _client(kind: str, source: str):  # type: ignore[no-untyped-def]
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise SourceError(f"reading MLflow experiments needs MLflow: {INSTALL}") from None
    if kind == "server":  # a few quick retries, not MLflow's minutes of them
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
        return MlflowClient(tracking_uri=source)
    root = Path(unquote(urlparse(source).path)) if source.lower().startswith("file:") \
        else Path(source)
    if not root.is_dir():
        raise SourceError(f"{source}: no such folder")
    return _ReadOnlyClient(_read_only_store(root.resolve()))


def _read_only_store(root: Path):  # type: ignore[no-untyped-def]
    """MLflow's FileStore over `root`, opened without its writes (a default experiment and a
    .trash folder it makes when they are missing); it is in maintenance mode in MLflow 3,
    which only matters to writers."""
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow.store.tracking.abstract_store import AbstractStore
    from mlflow.store.tracking.file_store import FileStore

    class ReadOnlyFileStore(FileStore):  # type: ignore[misc]
        def __init__(self, folder: Path) -> None:  # FileStore's, without the two mkdirs
            AbstractStore.__init__(self)
            self.root_directory = str(folder)
            self.artifact_root_uri = folder.as_uri()
            self.trash_folder = str(folder / FileStore.TRASH_FOLDER_NAME)

        def _get_deleted_experiments(self, full_path=False):  # type: ignore[no-untyped-def]
            if not os.path.isdir(self.trash_folder):  # none deleted: there is no .trash
                return []
            return super()._get_deleted_experiments(full_path)

    return ReadOnlyFileStore(root)


class _ReadOnlyClient:
    """The three reads reportgen makes, on a store (MlflowClient opens its own, writable)."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store = store

    def search_experiments(self, view_type):  # type: ignore[no-untyped-def]
        return self.store.search_experiments(view_type=view_type, max_results=PAGE)

    def search_runs(self, ids, run_view_type, max_results, page_token=None):  # type: ignore
        return self.store.search_runs(ids, "", run_view_type, max_results, None, page_token)

    def get_metric_history(self, run_id, key):  # type: ignore[no-untyped-def]
        return self.store.get_metric_history(run_id, key)


def _runs(client, experiment_id: str, source: str) -> list:  # type: ignore[no-untyped-def]
    from mlflow.entities import ViewType

    out, token = [], None
    try:
        while True:
            page = client.search_runs([experiment_id], run_view_type=ViewType.ACTIVE_ONLY,
                                      max_results=PAGE, page_token=token)
            out.extend(page)
            token = getattr(page, "token", None)
            if not token:
                return out
    except Exception as exc:  # noqa: BLE001
        raise SourceError(f"cannot read the runs of {source}: {first_line(exc)}") from None


def _sweeps(client, exp, runs: list, source: str,  # type: ignore[no-untyped-def]
            history_metric: str | None) -> list[LoadedSweep]:
    """One sweep per parent run (its children), and one for the runs that are neither."""
    by_id = {r.info.run_id: r for r in runs}
    children: dict[str, list] = {}
    for r in runs:
        parent = r.data.tags.get(PARENT)
        if parent:
            children.setdefault(parent, []).append(r)
    plain = [r for r in runs if not r.data.tags.get(PARENT) and r.info.run_id not in children]
    groups: list[tuple[str, str, list]] = []
    for parent, kids in children.items():
        head = by_id.get(parent)
        name = (head.info.run_name if head is not None else None) or parent
        groups.append((parent, f"{exp.name} / {name}", kids))
    if plain:
        groups.append((exp.experiment_id, exp.name, plain))
    return [_sweep(client, sweep_id, name, members, source, history_metric)
            for sweep_id, name, members in groups]


def _sweep(client, sweep_id: str, name: str, runs: list, source: str,  # type: ignore
           history_metric: str | None) -> LoadedSweep:
    rows: list[dict[str, Any]] = []
    params: dict[str, None] = {}  # ordered sets: first seen first
    metrics: dict[str, None] = {}
    histories: dict[str, dict[str, list[float]]] = {}
    unread = 0
    for r in runs:
        info, data = r.info, r.data
        row: dict[str, Any] = {
            "run_id": info.run_id, "name": info.run_name or data.tags.get("mlflow.runName")
            or info.run_id, "state": str(info.status),
            "created_at": _time(info.start_time), "finished_at": _time(info.end_time)}
        if info.start_time and info.end_time:
            row["runtime_s"] = (info.end_time - info.start_time) / 1000
        own = {k: v for k, v in data.tags.items() if not k.startswith("mlflow.")}
        if own:
            row["tags"] = ", ".join(f"{k}={v}" if v else k for k, v in sorted(own.items()))
        for k, v in data.params.items():
            params.setdefault(k, None)
            row[k] = v
        for k, v in data.metrics.items():
            metrics.setdefault(k, None)
            row.setdefault(k, v)
        if history_metric and history_metric in data.metrics:
            values = [m.value for m in _history(client, info.run_id, history_metric)]
            if values:
                histories[info.run_id] = {history_metric: values}
            else:
                unread += 1
        rows.append(row)
    frame = pd.DataFrame(rows)
    names = [*params, *(m for m in metrics if m not in params)]
    runs_frame, warnings = finish_frame(frame, names, source, MLFLOW_STATES)
    if unread:
        warnings.append(f"{source}: the history of {history_metric} could not be read for "
                        f"{unread} run(s) of {name}: their last value only")
    history = history_extrema(list(histories), histories) if histories else None
    return LoadedSweep(
        name=name, source=source, runs=runs_frame, sweep_id=sweep_id,
        param_names=list(params), metric_names=[m for m in metrics if m not in params],
        history_best=history, dialect="MLflow experiment", warnings=warnings,
        notes=[f"read {len(runs_frame):,} runs of {name} from the MLflow store"])


def _history(client, run_id: str, key: str) -> list:  # type: ignore[no-untyped-def]
    try:
        return list(client.get_metric_history(run_id, key))
    except Exception:  # noqa: BLE001 - a run without a readable history: its last value only
        return []


def _time(ms: int | None) -> pd.Timestamp | None:
    return pd.Timestamp(ms, unit="ms", tz="UTC") if ms else None

