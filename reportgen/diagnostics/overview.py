"""Overview of a sweep: counts by state, the best run and the first findings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from reportgen.diagnostics.facts import DESCRIBE_ONLY, Facts, facts
from reportgen.diagnostics.findings import Finding
from reportgen.formatting import fmt_value
from reportgen.model import STATES, Sweep


@dataclass(frozen=True)
class Overview:
    """Counts by state, the best run and the first findings."""

    counts: dict[str, int]
    best: dict[str, Any] | None
    findings: tuple[Finding, ...]


def counts_by_state(sweep: Sweep) -> dict[str, int]:
    """Runs per state, in all, of other states, and without a value of the metric."""
    states = sweep.runs["state"]
    values = sweep.runs[sweep.metric.name].to_numpy(dtype=float)
    counts = {"total": len(states)}
    counts.update({s: int((states == s).sum()) for s in STATES})
    counts["other"] = counts["total"] - sum(counts[s] for s in STATES)
    counts["missing_metric"] = int((~np.isfinite(values)).sum())
    return counts


def overview(sweep: Sweep, known: Facts | None = None) -> Overview:
    """The overview of `sweep`; the best run is the best finished one when there is one."""
    known = known or facts(sweep)
    counts = counts_by_state(sweep)
    row = known.best_row()
    best = _best_run(sweep, row) if row is not None else None
    return Overview(counts, best, tuple(_findings(sweep, known, counts, best)))


def _best_run(sweep: Sweep, row: int) -> dict[str, Any]:
    run = sweep.runs.iloc[row]
    return {
        "run_id": str(run["run_id"]),
        "name": str(run["name"]),
        "value": float(run[sweep.metric.name]),
        "params": {p: _plain(run[p]) for p in sweep.param_names},
    }


def _plain(value: Any) -> Any:
    """numpy scalars and NaN → JSON-ready Python values."""
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, np.floating, float, int)):
        f = float(value)
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() and abs(f) < 2**53 else f
    return value if not (isinstance(value, float) and math.isnan(value)) else None


def _findings(sweep: Sweep, known: Facts, counts: dict[str, int], best: dict[str, Any] | None
              ) -> list[Finding]:
    out = []
    evaluated = len(known.order)
    total = counts["total"]
    described = [f"{counts[s]:,} {s}" for s in (*STATES, "other") if counts[s]]
    out.append(Finding(
        "runs", "info",
        f"{total:,} runs: {', '.join(described)}; {evaluated:,} have a value of "
        f"{sweep.metric.name}.",
        {"counts": counts},
    ))
    why = sweep.reading.goal_why
    if why and why != "set by --goal" and not why.startswith("from "):
        taken = "minimised" if sweep.metric.goal == "minimize" else "maximised"
        out.append(Finding("goal", "notice", f"{sweep.metric.name} is taken as {taken}: {why}.",
                           {"goal": sweep.metric.goal, "why": why}))
    if best is not None:
        settings = ", ".join(f"{k} = {fmt_value(v)}" for k, v in best["params"].items()
                             if k not in known.constants)  # they are listed elsewhere
        out.append(Finding(
            "best_run", "info",
            f"The best run, {best['name']}, reached {sweep.metric.name} = "
            f"{fmt_value(best['value'])} ({sweep.metric.goal}) with {settings or 'no parameters'}.",
            {"run_id": best["run_id"], "value": best["value"]},
        ))
    bad = counts["crashed"] + counts["failed"]
    if total and bad:
        share = bad / total
        out.append(Finding(
            "crashes", "warning" if share >= 0.1 else "notice",
            f"{share:.0%} of runs crashed or failed ({bad:,} of {total:,}).",
            {"crashed": counts["crashed"], "failed": counts["failed"], "share": share},
        ))
    if counts["running"]:
        out.append(Finding("running", "notice",
                           f"{counts['running']} runs were still running when the data was read.",
                           {"running": counts["running"]}))
    best_column = f"{sweep.metric.name}.best"
    if best_column in sweep.runs:
        out.extend(_history_disagreement(sweep, best_column))
    if evaluated < DESCRIBE_ONLY:
        out.append(Finding(
            "small_sweep", "notice",
            f"Only {evaluated:,} runs have a value of {sweep.metric.name}: "
            "the report describes them and draws no conclusions.",
            {"evaluated": evaluated},
        ))
    return out



def _history_disagreement(sweep: Sweep, best_column: str) -> list[Finding]:
    """Runs whose final value is clearly worse than the best they reached while training."""
    final = sweep.runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    best = sweep.runs[best_column].to_numpy(dtype=float) * sweep.metric.sign
    ok = np.isfinite(final) & np.isfinite(best)
    if ok.sum() < 2:
        return []
    spread = float(np.subtract(*np.percentile(final[ok], [75, 25]))) or float(np.std(final[ok]))
    worse = ok & (final - best > 0.1 * spread) if spread > 0 else ok & (final > best)
    if not worse.any():
        return []
    share = worse.sum() / ok.sum()
    return [Finding(
        "history", "notice" if share >= 0.1 else "info",
        f"{int(worse.sum())} of {int(ok.sum())} runs ended clearly worse than the best "
        f"{sweep.metric.name} they reached during training (final against best over the "
        "run's history): checkpoint selection or early stopping would rank them differently.",
        {"runs": int(worse.sum()), "of": int(ok.sum())})]
