"""Convergence: best-so-far curves, improvements against luck, stagnation, and whether the
proposals concentrate around the incumbent over time (research §2)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared, level_probabilities
from reportgen.formatting import fmt_number

DRAWS = 100  # prior draws each proposal is ranked among
MIN_PROPOSALS = 10
MAX_TREND_RUNS = 5000  # the concentration test subsamples larger sweeps
CONCENTRATION_ALPHA = 0.001  # one-sided: proposals closer to the incumbent than the prior


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
    concentration_rank: float | None  # mean rank among prior draws; 0.5 under random search
    concentration_pvalue: float | None
    crashed_positions: np.ndarray  # proposal positions of crashed/failed runs
    subsampled: int | None = None
    concentration_onset: int | None = None  # run number from which proposals sat closer
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def noise_floor(s: np.ndarray) -> float:
    """Improvements smaller than this are ties."""
    finite = s[np.isfinite(s)]
    scale = float(np.max(np.abs(finite))) if len(finite) else 0.0
    return max(1e-12 * scale, 1e-15)


def convergence(prep: Prepared, rng: np.random.Generator | None = None,
                designed: bool = False) -> ConvergenceInfo:
    """Best so far, new bests against luck, stagnation and concentration. For a designed
    experiment (`designed`) the run order is the plan's: nothing is said of learning."""
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
    rank = pval = concentrating = onset = None
    subsampled = None
    if designed:
        z = None
    elif prep.confidence != "describe" and len(prep.params):
        rank, pval, subsampled, onset = _concentration(prep, rng)
        if rank is not None:
            concentrating = bool(pval is not None and pval < CONCENTRATION_ALPHA)
    states = prep.sweep.runs["state"].to_numpy()[prep.rows]
    crashed = np.flatnonzero(np.isin(states, ("crashed", "failed")))
    info = ConvergenceInfo(best * sign, by_time, records, h, z, since, p_stag, late, stagnated,
                           concentrating, rank, pval, crashed, subsampled, onset)
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


def incumbents(s: np.ndarray, created: np.ndarray, finished: np.ndarray) -> np.ndarray:
    """Position of the best run known when each run was created (-1 if none).

    Known = finished before the run was created; without times, every earlier run."""
    n = len(s)
    if np.isnan(created).any() or np.isnan(finished).any():  # no times: one run after another
        t_created = np.arange(n, dtype=float)
        t_finished = t_created + 0.5
    else:
        t_created, t_finished = created, finished
    ok = np.flatnonzero(np.isfinite(s))
    if not len(ok):
        return np.full(n, -1)
    by_finish = ok[np.argsort(t_finished[ok], kind="stable")]
    values = s[by_finish]
    before = np.concatenate([[np.inf], np.minimum.accumulate(values)[:-1]])
    # the position of the best so far (ties keep the earlier run)
    best_pos = np.maximum.accumulate(np.where(values < before, np.arange(len(values)), 0))
    known = np.searchsorted(t_finished[by_finish], t_created, side="left") - 1
    return np.where(known >= 0, by_finish[best_pos[np.maximum(known, 0)]], -1)


