"""The local cache of W&B cloud sweeps: one gzipped JSON document per sweep.

Location: `--cache-dir`, else $REPORTGEN_CACHE_DIR, else $XDG_CACHE_HOME/reportgen, else
~/.cache/reportgen; the sweep ENTITY/PROJECT/SWEEP_ID is stored at
`<cache>/wandb/ENTITY/PROJECT/SWEEP_ID.json.gz`. Format (version 1):

    {"format": 1, "entity", "project", "sweep_id", "fetched_at" (ISO, UTC),
     "sweep": {"name", "state", "method", "config", "run_count"},
     "runs": [{"run_id", "name", "state", "created_at", "heartbeat_at", "runtime_s",
               "tags", "group", "url", "config": {flattened}, "summary": {flattened}}]}

Written atomically (a temporary file renamed into place). No API key is ever stored.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1
#: sweep states after which the runs no longer change
SETTLED = {"FINISHED", "CANCELED", "CANCELLED", "CRASHED", "FAILED"}


class CacheError(Exception):
    """The cached file cannot be read."""


def cache_root(explicit: Path | None = None) -> Path:
    """The cache folder: --cache-dir, else $REPORTGEN_CACHE_DIR, else the user's cache."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get("REPORTGEN_CACHE_DIR"):
        return Path(os.environ["REPORTGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportgen"


def cache_path(root: Path, entity: str, project: str, sweep_id: str) -> Path:
    """Where one sweep is cached (names made safe for a path)."""
    safe = [part.replace("/", "_").replace("..", "_") for part in (entity, project, sweep_id)]
    return root / "wandb" / safe[0] / safe[1] / f"{safe[2]}.json.gz"


def read(path: Path) -> dict[str, Any] | None:
    """The cached document, None when there is none; CacheError when it is damaged."""
    if not path.exists():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise CacheError(f"{path} is damaged ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(
            doc.get("runs"), list) or not isinstance(doc.get("sweep"), dict):
        raise CacheError(f"{path} is not a reportgen cache file of format {FORMAT}")
    heads = ("entity", "project", "sweep_id", "fetched_at")
    if not all(isinstance(doc.get(k), str) for k in heads) or not all(_is_run(r)
                                                                    for r in doc["runs"]):
        raise CacheError(f"{path} holds a run or a field of another shape than reportgen "
                         "writes")
    return doc


def _is_run(record: Any) -> bool:
    """A run as `wandb_records.run_record` caches it."""
    return (isinstance(record, dict) and isinstance(record.get("run_id"), str)
            and isinstance(record.get("name"), str) and isinstance(record.get("config"), dict)
            and isinstance(record.get("summary"), dict)
            and isinstance(record.get("tags", []), list)
            and (record.get("state") is None or isinstance(record["state"], str)))


def write(path: Path, doc: dict[str, Any]) -> None:
    """Write a cache entry atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
            fh.write(json.dumps(doc, sort_keys=True, default=str).encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def settled(doc: dict[str, Any]) -> bool:
    """A finished (or cancelled) sweep whose runs were all done when it was fetched."""
    state = str(doc["sweep"].get("state") or "").upper()
    running = any(r.get("state") in ("running", "pending", "preempting") for r in doc["runs"])
    return state in SETTLED and not running
