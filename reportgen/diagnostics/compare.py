"""Several sweeps of one problem side by side (research §6): best-so-far curves aligned by runs
started, the fraction of targets reached over budget (ECDF over targets, with its area), the
value distribution per sweep, and what differs between their configs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_number
from reportgen.model import Sweep

TARGETS = 31
#: A sweep with fewer evaluated runs is not compared: a curve of a few runs says nothing.
MIN_COMPARED = 5


@dataclass(frozen=True)
class ComparisonInfo:
    names: tuple[str, ...]
    metric: str
    goal: str
    budget: int  # the smallest number of runs started: every sweep is compared up to it
    curves: tuple[np.ndarray, ...]  # best so far per run started, metric units
    ecdf: tuple[np.ndarray, ...]  # share of targets reached after b runs (b = 1..budget)
    auc: tuple[float, ...]
    best_at_budget: tuple[float | None, ...]
    values: tuple[np.ndarray, ...]  # evaluated runs' values, metric units
    config_diff: tuple[tuple[str, tuple[Any, ...]], ...]  # (key, value per sweep)
    left_out: tuple[str, ...] = ()  # sweeps not compared: another metric, or too few runs
    left_out_why: tuple[str, ...] = ()  # the reason for each, in the same order
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def comparison(sweeps: list[Sweep], analyses: list[Diagnostics]) -> ComparisonInfo | None:
    """None unless at least two sweeps optimise the same metric in the same direction."""
    if len(sweeps) < 2:
        return None
    first = sweeps[0].metric
    why = {i: "another metric" for i, s in enumerate(sweeps) if s.metric != first}
    why.update({i: f"fewer than {MIN_COMPARED} runs with a value" for i, d in enumerate(analyses)
                if i not in why and d.prep.n_evaluated < MIN_COMPARED})
    keep = [i for i in range(len(sweeps)) if i not in why]
    if len(keep) < 2:
        return None
    chosen = [sweeps[i] for i in keep]
    preps = [analyses[i].prep for i in keep]
    curves = tuple(analyses[i].convergence.best_so_far for i in keep)
    budget = min(len(c) for c in curves)
    sign = first.sign
    pooled = np.concatenate([p.s[np.isfinite(p.s)] for p in preps])
    ecdfs, aucs, bests = [], [], []
    if len(pooled):
        best, ref = float(pooled.min()), float(np.median(pooled))
        gap = ref - best if ref > best else 1.0
        targets = best + gap * np.logspace(0, -3, TARGETS)
        for curve in curves:
            s = curve[:budget] * sign
            reached = np.where(np.isnan(s), np.inf, s)[:, None] <= targets[None, :]
            ecdf = reached.mean(axis=1)
            ecdfs.append(ecdf)
            aucs.append(float(ecdf.mean()))
            tail = curve[:budget][np.isfinite(curve[:budget])]
            bests.append(float(tail[-1]) if len(tail) else None)
    values = tuple(p.metric_values()[p.evaluated] for p in preps)
    info = ComparisonInfo(
        tuple(s.name for s in chosen), first.name, first.goal, budget, curves, tuple(ecdfs),
        tuple(aucs), tuple(bests), values, config_diff(chosen),
        tuple(sweeps[i].name for i in sorted(why)), tuple(why[i] for i in sorted(why)))
    return ComparisonInfo(**{**info.__dict__, "findings": tuple(_findings(info))})


def _flat(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix.rstrip("."): tree}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(_flat(value, f"{prefix}{key}."))
    return out


def config_diff(sweeps: list[Sweep]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """Config keys whose values differ between the sweeps (None where a sweep lacks one)."""
    import json

    flats = [_flat(s.config or {}) for s in sweeps]
    keys = sorted({k for f in flats for k in f} - {"name", "description"})
    rows = []
    for key in keys:
        values = tuple(f.get(key) for f in flats)
        if len({json.dumps(v, sort_keys=True, default=str) for v in values}) > 1:
            rows.append((key, values))
    return tuple(rows)


def _findings(info: ComparisonInfo) -> list[Finding]:
    if not info.auc:
        return []
    order = np.argsort(info.auc)[::-1]
    best, second = int(order[0]), int(order[1])
    out = [Finding(
        "comparison", "info",
        f"Over the first {info.budget} runs of each, {info.names[best]} reached more of the "
        f"{TARGETS} targets sooner (area {info.auc[best]:.2f} against {info.auc[second]:.2f} "
        f"for {info.names[second]}); best {info.metric} after {info.budget} runs: "
        + ", ".join(f"{n} {fmt_number(b, 4)}" for n, b in zip(info.names, info.best_at_budget))
        + ".", {"auc": dict(zip(info.names, info.auc))})]
    if info.config_diff:
        keys = ", ".join(k for k, _ in info.config_diff[:5])
        out.append(Finding("comparison_configs", "notice",
                           f"The sweeps' configs differ in {keys}: a difference in results may "
                           "come from the space, not only the strategy.",
                           {"keys": [k for k, _ in info.config_diff]}))
    return out
