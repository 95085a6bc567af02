"""The `--json` document (schema_version 1), also embedded in the HTML as `reportgen-data`:
the whole contract, every field of it, in this one module. README's "The --json document"
describes it; changing a field here is changing the contract."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from reportgen import __version__
from reportgen.diagnostics.compare import TARGETS, ComparisonInfo
from reportgen.diagnostics.convergence import ConvergenceInfo
from reportgen.diagnostics.coverage import CoverageInfo
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.importance import ImportanceInfo
from reportgen.diagnostics.region import RegionInfo
from reportgen.diagnostics.strategy import StrategyInfo
from reportgen.diagnostics.summary import Diagnostics
from reportgen.model import ParamSpec, Reading, Sweep
from reportgen.suggest import Change, Suggestion

SCHEMA_VERSION = 1


def sweep_entry(sweep: Sweep, d: Diagnostics, proposal: Suggestion | None = None,
                anchor: str | None = None) -> dict[str, Any]:
    """One entry of `sweeps[]`: the sweep, how it was read, every diagnostic, the findings and
    the next sweep."""
    ov = d.overview
    return {
        "name": sweep.name,
        "sweep_id": sweep.sweep_id,
        "anchor": anchor,
        "source": sweep.source,
        "config": sweep.config,
        "method": sweep.method,
        "metric": {"name": sweep.metric.name, "goal": sweep.metric.goal},
        "params": [_param(p) for p in sweep.space.params],
        "reading": _reading(sweep.reading),
        "counts": dict(ov.counts),
        "best_run": ov.best,
        "where": sweep.where,
        "warnings": list(sweep.warnings),
        "strategy": _strategy(d.strategy),
        "coverage": _coverage(d.coverage),
        "convergence": _convergence(d.convergence),
        "best_region": _region(d.region),
        "importance": _importance(d.importance),
        "findings": [_finding(f) for f in d.findings],
        "next_sweep": proposal.config if proposal else None,
        "next_sweep_changes": [_change(c) for c in proposal.changes] if proposal else [],
    }


def comparison(info: ComparisonInfo | None) -> dict[str, Any] | None:
    """The `comparison` of several sweeps (None when they could not be compared)."""
    return _comparison(info) if info is not None else None


def document(entries: list[dict[str, Any]], generated_at: str,
             provenance: dict[str, Any] | None = None,
             skipped: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The whole document around the sweeps' entries."""
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


def _comparison(info: ComparisonInfo) -> dict[str, Any]:
    return {"sweeps": list(info.names), "metric": info.metric, "goal": info.goal,
            "budget": info.budget, "targets": TARGETS,
            "auc": dict(zip(info.names, info.auc)),
            "best_at_budget": dict(zip(info.names, info.best_at_budget)),
            "config_diff": [{"key": k, "values": dict(zip(info.names, v))}
                            for k, v in info.config_diff],
            "left_out": list(info.left_out)}


def _convergence(info: ConvergenceInfo) -> dict[str, Any]:
    steps = []
    previous = math.nan
    for i, v in enumerate(info.best_so_far):
        if np.isfinite(v) and v != previous:
            steps.append({"run": i + 1, "value": float(v)})
            previous = v
    return {
        "best_so_far": steps,
        "improvements": info.improvements,
        "expected_improvements": info.expected_improvements,
        "improvements_z": info.z,
        "runs_since_improvement": info.runs_since_improvement,
        "stagnated": info.stagnated,
        "late_gain": info.late_gain,
        "concentrating": info.concentrating,
        "concentration_rank": info.concentration_rank,
        "concentration_pvalue": info.concentration_pvalue,
        "concentration_onset": info.concentration_onset,
    }


