"""Convergence: best-so-far curves, improvements against luck, stagnation, and whether the
proposals concentrate around the incumbent over time (research §2)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared
from reportgen.formatting import fmt_number

PERMUTATIONS = 200
MAX_TREND_RUNS = 5000  # the permutation test subsamples larger sweeps
CONCENTRATION_ALPHA = 0.01  # one-sided permutation test of a falling distance to the incumbent


@dataclass(frozen=True)
class ConvergenceInfo:
    best_so_far: np.ndarray  # per run in proposal order: best metric value so far (NaN before)
    best_by_time: tuple[np.ndarray, np.ndarray]  # finish seconds, best value (finish order)
    improvements: int
    expected_improvements: float
    z: float | None
    runs_since_improvement: int | None
    p_stagnation: float | None  # chance of so long a wait under random order
    late_gain: float | None  # share of the median-to-best gap closed in the last 25%
    stagnated: bool | None
    concentrating: bool | None
    concentration_rho: float | None
    concentration_pvalue: float | None
    crashed_positions: np.ndarray  # proposal positions of crashed/failed runs
    subsampled: int | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        steps = []
        previous = math.nan
        for i, v in enumerate(self.best_so_far):
            if np.isfinite(v) and v != previous:
                steps.append({"run": i + 1, "value": float(v)})
                previous = v
        return {
            "best_so_far": steps,
            "improvements": self.improvements,
            "expected_improvements": self.expected_improvements,
            "improvements_z": self.z,
            "runs_since_improvement": self.runs_since_improvement,
            "stagnated": self.stagnated,
            "late_gain": self.late_gain,
            "concentrating": self.concentrating,
            "concentration_rho": self.concentration_rho,
            "concentration_pvalue": self.concentration_pvalue,
        }


def noise_floor(s: np.ndarray) -> float:
    """Improvements smaller than this are ties."""
    finite = s[np.isfinite(s)]
    scale = float(np.max(np.abs(finite))) if len(finite) else 0.0
    return max(1e-12 * scale, 1e-15)


def convergence(prep: Prepared, rng: np.random.Generator | None = None) -> ConvergenceInfo:
    rng = rng or np.random.default_rng(5)
    s = prep.s
    sign = prep.sweep.metric.sign
    best = _running_min(s)
    tau = noise_floor(s)
    records = _records(s[prep.evaluated], tau)
    n_e = prep.n_evaluated
    h = stats.harmonic(n_e)
    var = float(np.sum(1 / np.arange(1, n_e + 1) - 1 / np.arange(1, n_e + 1) ** 2)) if n_e else 0
    z = (records - h) / math.sqrt(var) if var > 0 and prep.confidence != "describe" else None
    since, p_stag, late, stagnated = _stagnation(s[prep.evaluated], tau, prep.confidence)
    order = np.argsort(np.where(np.isnan(prep.finished), np.inf, prep.finished), kind="stable")
    timed = order[prep.evaluated[order] & ~np.isnan(prep.finished[order])]
    by_time = (prep.finished[timed], _running_min(s[timed]) * sign)
    rho = pval = concentrating = None
    subsampled = None
    if prep.confidence != "describe" and len(prep.params):
        rho, pval, subsampled = _concentration(prep, rng)
        if rho is not None:
            concentrating = bool(pval is not None and pval < CONCENTRATION_ALPHA and rho < 0)
    states = prep.sweep.runs["state"].to_numpy()[prep.rows]
    crashed = np.flatnonzero(np.isin(states, ("crashed", "failed")))
    info = ConvergenceInfo(best * sign, by_time, records, h, z, since, p_stag, late, stagnated,
                           concentrating, rho, pval, crashed, subsampled)
    return ConvergenceInfo(**{**info.__dict__, "findings": tuple(_findings(prep, info))})


def _running_min(s: np.ndarray) -> np.ndarray:
    filled = np.where(np.isnan(s), np.inf, s)
    best = np.minimum.accumulate(filled) if len(filled) else filled
    return np.where(np.isinf(best), np.nan, best)


def _records(s: np.ndarray, tau: float) -> int:
    """New bests (by more than tau) in order; the first value counts as one, as in H_n."""
    if not len(s):
        return 0
    prior = np.concatenate([[np.inf], np.minimum.accumulate(s)[:-1]])
    return int(np.sum(s < prior - tau))


def _stagnation(s: np.ndarray, tau: float, confidence: str
                ) -> tuple[int | None, float | None, float | None, bool | None]:
    n = len(s)
    if not n:
        return None, None, None, None
    best = np.minimum.accumulate(s)
    prior = np.concatenate([[np.inf], best[:-1]])
    last = int(np.flatnonzero(s < prior - tau)[-1])
    since = n - 1 - last
    if confidence == "describe":
        return since, None, None, None
    p_stag = (n - since) / n
    cut = int(math.floor(0.75 * n))
    gap = float(np.median(s) - best[-1])
    late = float((best[cut - 1] - best[-1]) / gap) if cut >= 1 and gap > 0 else 0.0
    stagnated = since >= max(20, 0.5 * n) and late < 0.01
    return since, p_stag, late, stagnated


def incumbent_distances(u: np.ndarray, s: np.ndarray, created: np.ndarray,
                        finished: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """Distance of each proposal to the best run known when it was created (NaN if none).

    Known = finished before the run was created; without times, every earlier run."""
    n = len(s)
    if np.isnan(created).any() or np.isnan(finished).any():  # no times: one run after another
        t_created = np.arange(n, dtype=float)
        t_finished = t_created + 0.5
    else:
        t_created, t_finished = created, finished
    ok = np.flatnonzero(np.isfinite(s))
    if not len(ok):
        return np.full(n, np.nan)
    by_finish = ok[np.argsort(t_finished[ok], kind="stable")]
    values = s[by_finish]
    best_pos = np.zeros(len(values), dtype=int)
    current = 0
    for i in range(1, len(values)):  # running argmin (ties keep the earlier)
        if values[i] < values[current]:
            current = i
        best_pos[i] = current
    known = np.searchsorted(t_finished[by_finish], t_created, side="left") - 1
    inc = np.where(known >= 0, by_finish[best_pos[np.maximum(known, 0)]], -1)
    diff = np.abs(u - u[np.maximum(inc, 0)])
    diff[:, categorical] = (diff[:, categorical] > 0).astype(float) if categorical.any() else \
        diff[:, categorical]
    dist = np.nanmean(diff, axis=1) if u.shape[1] else np.zeros(n)
    return np.where(inc >= 0, dist, np.nan)


def _spearman_trend(dist: np.ndarray) -> float | None:
    from scipy import stats as st

    ok = np.isfinite(dist)
    if ok.sum() < 10:
        return None
    return float(st.spearmanr(np.flatnonzero(ok), dist[ok]).statistic)


def _concentration(prep: Prepared, rng: np.random.Generator
                   ) -> tuple[float | None, float | None, int | None]:
    """Spearman trend of the distance to the incumbent over proposal order, and a one-sided
    p-value from permuting the order of whole runs (parameters and results together)."""
    u = prep.u.copy()
    if prep.categorical.any():  # compare levels, not jittered codes
        u[:, prep.categorical] = prep.codes[:, prep.categorical].astype(float)
    s = np.where(prep.evaluated, prep.s, np.nan)
    keep = stats.subsample(prep.n, MAX_TREND_RUNS, rng)
    subsampled = len(keep) if len(keep) < prep.n else None
    u, s = u[keep], s[keep]
    created, finished = prep.created[keep], prep.finished[keep]
    observed = _spearman_trend(incumbent_distances(u, s, created, finished, prep.categorical))
    if observed is None:
        return None, None, subsampled
    draws = PERMUTATIONS if len(keep) <= 2000 else PERMUTATIONS // 2
    hits = 0
    for _ in range(draws):
        perm = rng.permutation(len(keep))
        rho = _spearman_trend(incumbent_distances(u[perm], s[perm], created, finished,
                                                  prep.categorical))
        hits += rho is not None and rho <= observed
    return observed, (1 + hits) / (1 + draws), subsampled


def _findings(prep: Prepared, info: ConvergenceInfo) -> list[Finding]:
    out: list[Finding] = []
    metric = prep.sweep.metric.name
    n = prep.n_evaluated
    if prep.confidence == "describe" or info.runs_since_improvement is None:
        return out
    values = prep.s[prep.evaluated]
    if len(values) and values.min() == values.max():
        return [Finding(
            "constant_metric", "warning",
            f"Every one of the {n:,} evaluated runs has the same {metric}: the runs cannot be "
            "told apart by it, so nothing is said of convergence; check --metric.",
            {"evaluated": n})]
    k = info.runs_since_improvement
    tied = int((values == values.min()).sum())
    if info.stagnated:
        chance = 50 / (n + 50)
        odds = (f"for a random search, 50 more runs would beat the best with a chance of "
                f"about {chance:.0%}") if tied == 1 else (
            f"{tied:,} runs share the best value, so more runs may only tie it")
        out.append(Finding(
            "stagnation", "notice",
            f"No improvement of {metric} in the last {k:,} of {n:,} runs; {odds}.",
            {"runs_since_improvement": k, "evaluated": n, "late_gain": info.late_gain,
             "tied_at_best": tied}))
    elif info.late_gain is not None and info.late_gain > 0.01:
        out.append(Finding(
            "still_improving", "info",
            f"Still improving: the last quarter of the runs closed {info.late_gain:.0%} of the gap "
            f"between the median and the best {metric}.",
            {"late_gain": info.late_gain, "runs_since_improvement": k}))
    if info.z is not None and info.z > 2:
        out.append(Finding(
            "improvements", "info",
            f"{info.improvements} new bests in {n:,} runs, more than the "
            f"{info.expected_improvements:.1f} expected by luck: the search learned.",
            {"improvements": info.improvements, "expected": info.expected_improvements,
             "z": info.z}))
    if info.concentrating:
        where = _concentration_onset(prep)
        out.append(Finding(
            "concentration", "info",
            f"The search concentrated around its best runs over time{where} (trend "
            f"ρ = {info.concentration_rho:.2f}, permutation p = "
            f"{fmt_number(info.concentration_pvalue, 2)}).",
            {"rho": info.concentration_rho, "pvalue": info.concentration_pvalue}))
    return out


def _concentration_onset(prep: Prepared) -> str:
    """The first run after which proposals stay closer to the incumbent than before."""
    u = prep.u
    dist = incumbent_distances(u, np.where(prep.evaluated, prep.s, np.nan), prep.created,
                               prep.finished, prep.categorical)
    ok = np.flatnonzero(np.isfinite(dist))
    if len(ok) < 20:
        return ""
    window = max(5, len(ok) // 10)
    smooth = np.convolve(dist[ok], np.ones(window) / window, mode="valid")
    start = float(np.median(dist[ok][:window]))
    below = np.flatnonzero(smooth < 0.75 * start)
    if not len(below):
        return ""
    return f" (closer after run {int(ok[below[0]]) + window})"
