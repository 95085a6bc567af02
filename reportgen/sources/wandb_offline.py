"""W&B run folders (`wandb/offline-run-*`, `wandb/run-*`): read each `run-*.wandb` file.

Parameters are the run's config keys, metrics its summary keys (nested keys joined with dots).
State rule: an exit record with code 0 → finished, another code → failed; no exit record →
crashed when the file has not changed for STALE_SECONDS, else running.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reportgen.errors import SourceError
from reportgen.model import LoadedSweep
from reportgen.sources.frame import finish_frame, flatten, history_extrema

STALE_SECONDS = 300
NO_SWEEP = "(no sweep)"


def find_run_files(path: Path) -> list[Path]:
    """The `run-*.wandb` files below `path` (a wandb/ folder, a project folder or a run)."""
    if path.is_file():
        return [path] if path.suffix == ".wandb" else []
    if not path.is_dir():
        return []
    found = sorted(path.glob("*run-*/run-*.wandb")) or sorted(path.glob("wandb/*run-*/run-*.wandb"))
    if not found:
        found = sorted(path.glob("run-*.wandb"))
    return found


def load(source: str) -> list[LoadedSweep] | None:
    """Load the runs of a W&B run folder, one sweep per sweep id, or decline (None)."""
    path = Path(source)
    if source.startswith(("wandb://", "demo:", "http")) or not path.exists():
        return None
    files = find_run_files(path)
    if not files:
        return None
    try:
        from reportgen.sources.wandb_file import NotAWandbFile, read_records
    except ImportError:
        raise SourceError(f"{path}: reading W&B run files needs wandb: pip install wandb") from None
    rows, histories, warnings = [], {}, []
    seen: dict[str, Path] = {}
    for file in files:
        try:
            result = read_records(file)
        except NotAWandbFile as exc:
            warnings.append(f"{exc}: skipped")
            continue
        except OSError as exc:
            raise SourceError(f"cannot read {file}: {exc.strerror or exc}") from None
        if result.damage:
            warnings.append(
                f"{file.name} is damaged ({result.damage}): used the {len(result.records)} "
                "records before it"
            )
        row, history = interpret(result.records, file)
        if row is None:
            warnings.append(f"{file} holds no run record: skipped")
            continue
        if row["run_id"] in seen:  # a run folder copied (offline-run-* and run-*, say)
            warnings.append(f"run {row['run_id']} is in two folders ({seen[row['run_id']].name} "
                            f"and {file.parent.name}): kept the first")
            continue
        seen[row["run_id"]] = file.parent
        rows.append(row)
        histories[row["run_id"]] = history
    if not rows:
        raise SourceError(f"{path}: none of the {len(files)} .wandb files holds a readable run")
    agent_keys = {p.parent.name.removeprefix("sweep-"): _agent_keys(p.parent)
                  for p in {f.parent.parent for f in files}
                  for p in p.glob("sweep-*/config-*.yaml")}
    return _group(path, rows, histories, warnings, agent_keys)


def _agent_keys(folder: Path) -> list[str]:
    """The config keys a W&B sweep agent set for its runs: `wandb/sweep-ID/config-RUN.yaml`
    holds `{key: {value: ...}}` for each parameter of the sweep (read from a few runs)."""
    import yaml

    keys: list[str] = []
    for file in sorted(folder.glob("config-*.yaml"))[:5]:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict):
            keys += [str(k) for k in data if k not in ("wandb_version", "_wandb")]
    return list(dict.fromkeys(keys))


def interpret(records: list[Any], file: Path) -> tuple[dict[str, Any] | None, dict[str, list]]:
    """One run's row (config, summary, state, times) and its numeric history values."""
    run = None
    config: dict[str, Any] = {}
    summary: dict[str, Any] = {}
    history: dict[str, list[float]] = defaultdict(list)
    exit_record = None
    for rec in records:
        kind = rec.WhichOneof("record_type")
        if kind == "run":
            run = rec.run
            _apply(config, rec.run.config.update, rec.run.config.remove)
        elif kind == "config":
            _apply(config, rec.config.update, rec.config.remove)
        elif kind == "summary":
            _apply(summary, rec.summary.update, rec.summary.remove)
        elif kind == "history":
            for item in rec.history.item:
                key = ".".join(item.nested_key) if item.nested_key else item.key
                value = _history_value(item)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    history[key].append(float(value))
        elif kind == "exit":
            exit_record = rec.exit
    if run is None:
        return None, {}
    config.pop("_wandb", None)
    params = flatten({k: v for k, v in config.items()})
    wandb_meta = summary.get("_wandb") or {}
    runtime = summary.get("_runtime", wandb_meta.get("runtime") if isinstance(wandb_meta, dict)
                          else None)
    metrics = flatten({k: v for k, v in summary.items() if not k.startswith("_")})
    if exit_record is not None:
        state = "finished" if exit_record.exit_code == 0 else "failed"
        runtime = exit_record.runtime or runtime
    else:
        age = time.time() - file.stat().st_mtime
        state = "crashed" if age > STALE_SECONDS else "running"
    created = run.start_time.ToDatetime() if run.HasField("start_time") else None
    row = {"run_id": run.run_id, "name": run.display_name or run.run_id, "state": state,
           "created_at": pd.Timestamp(created, tz="UTC") if created else pd.NaT,
           "runtime_s": float(runtime) if isinstance(runtime, (int, float)) else np.nan,
           "sweep": run.sweep_id or None, "project": run.project, "group": run.run_group or None,
           "tags": ", ".join(run.tags) or None,
           "_params": params, "_metrics": metrics}
    return row, {k: v for k, v in history.items() if not k.startswith("_")}


