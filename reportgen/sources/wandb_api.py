"""W&B cloud sweeps: `wandb://ENTITY/PROJECT/SWEEP_ID` or `https://wandb.ai/ENTITY/PROJECT/sweeps/ID`.

One `api.sweep()` query for the config, then ONE paginated `api.runs()` query for every run
with its full config and summary (per_page 500, lazy=False, include_sweeps=False where the
installed wandb accepts them) — never a request per run. Runs are de-duplicated by id; a
fetch that returns fewer runs than the server counts is an error, never a silently short
report. wandb objects never leave this module: the runs are cached (wandb_cache) as plain
records and turned into a LoadedSweep from the cached document (wandb_records), so a rebuild
from the cache reads the same; failures are told in one sentence (wandb_errors).
"""

from __future__ import annotations

import inspect
import re
import sys
import time
from datetime import datetime, timezone
from typing import Any

from reportgen.config import FetchOptions
from reportgen.errors import SourceError
from reportgen.model import LoadedSweep
from reportgen.sources import wandb_cache
from reportgen.sources.wandb_errors import describe_error
from reportgen.sources.wandb_records import HISTORY_SAMPLES, run_record, to_loaded

PER_PAGE = 500
HISTORY_THREADS = 8
API_STARTED = False  # set once wandb.Api() ran: the CLI then exits without wandb's teardown
_SOURCE = re.compile(
    r"^(?:wandb://|https?://(?:www\.)?wandb\.ai/)([^/?#]+)/([^/?#]+)/(?:sweeps/)?([^/?#]+)/?"
    r"(?:[?#].*)?$")


def parse(source: str) -> tuple[str, str, str] | None:
    """(entity, project, sweep_id) of a W&B sweep source, None for anything else."""
    if not source.startswith(("wandb://", "http://", "https://")):
        return None
    if source.startswith("http") and "wandb.ai/" not in source:
        return None
    m = _SOURCE.match(source)
    if not m or (source.startswith("http") and "/sweeps/" not in source):
        raise SourceError(
            f"{source}: write a W&B sweep as wandb://ENTITY/PROJECT/SWEEP_ID or "
            "https://wandb.ai/ENTITY/PROJECT/sweeps/SWEEP_ID"
        )
    return m.group(1), m.group(2), m.group(3)


def load(source: str, options: FetchOptions | None = None) -> list[LoadedSweep] | None:
    """A W&B cloud sweep (wandb://ENTITY/PROJECT/SWEEP_ID or its wandb.ai URL), from the
    cache or fetched; None when `source` is not one."""
    path_parts = parse(source)
    if path_parts is None:
        return None
    options = options or FetchOptions()
    entity, project, sweep_id = path_parts
    label = f"{entity}/{project}/{sweep_id}"
    path = wandb_cache.cache_path(wandb_cache.cache_root(options.cache_dir), *path_parts)
    warnings: list[str] = []
    doc = None
    try:
        doc = wandb_cache.read(path)
    except wandb_cache.CacheError as exc:
        if options.offline:
            raise SourceError(f"{label}: the cached copy {exc}; run without --offline") from None
        warnings.append(f"the cached copy of {label} {exc}: fetched it again")
    note = None
    wants_history = options.history and doc is not None and not doc.get("history_metric")
    if doc is not None and not options.refresh and not (wants_history and not options.offline) \
            and (wandb_cache.settled(doc) or options.offline):
        note = f"read {len(doc['runs'])} runs of {label} from the cache ({path}), " \
               f"fetched {doc['fetched_at']}"
        if not wandb_cache.settled(doc):
            warnings.append(f"{label} was still running when cached at {doc['fetched_at']} "
                            "(--offline): runs may have changed since")
    elif options.offline:
        raise SourceError(f"{label}: no cached copy in {path.parent}; run without --offline "
                          "to fetch it")
    else:
        started = time.monotonic()
        doc, pages = fetch(entity, project, sweep_id, options)
        wandb_cache.write(path, doc)
        note = (f"fetched {len(doc['runs'])} runs of {label} in {pages} page(s) "
                f"({time.monotonic() - started:.1f} s)")
    if not options.quiet:
        print(note, file=sys.stderr)
    return [to_loaded(doc, source, warnings, [note])]


