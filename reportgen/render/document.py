"""The `--json` document (schema_version 1), also embedded in the HTML as `reportgen-data`."""

from __future__ import annotations

import json
import math
from typing import Any

from reportgen import __version__
from reportgen.diagnostics.summary import Diagnostics
from reportgen.model import Sweep
from reportgen.suggest import Suggestion

SCHEMA_VERSION = 1


def sweep_entry(sweep: Sweep, d: Diagnostics, proposal: Suggestion | None = None,
                anchor: str | None = None) -> dict[str, Any]:
    ov = d.overview
    return {
        "name": sweep.name,
        "sweep_id": sweep.sweep_id,
        "anchor": anchor,
        "source": sweep.source,
        "config": sweep.config,
        "method": sweep.method,
        "metric": {"name": sweep.metric.name, "goal": sweep.metric.goal},
        "params": [p.to_json() for p in sweep.space.params],
        "reading": sweep.reading.to_json(),
        "counts": dict(ov.counts),
        "best_run": ov.best,
        "where": sweep.where,
        "warnings": list(sweep.warnings),
        "strategy": d.strategy.to_json(),
        "coverage": d.coverage.to_json(),
        "convergence": d.convergence.to_json(),
        "best_region": d.region.to_json(),
        "importance": d.importance.to_json(),
        "findings": [f.to_json() for f in d.findings],
        "next_sweep": proposal.config if proposal else None,
        "next_sweep_changes": [c.to_json() for c in proposal.changes] if proposal else [],
    }


def document(entries: list[dict[str, Any]], generated_at: str,
             provenance: dict[str, Any] | None = None,
             skipped: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {
        "skipped_sweeps": [{"name": n, "reason": r} for n, r in skipped or []],
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "reportgen", "version": __version__},
        "generated_at": generated_at,
        "provenance": provenance,
        "sweeps": entries,
    }


def to_json(doc: dict[str, Any]) -> str:
    """Sorted keys, no NaN (null instead): strict JSON any reader accepts."""
    return json.dumps(_clean(doc), sort_keys=True, indent=1, ensure_ascii=False,
                      allow_nan=False) + "\n"


def script_safe(text: str) -> str:
    """JSON inside `<script type="application/json">`: no `<`, `>` or `&` can end the block."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _clean(value.item())
    return value
