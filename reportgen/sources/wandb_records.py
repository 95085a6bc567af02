"""W&B runs as reportgen reads them: a wandb Run as a plain record for the cache, and a cache
document as the model's LoadedSweep (so a rebuild from the cache reads the same)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from reportgen.errors import SourceError
from reportgen.model import LoadedSweep
from reportgen.sources.frame import finish_frame, flatten

#: the history samples fetched per run with --history
HISTORY_SAMPLES = 500


def run_record(run: Any) -> dict[str, Any]:
    """One wandb Run as the cache keeps it: plain values, config and summary flattened,
    media left out of the summary."""
    summary = dict(getattr(run, "summary_metrics", None) or {})
    config = {k: v for k, v in dict(run.config or {}).items() if k != "_wandb"}
    meta = summary.get("_wandb")
    wandb_meta: dict[str, Any] = meta if isinstance(meta, dict) else {}
    runtime = summary.get("_runtime", wandb_meta.get("runtime"))
    return {
        "run_id": run.id, "name": run.name or run.id, "state": run.state,
        "created_at": run.created_at, "heartbeat_at": getattr(run, "heartbeat_at", None),
        "runtime_s": float(runtime) if isinstance(runtime, (int, float)) else None,
        "tags": list(run.tags or []), "group": getattr(run, "group", None),
        "url": getattr(run, "url", None),
        "config": flatten(config, atomic=_is_media),
        "summary": {k: v for k, v in flatten(summary, atomic=_is_media).items()
                    if not k.startswith("_") and not _is_media(v)},
    }


def _is_media(value: Any) -> bool:
    return isinstance(value, dict) and "_type" in value


def to_loaded(doc: dict[str, Any], source: str, warnings: list[str], notes: list[str]
              ) -> LoadedSweep:
    """A cache document as the model's LoadedSweep."""
    records = doc["runs"]
    params = list(dict.fromkeys(k for r in records for k in r["config"]))
    metrics = list(dict.fromkeys(k for r in records for k in r["summary"]))
    rows = []
    for r in records:
        created = pd.to_datetime(r.get("created_at"), utc=True, errors="coerce")
        runtime = r.get("runtime_s")
        finished = created + pd.Timedelta(seconds=runtime) if runtime is not None \
            and not pd.isna(created) else pd.to_datetime(r.get("heartbeat_at"), utc=True,
                                                          errors="coerce")
        rows.append({"run_id": r["run_id"], "name": r["name"], "state": r["state"],
                     "created_at": created, "finished_at": finished,
                     "runtime_s": runtime if runtime is not None else float("nan"),
                     "tags": ", ".join(r.get("tags") or []) or None, "group": r.get("group"),
                     **{k: r["config"].get(k) for k in params},
                     **{k: r["summary"].get(k) for k in metrics}})
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(
        columns=["run_id", "name", "state", "created_at", "finished_at", "runtime_s"])
    origin = f"wandb://{doc['entity']}/{doc['project']}/{doc['sweep_id']}"
    runs, frame_warnings = finish_frame(frame, params + metrics, origin)
    history_best = None
    metric = doc.get("history_metric")
    if metric:
        history_best = pd.DataFrame(
            [{f"{metric}.min": (r.get("history") or {}).get("min"),
              f"{metric}.max": (r.get("history") or {}).get("max")} for r in records],
            index=pd.Index([r["run_id"] for r in records], name="run_id"), dtype=float)
        notes = notes + [f"history of {metric} fetched for {len(records)} runs "
                         f"({HISTORY_SAMPLES} samples at most each)"]
    if runs.empty:
        raise SourceError(f"{origin} has no runs yet")
    sweep = doc["sweep"]
    return LoadedSweep(
        name=sweep.get("name") or doc["sweep_id"], source=source, runs=runs,
        sweep_id=doc["sweep_id"], method=sweep.get("method"), config=sweep.get("config") or None,
        param_names=params, metric_names=metrics, history_best=history_best,
        warnings=warnings + frame_warnings, notes=notes, dialect="W&B cloud sweep")
