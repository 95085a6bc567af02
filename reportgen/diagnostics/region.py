"""Best region: where the top runs are, parameter by parameter and as one box (research §3).

The top set is the best max(10%, 5) of the evaluated runs (threshold ties included); the
parallel coordinates' "top 10%" highlight uses the same rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportgen.diagnostics import prim, stats
from reportgen.diagnostics.facts import top_count
from reportgen.diagnostics.findings import Finding
from reportgen.diagnostics.prep import Prepared, to_value
from reportgen.formatting import fmt_number, fmt_value

BOUND_SHARE = 0.2  # more of the top set than this near a bound → "extend"
BOUND_EDGE = 0.05  # "near": within 5% of the declared range (PIT scale)
BOOTSTRAP = 50  # resamples for the PRIM box's stability (a 0.6 threshold: ±0.07 at 50)
MAX_PRIM_RUNS = 1500
PERMUTATIONS = 400  # shuffles of the top labels for the top-vs-rest test
MAX_TEST_RUNS = 4000  # the top-vs-rest test runs on a random subsample above this


@dataclass(frozen=True)
class LevelEnrichment:
    level: Any
    top: int
    total: int
    lift: float
    p_enriched: float
    p_depleted: float
    q_enriched: float = math.nan
    q_depleted: float = math.nan
    p_worse: float = math.nan  # Mann–Whitney: runs with this level score worse than the rest
    q_worse: float = math.nan
    # the same test among the runs inside the PRIM box without this parameter's restriction:
    # where the other parameters are good, is this level still worse?
    p_worse_box: float = math.nan
    q_worse_box: float = math.nan


@dataclass(frozen=True)
class ParamRegion:
    name: str
    categorical: bool
    scale: str
    low: float | None = None  # 5–95% range of the top runs, in value units
    high: float | None = None
    all_low: float | None = None  # the same range over all evaluated runs
    all_high: float | None = None
    width_ratio: float | None = None  # top range over the searched range (PIT scale)
    pvalue: float | None = None  # top vs the rest (KS), Holm-adjusted
    at_bound: str | None = None  # low | high: the top runs press against a declared bound
    levels: tuple = ()  # categorical: levels of the top runs, most frequent first
    enrichment: tuple[LevelEnrichment, ...] = ()
    box_low: float | None = None  # the PRIM box, in value units, when it restricts this one
    box_high: float | None = None
    box_levels: tuple = ()
    stability: float | None = None  # share of bootstrap boxes restricting this parameter
    quasi_p: float | None = None
    kept: bool = False  # restriction survives bootstrap (≥ 0.6) and quasi-p (≤ 0.05)


@dataclass(frozen=True)
class RegionInfo:
    top_runs: int
    top_fraction: float
    threshold: float | None  # metric value of the worst top run
    top_rows: np.ndarray  # proposal positions of the top runs
    params: tuple[ParamRegion, ...]
    box: bool  # a PRIM box was fitted
    box_coverage: float | None
    box_density: float | None
    subsampled: int | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def top_positions(prep: Prepared) -> tuple[np.ndarray, float | None]:
    """Proposal positions of the top set (the facts' `top`) and its threshold."""
    top = np.flatnonzero(np.isin(prep.rows, prep.facts.top))
    if not len(top):
        return top, None
    return top, float(np.max(prep.s[top]) * prep.sweep.metric.sign)


def region(prep: Prepared, rng: np.random.Generator | None = None) -> RegionInfo:
    """The best region of the sweep's top set (`prep.facts`): per parameter its range or
    levels, the top-vs-rest test, the PRIM box and its stability."""
    rng = rng or np.random.default_rng(3)
    fraction = prep.facts.top_fraction
    top, threshold = top_positions(prep)
    ev = np.flatnonzero(prep.evaluated)
    is_top = np.isin(ev, top)
    if prep.confidence == "describe":
        info = RegionInfo(len(top), fraction, threshold, top, (), False, None, None)
        return info
    params = [_param(prep, j, ev, is_top, rng) for j in range(len(prep.params))]
    params = _adjust(params)
    box = coverage = density = None
    subsampled = None
    if prep.confidence == "normal":
        box, coverage, density, params, subsampled = _prim(prep, ev, is_top, params, fraction,
                                                           rng)
    info = RegionInfo(len(top), fraction, threshold, top, tuple(params), box is not None,
                      coverage, density, subsampled)
    return RegionInfo(**{**info.__dict__, "findings": tuple(_findings(prep, info))})


def _param(prep: Prepared, j: int, ev: np.ndarray, is_top: np.ndarray,
           rng: np.random.Generator) -> ParamRegion:
    from scipy import stats as st

    spec = prep.params[j]
    if prep.categorical[j]:
        codes = prep.codes[ev, j]
        levels = prep.levels[j]
        top_codes = codes[is_top]
        counts = np.bincount(top_codes[top_codes >= 0], minlength=len(levels))
        order = np.argsort(-counts, kind="stable")
        kept = tuple(levels[i] for i in order if counts[i] > 0)
        enrichment = []
        big_n, big_k = int((codes >= 0).sum()), int((top_codes >= 0).sum())
        s = prep.s[ev]
        for i, level in enumerate(levels):
            m = int((codes == i).sum())
            a = int((top_codes == i).sum())
            if m == 0:
                continue
            lift = (a / big_k) / (m / big_n) if big_k else math.nan
            inside, outside = s[codes == i], s[(codes != i) & (codes >= 0)]
            worse = float(st.mannwhitneyu(inside, outside, alternative="greater").pvalue) \
                if len(inside) >= 3 and len(outside) >= 3 else math.nan
            enrichment.append(LevelEnrichment(
                level, a, m, lift, float(st.hypergeom.sf(a - 1, big_n, m, big_k)),
                float(st.hypergeom.cdf(a, big_n, m, big_k)), p_worse=worse))
        return ParamRegion(spec.name, True, "categorical", levels=kept,
                           enrichment=tuple(enrichment))
    raw = prep.raw(j)[ev]
    u = prep.u[ev, j]
    log = spec.scale == "log"
    top_raw, top_u = raw[is_top], u[is_top]
    low, high = _quantiles(top_raw[np.isfinite(top_raw)], log)
    all_low, all_high = _quantiles(raw[np.isfinite(raw)], log)
    tu, au = top_u[~np.isnan(top_u)], u[~np.isnan(u)]
    width = None
    if len(tu) >= 2 and len(au) >= 2:
        # against the declared space (the PIT scale spans it), else against the runs tried
        spread_all = 1.0 if spec.declared else np.quantile(au, 0.95) - np.quantile(au, 0.05)
        width = float((np.quantile(tu, 0.95) - np.quantile(tu, 0.05)) / spread_all) \
            if spread_all > 0 else None
    p = top_vs_rest(u, is_top, rng)
    at_bound = None
    if spec.declared and len(tu):
        best_u = prep.u[np.flatnonzero(prep.evaluated)[np.nanargmin(prep.s[prep.evaluated])], j]
        if np.mean(tu < BOUND_EDGE) > BOUND_SHARE or best_u < BOUND_EDGE:
            at_bound = "low"
        elif np.mean(tu > 1 - BOUND_EDGE) > BOUND_SHARE or best_u > 1 - BOUND_EDGE:
            at_bound = "high"
    return ParamRegion(spec.name, False, spec.scale, low, high, all_low, all_high, width, p,
                       at_bound)


def top_vs_rest(u: np.ndarray, is_top: np.ndarray, rng: np.random.Generator) -> float | None:
    """Do the top runs' values differ from the rest? The KS distance between the two, against
    PERMUTATIONS shuffles of the top labels among runs of the same period (up to 5 blocks of
    the proposal order): an adaptive sampler's best runs are its late runs, and late runs
    differ from early ones in every parameter it narrowed, whether it matters or not."""
    ok = np.flatnonzero(~np.isnan(u))
    if len(ok) > MAX_TEST_RUNS:  # the permutations are PERMUTATIONS × runs: a subsample
        ok = ok[stats.subsample(len(ok), MAX_TEST_RUNS, rng)]
    x, top = u[ok], is_top[ok]
    k, n = int(top.sum()), len(x)
    if k < 5 or n - k < 5:
        return None
    order = np.argsort(x, kind="stable")
    labels = np.empty((PERMUTATIONS + 1, n), dtype=bool)
    labels[0] = top
    labels[1:] = top[stats.shuffles_within(stats.periods(n), PERMUTATIONS, rng)]
    ordered = labels[:, order]
    cum_top = np.cumsum(ordered, axis=1) / k
    cum_rest = np.cumsum(~ordered, axis=1) / (n - k)
    distance = np.max(np.abs(cum_top - cum_rest), axis=1)
    return float((1 + np.sum(distance[1:] >= distance[0] - 1e-12)) / (1 + PERMUTATIONS))


def extendable(spec: Any, side: str) -> bool:
    """Whether a declared range can grow on `side` (low | high): a log range always can; a
    linear one not below 0 when it starts at 0 (rates, dropout, weight decay), not above 1
    when it is a share in [0, 1], and an integer count not below 1."""
    if spec.scale == "log":
        return True
    low, high = spec.low, spec.high
    if side == "low":
        if low is None:
            return False
        if low == 0 or (spec.kind == "int" and low <= 1 and low >= 0):
            return False
        return True
    if high is None:
        return False
    return not (high == 1 and low is not None and low >= 0 and spec.kind != "int")


def _quantiles(values: np.ndarray, log: bool) -> tuple[float | None, float | None]:
    if not len(values):
        return None, None
    t = np.log(values[values > 0]) if log else values
    if not len(t):
        return None, None
    lo, hi = np.quantile(t, 0.05), np.quantile(t, 0.95)
    return (float(np.exp(lo)), float(np.exp(hi))) if log else (float(lo), float(hi))


def _adjust(params: list[ParamRegion]) -> list[ParamRegion]:
    """Holm across parameters for the KS tests; BH across all categorical levels."""
    adjusted = stats.holm([p.pvalue if p.pvalue is not None else math.nan for p in params])
    # a bound matters only where the best runs differ from the rest: chance puts a few of
    # them near any bound of a parameter without effect
    params = [ParamRegion(**{**p.__dict__, "pvalue": None if math.isnan(a) else a,
                             "at_bound": p.at_bound if not math.isnan(a) and a < 0.05 else None})
              for p, a in zip(params, adjusted)]
    flat = [(i, e) for i, p in enumerate(params) for e in p.enrichment]
    q_en = stats.benjamini_hochberg([e.p_enriched for _, e in flat])
    q_de = stats.benjamini_hochberg([e.p_depleted for _, e in flat])
    q_wo = stats.benjamini_hochberg([e.p_worse for _, e in flat])
    for i, p in enumerate(params):
        if p.categorical:
            updated = tuple(LevelEnrichment(**{**e.__dict__, "q_enriched": qe,
                                               "q_depleted": qd, "q_worse": qw})
                            for (k, e), qe, qd, qw in zip(flat, q_en, q_de, q_wo) if k == i)
            params[i] = ParamRegion(**{**p.__dict__, "enrichment": updated})
    return params


def _prim(prep: Prepared, ev: np.ndarray, is_top: np.ndarray, params: list[ParamRegion],
          fraction: float, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    numeric = np.flatnonzero(~prep.categorical)
    categorical = np.flatnonzero(prep.categorical)
    keep = stats.subsample(len(ev), MAX_PRIM_RUNS, rng)
    subsampled = len(keep) if len(keep) < len(ev) else None
    rows = ev[keep]
    x, codes, hit = prep.u[rows][:, numeric], prep.codes[rows][:, categorical], is_top[keep]
    support = max(5, int(0.05 * len(rows)))
    box = prim.choose(prim.peel(x, codes, hit, support))
    p_num, p_cat = prim.quasi_p(box, x, codes, hit)
    full = [len(np.unique(codes[:, j])) for j in range(codes.shape[1])]
    freq_num, freq_cat = np.zeros(len(numeric)), np.zeros(len(categorical))
    s = prep.s[rows]
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(rows), len(rows))
        k = top_count(len(pick), fraction)
        threshold = np.sort(s[pick])[k - 1]
        b = prim.choose(prim.peel(x[pick], codes[pick], s[pick] <= threshold, support))
        rn, rc = b.restricted(full)
        freq_num += rn
        freq_cat += rc
    freq_num /= BOOTSTRAP
    freq_cat /= BOOTSTRAP
    num_r, cat_r = box.restricted(full)
    out = list(params)
    for k, j in enumerate(int(i) for i in numeric):
        spec = prep.params[j]
        restricted = bool(num_r[k])
        qp = None if math.isnan(p_num[k]) else float(p_num[k])
        lo, hi = max(box.low[k], 0.0), min(box.high[k], 1.0)
        out[j] = ParamRegion(**{
            **out[j].__dict__,
            "box_low": to_value(spec, lo, prep.raw(j)) if restricted else None,
            "box_high": to_value(spec, hi, prep.raw(j)) if restricted else None,
            "stability": float(freq_num[k]), "quasi_p": qp,
            "kept": restricted and freq_num[k] >= 0.6 and qp is not None and qp <= 0.05})
    box_p = _level_tests_in_box(box, x, codes, s, categorical)
    for k, j in enumerate(int(i) for i in categorical):
        levels_p = box_p[k]
        code_of = _codes_of(prep, j)
        out[j] = ParamRegion(**{**out[j].__dict__, "enrichment": tuple(
            LevelEnrichment(**{**e.__dict__, "p_worse_box": levels_p.get(
                code_of(e.level), math.nan)})
            for e in out[j].enrichment)})
    for k, j in enumerate(int(i) for i in categorical):
        restricted = bool(cat_r[k])
        qp = None if math.isnan(p_cat[k]) else float(p_cat[k])
        levels = tuple(prep.levels[j][c] for c in sorted(box.levels[k])) if restricted else ()
        out[j] = ParamRegion(**{
            **out[j].__dict__, "box_levels": levels, "stability": float(freq_cat[k]),
            "quasi_p": qp,
            "kept": restricted and freq_cat[k] >= 0.6 and qp is not None and qp <= 0.05})
    flat = [(j, e) for j, p in enumerate(out) for e in p.enrichment]
    q_box = stats.benjamini_hochberg([e.p_worse_box for _, e in flat])
    for j in {j for j, _ in flat}:
        out[j] = ParamRegion(**{**out[j].__dict__, "enrichment": tuple(
            LevelEnrichment(**{**e.__dict__, "q_worse_box": q})
            for (k, e), q in zip(flat, q_box) if k == j)})
    return box, float(box.coverage), float(box.density), out, subsampled


def _codes_of(prep: Prepared, j: int) -> Callable[[Any], int]:
    """Parameter j's level → its code (-1 if unknown), keyed once per level."""
    from reportgen.levels import level_key

    index: dict[str, int] = {}
    for i, v in enumerate(prep.levels[j]):
        index.setdefault(level_key(v), i)
    return lambda level: index.get(level_key(level), -1)


def _level_tests_in_box(box: prim.Box, x: np.ndarray, codes: np.ndarray, s: np.ndarray,
                        categorical: np.ndarray) -> list[dict[int, float]]:
    """Per categorical dimension: one-sided Mann–Whitney p of each level against the others,
    among the runs inside the box with that dimension's restriction lifted."""
    from scipy import stats as st

    xx = np.where(np.isnan(x), -1.0, x)
    out: list[dict[int, float]] = []
    for k in range(len(categorical)):
        levels = list(box.levels)
        levels[k] = frozenset(np.unique(codes[:, k]).tolist())
        relaxed = prim.Box(box.low, box.high, tuple(levels), 0, 0, 0)
        inside = relaxed.contains(xx, codes)
        result = {}
        for code in np.unique(codes[inside, k]):
            a = s[inside & (codes[:, k] == code)]
            b = s[inside & (codes[:, k] != code)]
            if len(a) >= 3 and len(b) >= 3:
                result[int(code)] = float(st.mannwhitneyu(a, b, alternative="greater").pvalue)
        out.append(result)
    return out


def _findings(prep: Prepared, info: RegionInfo) -> list[Finding]:
    out: list[Finding] = []
    share = f"{info.top_fraction:.0%} of runs" if info.top_runs > 5 else f"{info.top_runs} runs"
    low_conf = " (low confidence: few runs)" if prep.confidence == "low" else ""
    for p in info.params:
        if p.categorical:
            depleted = [e for e in p.enrichment if e.q_depleted < 0.05
                        or (min(e.q_worse, e.q_worse_box) < 0.05 and e.top <= 1)]
            enriched = [e for e in p.enrichment if e.q_enriched < 0.05]
            if enriched:
                e = enriched[0]
                out.append(Finding(
                    "region_level", "info",
                    f"{p.name} = {fmt_value(e.level)} is over-represented among the best runs: "
                    f"{e.top} of {info.top_runs} top runs against {e.total} of all "
                    f"({e.lift:.1f}× its share){low_conf}.",
                    {"param": p.name, "level": _plain(e.level), "lift": e.lift,
                     "q": e.q_enriched}))
            for e in depleted:
                out.append(Finding(
                    "region_level", "notice",
                    f"{p.name} = {fmt_value(e.level)} is rare among the best runs: {e.top} of "
                    f"{info.top_runs:,} top runs although {e.total:,} runs tried it{low_conf}.",
                    {"param": p.name, "level": _plain(e.level), "lift": e.lift,
                     "q": e.q_depleted}))
            continue
        if p.low is None or p.pvalue is None or p.pvalue >= 0.05:
            if p.kept and p.box_low is not None:
                out.append(Finding(
                    "region_box", "info",
                    f"The best runs concentrate at {p.name} between {fmt_number(p.box_low, 3)} "
                    f"and {fmt_number(p.box_high, 3)}{' (log)' if p.scale == 'log' else ''} "
                    f"(a box found in {p.stability:.0%} of bootstrap resamples)"
                    f"{low_conf}.",
                    {"param": p.name, "low": p.box_low, "high": p.box_high,
                     "stability": p.stability, "quasi_p": p.quasi_p}))
            continue
        scale = " (log)" if p.scale == "log" else ""
        spec = next(x for x in prep.params if x.name == p.name)
        narrower = ""
        if p.width_ratio and 0 < p.width_ratio < 0.5:
            narrower = f" — {1 / p.width_ratio:.0f}× narrower than " + \
                ("searched" if spec.declared else "the range of the runs")
        if p.at_bound and extendable(spec, p.at_bound):
            out.append(Finding(
                "region_bound", "warning" if p.kept else "notice",
                f"The best {share} press against the {p.at_bound} bound of {p.name} "
                f"({fmt_number(p.low, 3)} to {fmt_number(p.high, 3)}): extend the range "
                f"{'downwards' if p.at_bound == 'low' else 'upwards'}, do not narrow it"
                f"{low_conf}.",
                {"param": p.name, "at_bound": p.at_bound, "low": p.low, "high": p.high}))
        elif p.at_bound:
            edge = spec.low if p.at_bound == "low" else spec.high
            out.append(Finding(
                "region_edge", "info",
                f"The best {share} sit at the {p.at_bound} end of {p.name} "
                f"({fmt_number(p.low, 3)} to {fmt_number(p.high, 3)}), and {fmt_number(edge, 3)} "
                f"is as {'low' if p.at_bound == 'low' else 'high'} as it can go: keep that "
                f"end{low_conf}.",
                {"param": p.name, "at_bound": p.at_bound, "low": p.low, "high": p.high}))
        else:
            out.append(Finding(
                "region_param", "info",
                f"The best {share} have {p.name} between {fmt_number(p.low, 3)} and "
                f"{fmt_number(p.high, 3)}{scale}{narrower}{low_conf}.",
                {"param": p.name, "low": p.low, "high": p.high, "width_ratio": p.width_ratio,
                 "pvalue": p.pvalue}))
    return out