def _distance(a: np.ndarray, b: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """Mean per-parameter distance on the PIT scale (categoricals: 0 same level, 1 not),
    over the parameters set in both; NaN when none is."""
    diff = np.abs(a - b)
    if categorical.any():
        diff[..., categorical] = np.where(np.isnan(diff[..., categorical]), np.nan,
                                          (diff[..., categorical] > 0).astype(float))
    with np.errstate(invalid="ignore"):
        return np.nanmean(diff, axis=-1) if diff.shape[-1] else np.zeros(diff.shape[:-1])


def _prior_draws(prep: Prepared, shape: tuple[int, int], rng: np.random.Generator
                 ) -> np.ndarray:
    """Draws from the declared prior in proposal coordinates: uniform PIT for numbers, a level
    by its declared probability for categoricals; (shape[0], shape[1], parameters)."""
    cols = np.flatnonzero(~prep.replicate)
    out = rng.random((*shape, len(cols)))
    for k, j in enumerate(cols):
        if prep.categorical[j]:
            p = level_probabilities(prep.params[j], len(prep.levels[j]))
            out[..., k] = np.searchsorted(np.cumsum(p)[:-1], out[..., k], side="right")
    return out


def _concentration(prep: Prepared, rng: np.random.Generator
                   ) -> tuple[float | None, float | None, int | None, int | None]:
    """A conditional randomisation test: each proposal's distance to the incumbent known when
    it was made, ranked among DRAWS draws from the declared prior at the same incumbent. Under
    random search each rank is uniform on (0, 1), whatever came before; Stouffer's sum of the
    ranks' normal scores gives a one-sided p-value that the proposals sat closer. Only the
    first run of each configuration counts (repeats over seeds or folds are not proposals).
    Returns (mean rank, p-value, proposals used when subsampled, onset)."""
    from scipy import stats as st

    keep = ~prep.replicate  # seeds and folds repeat a configuration; they are not proposals
    x, categorical = prep.coordinates()[:, keep], prep.categorical[keep]
    s = np.where(prep.evaluated, prep.s, np.nan)
    inc = incumbents(s, prep.created, prep.finished)
    first = prep.distinct
    first = first[inc[first] >= 0]
    subsampled = None
    if len(first) > MAX_TREND_RUNS:
        first = np.sort(rng.choice(first, size=MAX_TREND_RUNS, replace=False))
        subsampled = MAX_TREND_RUNS
    if len(first) < MIN_PROPOSALS:
        return None, None, subsampled, None
    proposals, best = x[first], x[inc[first]]
    observed = _distance(proposals, best, categorical)
    draws = _prior_draws(prep, (len(first), DRAWS), rng)
    draws = np.where(np.isnan(proposals)[:, None, :], np.nan, draws)  # the proposal's pattern
    null = _distance(draws, best[:, None, :], categorical)
    ok = np.isfinite(observed)
    if ok.sum() < MIN_PROPOSALS:
        return None, None, subsampled, None
    below = np.sum(null[ok] < observed[ok, None], axis=1)
    ties = np.sum(null[ok] == observed[ok, None], axis=1)
    ranks = (below + rng.random(int(ok.sum())) * (ties + 1)) / (DRAWS + 1)
    z = float(np.sum(st.norm.ppf(np.clip(ranks, 1e-12, 1 - 1e-12))) / np.sqrt(len(ranks)))
    p = float(st.norm.cdf(z))
    onset = _onset(first[ok], ranks) if p < CONCENTRATION_ALPHA else None
    return float(np.mean(ranks)), p, subsampled, onset


def still_improving(info: ConvergenceInfo, evaluated: int) -> bool:
    """Not stagnated, the last quarter closed more than 1% of the median-to-best gap, and a
    new best among the last max(5, 5%) of the `evaluated` runs: only then is the search
    called still improving."""
    return (not info.stagnated and (info.late_gain or 0) > 0.01
            and (info.runs_since_improvement or 0) <= max(5, evaluated // 20))


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
        lead = "Still improving" if still_improving(info, n) else \
            f"Improved late, though not in the last {k:,} runs"
        out.append(Finding(
            "still_improving", "info",
            f"{lead}: the last quarter of the runs closed {info.late_gain:.0%} of the gap "
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
        where = f" (from run {info.concentration_onset:,} on)" \
            if info.concentration_onset else ""
        out.append(Finding(
            "concentration", "info",
            f"The search concentrated around its best runs{where}: its proposals sat closer "
            f"to the best run known at the time than draws from the declared space would "
            f"(mean rank {info.concentration_rank:.2f} where random search gives 0.50; "
            f"p = {fmt_number(info.concentration_pvalue, 2)}).",
            {"mean_rank": info.concentration_rank, "pvalue": info.concentration_pvalue,
             "onset": info.concentration_onset}))
    return out


def _onset(positions: np.ndarray, ranks: np.ndarray) -> int | None:
    """The run after which proposals sit closer to the incumbent than most prior draws: the
    first window of ranks whose mean falls below 0.3 (0.5 under random search)."""
    if len(ranks) < 20:
        return None
    window = max(5, len(ranks) // 10)
    smooth = np.convolve(ranks, np.ones(window) / window, mode="valid")
    below = np.flatnonzero(smooth < 0.3)
    return int(positions[below[0]]) + 1 if len(below) else None
