"""Parameter importance (research §5): rank correlations for small sweeps; from 30 runs a
random forest on PIT features with out-of-bag R², its first- and total-order Sobol indices
under the declared prior (the fANOVA quantity) with bootstrap intervals; and a top-quantile
PED-ANOVA-style importance ("what separates the best runs")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics import stats
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared, level_probabilities

FOREST_FROM = 30  # evaluated runs needed for the forest
MAX_FOREST_RUNS = 2000  # the forest is fitted on a subsample above this
TREES = 100
REFITS = 4  # bootstrap refits for the intervals
SOBOL_POINTS = 512
POOR_FIT = 0.3  # out-of-bag R² below this: the model-based figures are not trusted
#: adaptive samplers leave most of the space unvisited and tie parameters to time: the forest
#: extrapolates, so it must fit better before its global importances are trusted
POOR_FIT_ADAPTIVE = 0.5
GRID = 50


@dataclass(frozen=True)
class ParamImportance:
    name: str
    score: float  # total-order Sobol index (forest) or |rank correlation| / ε² (small sweeps)
    low: float
    high: float
    rank: int
    first_order: float | None = None
    correlation: float | None = None  # Spearman ρ with the metric (numeric parameters)
    top_importance: float | None = None  # PED-ANOVA-style, normalised to sum 1


@dataclass(frozen=True)
class ImportanceInfo:
    method: str | None
    oob_r2: float | None
    reliable: bool
    params: tuple[ParamImportance, ...]
    subsampled: int | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "oob_r2": self.oob_r2, "reliable": self.reliable,
                "params": {p.name: {"score": p.score, "low": p.low, "high": p.high,
                                    "rank": p.rank, "first_order": p.first_order,
                                    "correlation": p.correlation,
                                    "top_importance": p.top_importance}
                           for p in self.params},
                "subsampled_to": self.subsampled}

    def order(self) -> list[str]:
        """Parameter names, most important first."""
        return [p.name for p in sorted(self.params, key=lambda p: p.rank)]


def importance(prep: Prepared, rng: np.random.Generator | None = None,
               adaptive: bool = False) -> ImportanceInfo:
    rng = rng or np.random.default_rng(17)
    ev = np.flatnonzero(prep.evaluated)
    if prep.confidence == "describe" or not len(prep.params):
        return ImportanceInfo(None, None, False, ())
    x = _features(prep)[ev]
    s = prep.s[ev]
    correlations = _correlations(prep, ev)
    top = _top_importance(prep, ev)
    if len(ev) < FOREST_FROM:
        scores, lows, highs = _rank_scores(prep, ev, rng)
        info = _assemble("rank correlation", None, True, prep, scores, lows, highs, None,
                         correlations, top, None)
    else:
        keep = stats.subsample(len(ev), MAX_FOREST_RUNS, rng)
        sub = len(keep) if len(keep) < len(ev) else None
        total, first, r2, lows, highs = _forest(prep, x[keep], s[keep], rng)
        floor = POOR_FIT_ADAPTIVE if adaptive else POOR_FIT
        info = _assemble("random forest (Sobol indices)", r2, r2 >= floor, prep, total,
                         lows, highs, first, correlations, top, sub)
    return ImportanceInfo(**{**info.__dict__,
                             "findings": tuple(_findings(prep, info, adaptive))})


def _assemble(method, r2, reliable, prep, scores, lows, highs, first, corr, top, sub
              ) -> ImportanceInfo:  # type: ignore[no-untyped-def]
    order = np.argsort(-np.asarray(scores), kind="stable")
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    params = tuple(ParamImportance(
        p.name, float(scores[j]), float(lows[j]), float(highs[j]), int(rank[j]),
        None if first is None else float(first[j]), corr[j], top[j])
        for j, p in enumerate(prep.params))
    return ImportanceInfo(method, r2, reliable, params, sub)


def _features(prep: Prepared) -> np.ndarray:
    """PIT coordinates; categoricals as level codes; inactive values as -1 (a sentinel)."""
    x = prep.u.copy()
    for j in np.flatnonzero(prep.categorical):
        x[:, j] = prep.codes[:, j]
    return np.where(np.isnan(x), -1.0, x)


def _correlations(prep: Prepared, ev: np.ndarray) -> list[float | None]:
    from scipy import stats as st

    out: list[float | None] = []
    for j in range(len(prep.params)):
        u = prep.u[ev, j]
        ok = ~np.isnan(u)
        if prep.categorical[j] or ok.sum() < 3:
            out.append(None)
            continue
        out.append(float(st.spearmanr(u[ok], prep.s[ev][ok]).statistic))
    return out


def _rank_scores(prep: Prepared, ev: np.ndarray, rng: np.random.Generator
                 ) -> tuple[list[float], list[float], list[float]]:
    """|Spearman ρ| for numerics, Kruskal–Wallis ε² for categoricals, 200-resample CIs."""
    from scipy import stats as st

    def score(rows: np.ndarray, j: int) -> float:
        s = prep.s[rows]
        if prep.categorical[j]:
            codes = prep.codes[rows, j]
            groups = [s[codes == c] for c in np.unique(codes[codes >= 0])]
            groups = [g for g in groups if len(g)]
            if len(groups) < 2 or len(s) < 3:
                return 0.0
            h = st.kruskal(*groups).statistic
            return float(max(0.0, h / (len(s) - 1))) if np.isfinite(h) else 0.0
        u = prep.u[rows, j]
        ok = ~np.isnan(u)
        if ok.sum() < 3 or np.ptp(u[ok]) == 0 or np.ptp(s[ok]) == 0:
            return 0.0
        rho = st.spearmanr(u[ok], s[ok]).statistic
        return float(abs(rho)) if np.isfinite(rho) else 0.0

    scores, lows, highs = [], [], []
    for j in range(len(prep.params)):
        scores.append(score(ev, j))
        boot = [score(ev[rng.integers(0, len(ev), len(ev))], j) for _ in range(200)]
        lows.append(float(np.percentile(boot, 5)))
        highs.append(float(np.percentile(boot, 95)))
    return scores, lows, highs


def _forest(prep: Prepared, x: np.ndarray, s: np.ndarray, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    from sklearn.ensemble import RandomForestRegressor

    seed = int(rng.integers(0, 2**31 - 1))
    model = RandomForestRegressor(n_estimators=TREES, min_samples_leaf=2, oob_score=True,
                                  random_state=seed, n_jobs=2).fit(x, s)
    model.set_params(n_jobs=1)  # threads add tree predictions in any order: not reproducible
    r2 = float(model.oob_score_)
    a, b = _sobol_design(prep, rng)
    total, first = _sobol(model, a, b)
    refits_total = []
    for k in range(REFITS):
        pick = rng.integers(0, len(s), len(s))
        refit = RandomForestRegressor(n_estimators=TREES // 2, min_samples_leaf=2,
                                      random_state=seed + k + 1, n_jobs=2).fit(x[pick], s[pick])
        refit.set_params(n_jobs=1)
        refits_total.append(_sobol(refit, a, b)[0])
    spread = np.vstack(refits_total + [total])
    return total, first, r2, spread.min(axis=0), spread.max(axis=0)


def _sobol_design(prep: Prepared, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Sobol point sets drawn from the declared prior, in feature coordinates."""
    from scipy.stats import qmc

    d = len(prep.params)
    points = qmc.Sobol(2 * d, scramble=True, seed=int(rng.integers(0, 2**31 - 1))
                       ).random(SOBOL_POINTS)
    for j in np.flatnonzero(prep.categorical):  # uniform → a level, by declared probabilities
        p = level_probabilities(prep.params[j], len(prep.levels[j]))
        edges = np.cumsum(p)[:-1]
        for col in (j, d + j):
            points[:, col] = np.searchsorted(edges, points[:, col], side="right")
    return points[:, :d], points[:, d:]