def _apply(target: dict[str, Any], updates: Any, removes: Any) -> None:
    for item in updates:
        keys = list(item.nested_key) or [item.key]
        try:
            value = json.loads(item.value_json)
        except ValueError:
            value = item.value_json
        node = target
        for k in keys[:-1]:
            node = node.setdefault(k, {}) if isinstance(node.get(k, {}), dict) else {}
        node[keys[-1]] = value
    for item in removes:
        keys = list(item.nested_key) or [item.key]
        node = target
        for k in keys[:-1]:
            node = node.get(k, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(keys[-1], None)


def _history_value(item: Any) -> Any:
    """wandb 0.31 may write a typed value; older files only `value_json`."""
    if item.value_json:
        try:
            return json.loads(item.value_json)
        except ValueError:
            return None
    which = item.WhichOneof("value") if hasattr(item, "WhichOneof") else None
    if which in ("integer", "number", "boolean"):
        return getattr(item, which)
    return None


def _group(path: Path, rows: list[dict], histories: dict[str, dict], warnings: list[str],
           agent_keys: dict[str, list[str]] | None = None) -> list[LoadedSweep]:
    by_sweep: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_sweep[row["sweep"] or NO_SWEEP].append(row)
    out = []
    for sweep_id in sorted(by_sweep, key=lambda s: (s == NO_SWEEP, s)):
        group = sorted(by_sweep[sweep_id], key=lambda r: (str(r["created_at"]), r["run_id"]))
        params = list(dict.fromkeys(k for r in group for k in r["_params"]))
        metrics = list(dict.fromkeys(k for r in group for k in r["_metrics"]))
        frame = pd.DataFrame([
            {**{k: v for k, v in r.items() if not k.startswith("_") and k != "sweep"},
             **r["_params"], **r["_metrics"]} for r in group
        ])
        for column in params + metrics:
            if column not in frame:
                frame[column] = None
        runs, frame_warnings = finish_frame(frame, params + metrics, str(path))
        best = history_extrema([r["run_id"] for r in group], histories)
        real_id = None if sweep_id == NO_SWEEP else sweep_id
        name = real_id or path.resolve().name
        crashed = int((runs["state"] == "crashed").sum())
        notes = [f"read {len(runs)} W&B run files from {path}"]
        agent = (agent_keys or {}).get(sweep_id)
        if agent:  # the agent's own record of what the sweep set: the parameters
            params = [p for p in params if any(p == k or p.startswith(f"{k}.") for k in agent)]
            notes.append(f"parameters: the keys the sweep agent set (sweep-{sweep_id}/"
                         "config-*.yaml)")
        if crashed:
            notes.append(f"{crashed} run(s) have no exit record and no change for "
                         f"{STALE_SECONDS // 60} min: counted as crashed")
        out.append(LoadedSweep(
            name=name, source=str(path), runs=runs, sweep_id=real_id,
            param_names=params, metric_names=metrics, history_best=best,
            warnings=warnings + frame_warnings, notes=notes, dialect="W&B run files",
        ))
    return out
