"""Overview of a sweep: counts by state, the evaluated set, the ranking and the best run."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from reportgen.diagnostics.findings import Finding
from reportgen.formatting import fmt_value
from reportgen.model import STATES, Sweep

#: below this many evaluated runs the report only describes
DESCRIBE_ONLY = 10


@dataclass(frozen=True)
class Overview:
    counts: dict[str, int]
    order: np.ndarray  # row positions of runs with a finite metric, best first
    top: np.ndarray  # rows of the top runs: best max(top_fraction, 5) evaluated, ties included
    top_fraction: float
    best: dict[str, Any] | None
    findings: tuple[Finding, ...]


def counts_by_state(sweep: Sweep) -> dict[str, int]:
    states = sweep.runs["state"]
    values = sweep.runs[sweep.metric.name].to_numpy(dtype=float)
    counts = {"total": len(states)}
    counts.update({s: int((states == s).sum()) for s in STATES})
    counts["other"] = counts["total"] - sum(counts[s] for s in STATES)
    counts["missing_metric"] = int((~np.isfinite(values)).sum())
    return counts


def ranking(sweep: Sweep) -> np.ndarray:
    """Runs with a finite metric, best first; ties keep run order (stable)."""
    values = sweep.runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    finite = np.flatnonzero(np.isfinite(values))
    return finite[np.argsort(values[finite], kind="stable")]


def top_count(n_ranked: int, fraction: float) -> int:
    """The top set: max(fraction of the ranked runs, 5), never more than there are."""
    return min(n_ranked, max(5, math.ceil(fraction * n_ranked)))


def top_set(signed: np.ndarray, fraction: float) -> np.ndarray:
    """Indices of the top runs among `signed` (smaller is better, NaN = not evaluated): the
    best max(fraction, 5) of the evaluated runs, every run tied with the last one included."""
    ok = np.flatnonzero(np.isfinite(signed))
    if not len(ok):
        return ok
    k = top_count(len(ok), fraction)
    threshold = np.sort(signed[ok])[k - 1]
    return ok[signed[ok] <= threshold]


def evaluated_mask(sweep: Sweep) -> np.ndarray:
    """Finished runs with a finite metric: the runs every analysis rests on."""
    values = sweep.runs[sweep.metric.name].to_numpy(dtype=float)
    return (sweep.runs["state"].to_numpy() == "finished") & np.isfinite(values)


def overview(sweep: Sweep, top_fraction: float = 0.1) -> Overview:
    counts = counts_by_state(sweep)
    order = ranking(sweep)
    finished = sweep.runs["state"].to_numpy() == "finished"
    preferred = order[finished[order]] if finished[order].any() else order
    best = _best_run(sweep, int(preferred[0])) if len(preferred) else None
    signed = sweep.runs[sweep.metric.name].to_numpy(dtype=float) * sweep.metric.sign
    top = top_set(np.where(evaluated_mask(sweep), signed, np.nan), top_fraction)
    return Overview(counts, order, top, top_fraction, best,
                    tuple(_findings(sweep, counts, best, len(order))))


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


def _findings(sweep: Sweep, counts: dict[str, int], best: dict[str, Any] | None,
              evaluated: int) -> list[Finding]:
    out = []
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
                             if _varies(sweep, k))  # the constants are listed elsewhere
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



def _varies(sweep: Sweep, name: str) -> bool:
    from reportgen.resolve import varies  # the one rule of "does this parameter vary"

    spec = sweep.space.get(name)
    return spec is None or varies(spec, sweep.runs[name])