def _coverage(info: CoverageInfo) -> dict[str, Any]:
    return {
        "params": {p.name: {
            "ks_pvalue": p.pvalue, "pvalue_adjusted": p.pvalue_adjusted,
            "test": "ks" if p.kind == "numeric" else "chi2",
            "covered_low": p.covered_low, "covered_high": p.covered_high,
            "largest_gap": None if p.gap_ratio is None else {
                "low": p.gap_low, "high": p.gap_high, "ratio": p.gap_ratio},
            "levels_tried": list(p.levels_tried) or None,
            "levels_missing": list(p.levels_missing) or None,
        } for p in info.params},
        "discrepancy_ratio": info.discrepancy_ratio,
        "discrepancy_percentile": info.discrepancy_percentile,
        "duplicates": {"duplicates": info.duplicates, "unique": info.unique_configs,
                       "expected": info.expected_duplicates},
        "grid_completeness": None if info.grid is None else {
            "completeness": info.grid.completeness, "cells": info.grid.cells,
            "done": info.grid.done, "crashed": info.grid.crashed,
            "missing": info.grid.missing},
        "subsampled_to": info.subsampled,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "severity": f.severity, "message": f.message,
            "evidence": f.evidence}


def _importance(info: ImportanceInfo) -> dict[str, Any]:
    return {"method": info.method, "fit_r2": info.fit_r2, "reliable": info.reliable,
            "params": {p.name: {"score": p.score, "low": p.low, "high": p.high,
                                "rank": p.rank, "pvalue": p.pvalue,
                                "detected": p.detected, "chance": p.chance,
                                "correlation": p.correlation,
                                "top_importance": p.top_importance}
                       for p in info.params},
            "subsampled_to": info.subsampled}


def _region(info: RegionInfo) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for p in info.params:
        if p.categorical:
            params[p.name] = {
                "levels": [_clean(v) for v in p.levels],
                "enrichment": [{"level": _clean(e.level), "top": e.top, "total": e.total,
                                "lift": e.lift, "p_enriched": e.p_enriched,
                                "p_depleted": e.p_depleted, "q_enriched": e.q_enriched,
                                "q_depleted": e.q_depleted, "q_worse": e.q_worse,
                                "q_worse_in_box": e.q_worse_box}
                               for e in p.enrichment]}
        else:
            params[p.name] = {"low": p.low, "high": p.high, "scale": p.scale,
                              "at_bound": p.at_bound, "all_low": p.all_low,
                              "all_high": p.all_high, "width_ratio": p.width_ratio,
                              "pvalue": p.pvalue}
        params[p.name]["box"] = ({"levels": [_clean(v) for v in p.box_levels]}
                                 if p.categorical and p.box_levels else
                                 {"low": p.box_low, "high": p.box_high}
                                 if p.box_low is not None else None)
        params[p.name]["quasi_p"] = p.quasi_p
        params[p.name]["kept"] = p.kept
    return {"top_runs": info.top_runs, "top_fraction": info.top_fraction,
            "threshold": info.threshold, "params": params,
            "stability": {p.name: p.stability for p in info.params
                          if p.stability is not None},
            "box": {"coverage": info.box_coverage, "density": info.box_density}
            if info.box else None,
            "subsampled_to": info.subsampled}


def _strategy(info: StrategyInfo) -> dict[str, Any]:
    return {"inferred": info.inferred, "declared": info.declared,
            "confidence": info.confidence, "evidence": list(info.evidence),
            "agrees": info.agrees}


def _param(spec: ParamSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "kind": spec.kind,
        "scale": spec.scale,
        "low": spec.low,
        "high": spec.high,
        "levels": list(spec.levels) if spec.levels else None,
        "distribution": spec.distribution,
        "declared": spec.declared,
        "replicate": spec.replicate,
    }


def _reading(r: Reading) -> dict[str, Any]:
    return {"dialect": r.dialect, "metric": r.metric_why, "goal": r.goal_why,
            "params": r.params_why, "varying": r.varying,
            "replicates": list(r.replicates),
            "left_out": [{"column": c, "reason": why} for c, why in r.left_out]}


def _change(change: Change) -> dict[str, str]:
    return {"param": change.param, "old": change.old, "new": change.new, "reason": change.reason}


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