def _sobol(model, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Total (Jansen) and first-order (Saltelli 2010) indices of the model's prediction."""
    d = a.shape[1]
    stacked = [a, b] + [np.where(np.arange(d) == j, b, a) for j in range(d)]
    pred = model.predict(np.vstack(stacked)).reshape(d + 2, len(a))
    fa, fb, fab = pred[0], pred[1], pred[2:]
    var = float(np.var(np.concatenate([fa, fb])))
    if var <= 0:
        return np.zeros(d), np.zeros(d)
    total = np.mean((fa - fab) ** 2, axis=1) / (2 * var)
    first = np.mean(fb * (fab - fa), axis=1) / var
    return np.clip(total, 0, None), np.clip(first, 0, None)


def _top_importance(prep: Prepared, ev: np.ndarray) -> list[float | None]:
    """PED-ANOVA-style: how far the top quantile's marginal is from all runs' (Pearson χ²
    divergence of smoothed densities on a 50-point grid), normalised to sum to 1."""
    n = len(ev)
    if n < 10:
        return [None] * len(prep.params)
    gamma = max(0.1, 5 / n)
    s = prep.s[ev]
    top = s <= np.quantile(s, gamma)
    raw = []
    for j in range(len(prep.params)):
        if prep.categorical[j]:
            codes = prep.codes[ev, j]
            k = len(prep.levels[j])
            p_all = np.bincount(codes[codes >= 0], minlength=k) + 1.0
            p_top = np.bincount(codes[top & (codes >= 0)], minlength=k) + 1.0
        else:
            u = prep.u[ev, j]
            ok = ~np.isnan(u)
            p_all, p_top = _kde(u[ok]), _kde(u[top & ok])
        p_all, p_top = p_all / p_all.sum(), p_top / p_top.sum()
        raw.append(float(gamma ** 2 * np.sum((p_top / p_all - 1) ** 2 * p_all)))
    total = sum(raw)
    return [r / total if total > 0 else 0.0 for r in raw]


def _kde(u: np.ndarray) -> np.ndarray:
    """Scott-rule Gaussian kernel density on the grid, plus one uniform prior kernel."""
    grid = (np.arange(GRID) + 0.5) / GRID
    if len(u) < 2:
        return np.ones(GRID)
    sigma = 1.059 * min(np.std(u), (np.quantile(u, 0.75) - np.quantile(u, 0.25)) / 1.34) \
        * len(u) ** -0.2
    sigma = max(sigma, 0.5 / GRID)
    dens = np.exp(-0.5 * ((grid[:, None] - u[None, :]) / sigma) ** 2).sum(axis=1) / sigma
    dens = dens / dens.sum() * len(u)
    return dens + 1.0  # the prior kernel: weight of one run, spread over the whole range


def _findings(prep: Prepared, info: ImportanceInfo, adaptive: bool = False) -> list[Finding]:
    out: list[Finding] = []
    if not info.params:
        return out
    if info.oob_r2 is not None and not info.reliable:
        why = (" — the adaptive search concentrated its runs, so parameters it stopped varying "
               "look unimportant" if adaptive else "")
        out.append(Finding(
            "importance_fit", "notice",
            f"Importance is not reliable here: the model explains little of "
            f"{prep.sweep.metric.name} (out-of-bag R² = {info.oob_r2:.2f}){why}. The bars are "
            "greyed out; the best-region differences are the better guide.",
            {"oob_r2": info.oob_r2, "adaptive": adaptive}))
        return out
    ranked = sorted(info.params, key=lambda p: p.rank)
    strong = [p for p in ranked if p.score >= 0.1]
    low_conf = " (low confidence: few runs)" if prep.confidence == "low" else ""
    if strong:
        names = ", ".join(f"{p.name} ({p.score:.2f})" for p in strong[:3])
        out.append(Finding(
            "importance", "info",
            f"{prep.sweep.metric.name} depends most on {names}{low_conf}.",
            {"method": info.method, "scores": {p.name: p.score for p in ranked}}))
    return out