def _api(options: FetchOptions):  # type: ignore[no-untyped-def]
    global API_STARTED
    try:
        import wandb
    except ImportError:
        raise SourceError("reading W&B sweeps needs wandb: pip install wandb") from None
    API_STARTED = True
    return wandb, wandb.Api(timeout=int(max(1, options.timeout)))


def fetch(entity: str, project: str, sweep_id: str, options: FetchOptions
          ) -> tuple[dict[str, Any], int]:
    """The sweep and all its runs, as a cache document; and the number of pages read."""
    label = f"{entity}/{project}/{sweep_id}"
    runs: dict[str, dict[str, Any]] = {}
    handles: dict[str, Any] = {}
    expected: int | None = None
    metric = None
    try:
        wandb, api = _api(options)
        sweep = api.sweep(label)
        kwargs: dict[str, Any] = {"filters": {"sweep": sweep_id}, "order": "+created_at",
                                  "per_page": PER_PAGE}
        accepted = inspect.signature(api.runs).parameters
        if "lazy" in accepted:
            kwargs["lazy"] = False
        if "include_sweeps" in accepted:
            kwargs["include_sweeps"] = False
        paginator = api.runs(f"{entity}/{project}", **kwargs)
        progress = _Progress(options.quiet)
        for run in paginator:
            if expected is None:
                expected = _length(paginator)
            if run.id not in runs:
                runs[run.id] = run_record(run)
                handles[run.id] = run
            progress.update(len(runs), expected)
        progress.done()
        config = dict(sweep.config or {})
        metric = options.metric or (config.get("metric") or {}).get("name")
        if options.history and not metric:
            raise SourceError(f"{label}: --history needs the metric: pass --metric NAME")
        if options.history and metric:
            _histories(handles, runs, metric)
        state = str(sweep.state or "")
        name = getattr(sweep, "name", None) or config.get("name") or sweep_id
    except SourceError:
        raise
    except Exception as exc:  # wandb raises many types; each maps to one sentence
        reason = describe_error(exc, label, options)
        if runs:
            reason = (f"the fetch of {label} stopped after {len(runs)} of "
                      f"{expected or 'its'} runs, so no report was written: " + reason)
        raise SourceError(reason) from None
    if expected is not None and len(runs) < expected:
        raise SourceError(
            f"{label}: the fetch returned {len(runs)} distinct runs of the {expected} the server "
            "counts; no report was written — try again (or --refresh)"
        )
    pages = max(1, -(-max(expected or len(runs), 1) // PER_PAGE))
    doc = {"format": wandb_cache.FORMAT, "entity": entity, "project": project,
           "sweep_id": sweep_id,
           "fetched_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "sweep": {"name": name, "state": state, "method": config.get("method"),
                     "config": config, "run_count": expected},
           "history_metric": metric if options.history else None,
           "runs": list(runs.values())}
    return doc, pages


def _histories(handles: dict[str, Any], runs: dict[str, dict[str, Any]], metric: str) -> None:
    """Each run's sampled history of `metric` (one request a run, a bounded thread pool):
    its minimum and maximum go into the record as `history: {"min", "max", "points"}`."""
    import math
    from concurrent.futures import ThreadPoolExecutor

    def one(run_id: str) -> tuple[str, dict[str, Any] | None]:
        rows = handles[run_id].history(keys=[metric], samples=HISTORY_SAMPLES, pandas=False)
        values = [r.get(metric) for r in rows]
        finite = [float(v) for v in values if isinstance(v, (int, float))
                  and math.isfinite(float(v))]
        if not finite:
            return run_id, None
        return run_id, {"min": min(finite), "max": max(finite), "points": len(finite)}

    with ThreadPoolExecutor(max_workers=HISTORY_THREADS) as pool:
        for run_id, summary in pool.map(one, list(handles)):
            runs[run_id]["history"] = summary


def _length(paginator: Any) -> int | None:
    try:
        return int(len(paginator))
    except Exception:  # older clients without a count
        return None


class _Progress:
    """'fetching runs: 500/1200' on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.active = not quiet and sys.stderr.isatty()
        self.last = 0.0

    def update(self, done: int, expected: int | None) -> None:
        now = time.monotonic()
        if not self.active or now - self.last < 0.1:
            return
        self.last = now
        total = f"/{expected}" if expected else ""
        sys.stderr.write(f"\rfetching runs: {done}{total}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.active:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()
