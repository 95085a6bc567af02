"""The next sweep: a W&B sweep config narrowed (or widened at a bound) around the best region.

Rules (research §3.5):
* nothing changes for a parameter whose effect on the metric the importance tests cannot tell
  from chance (`ImportanceInfo.detected`): its good values are not known, so neither is where
  to search;
* a numeric parameter with a detected effect is narrowed when the evidence says where its good
  values are (the PRIM box keeps it, or the best runs differ from the runs of the same period,
  Holm p < 0.05): to the span of the best runs and of the box, plus a margin of 10% of that
  span on each side, on the parameter's own scale (log-scaled ones stay log:
  `log_uniform_values`), inside the old range — a new bound within 15% of the range of the old
  one stays the old one; with a detected effect but no such evidence the range is kept;
* where the best runs press against a declared bound that can move (`region.extendable`: not
  below 0 for a linear range that starts there, not above 1 for a share), that side is widened
  (by 50% of the range on the parameter's scale: half a decade per decade of range for log
  parameters), not narrowed; at a bound that cannot move the range keeps that end;
* a categorical level is dropped only when it was tried at least 8 times, at most one best run
  used it, and its runs score significantly worse than the others — over all runs, or among
  the runs where the other parameters are good (inside the PRIM box without this parameter's
  restriction) — by a one-sided Mann–Whitney test, or it is rare among the best
  (hypergeometric); each family Benjamini–Hochberg-adjusted across all levels, q < 0.05. On an
  adaptive sweep only the test among good runs counts, and a level the sampler tried less
  than half its share is never dropped;
* parameters without evidence keep their range, and the reason says so;
* every other key of the original config (metric, program, command, early_terminate, ...) is
  kept; the method becomes bayes for at most 10 continuous parameters, random otherwise; the
  run cap is 10 runs per varying parameter, between 20 and 200;
* replicates (seeds, folds) are kept as they were: repeats of a configuration, not a setting
  whose good values can be learnt;
* with fewer than MIN_RUNS finished runs nothing is narrowed.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from reportgen.diagnostics.prep import to_value
from reportgen.diagnostics.region import ParamRegion, extendable
from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_number, fmt_value
from reportgen.model import ParamSpec, Sweep

MIN_RUNS = 20
MIN_LEVEL_RUNS = 8  # a level tried fewer times is never dropped: too little to judge it
MARGIN = 0.10
SNAP = 0.15  # a new bound this close to the old one (share of the range) becomes the old one
WIDEN = 0.5
BAYES_MAX_CONTINUOUS = 10


@dataclass(frozen=True)
class Change:
    param: str
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class Suggestion:
    config: dict[str, Any]
    changes: tuple[Change, ...]
    narrowed: bool  # whether any range or level changed
    notes: tuple[str, ...] = field(default_factory=tuple)

    def changed(self) -> list[Change]:
        """The changes that change something (a kept parameter is listed with its reason)."""
        return [c for c in self.changes if c.old != c.new]

    def comments(self, title: str) -> list[str]:
        """`title`, the notes and the evidence for every change, as `#` comment lines (the
        head of the YAML and of the Optuna code)."""
        import textwrap

        texts = [title, *self.notes]
        texts += [f"{c.param}: {c.old} -> {c.new}: {c.reason}" for c in self.changes]
        lines = []
        for text in texts:
            lines += textwrap.wrap(text, width=92, initial_indent="# ",
                                   subsequent_indent="#     ", break_on_hyphens=False)
        return lines

    def yaml(self) -> str:
        """The config as YAML, the evidence for every change in comments above it."""
        import yaml

        lines = self.comments("Next sweep proposed by reportgen from the best region of the "
                              "last one.")
        body = yaml.safe_dump(self.config, sort_keys=False, allow_unicode=True,
                              default_flow_style=None, width=100)
        return "\n".join(lines) + "\n" + body


def suggest(sweep: Sweep, d: Diagnostics) -> Suggestion:
    """The next sweep of `sweep`: its config with the parameters that have a detected effect
    narrowed to the best region (or widened where the best runs press on a bound), and why."""
    base = copy.deepcopy(sweep.config) if sweep.config else _config_from_space(sweep)
    base.setdefault("metric", {"name": sweep.metric.name, "goal": sweep.metric.goal})
    regions = {r.name: r for r in d.region.params}
    evaluated = d.prep.n_evaluated
    enough = evaluated >= MIN_RUNS
    notes = []
    if not enough:
        notes.append(f"Only {evaluated} finished runs with a value: nothing is narrowed; run "
                     f"at least {MIN_RUNS} to learn where the good values are.")
    changes = []
    continuous = 0
    for spec in sweep.space.params:
        body = _body(base, spec.name)
        if body is None or spec.kind == "constant":
            continue
        if spec.replicate:
            changes.append(Change(spec.name, _was(body), _was(body), "a replicate (seed or "
                                  "fold): kept as it was, never narrowed or widened"))
            continue
        region = regions.get(spec.name)
        if spec.kind in ("categorical", "bool"):
            change = _levels(spec, body, region, d) if enough and region else None
        else:
            continuous += spec.kind == "float"
            change = _numeric(spec, body, region, d, enough)
        if change is not None:
            changes.append(change)
    varying = sum(1 for p in sweep.space.params if p.kind != "constant" and not p.replicate)
    run_cap = max(20, min(200, 10 * varying))
    cells = _grid_cells(base)
    if cells is not None and cells <= run_cap:
        method, why = "grid", f"every parameter is discrete: a grid of {cells} cells"
        run_cap = cells
    elif 0 < continuous <= BAYES_MAX_CONTINUOUS:
        method, why = "bayes", f"{continuous} continuous parameter(s): Bayesian search " \
                               "works well with few"
    else:
        method, why = "random", f"{continuous} continuous parameters: random search scales " \
                                "better" if continuous else "random search over many levels"
    if base.get("method") != method:
        changes.append(Change("method", str(base.get("method")), method, why))
    base["method"] = method
    base["run_cap"] = run_cap
    if base.get("name"):
        base["name"] = f"{base['name']}-next"
    narrowed = any(c.param not in ("method",) and c.old != c.new for c in changes)
    return Suggestion(base, tuple(changes), narrowed, tuple(notes))


def _grid_cells(config: dict[str, Any]) -> int | None:
    """Number of grid cells when every parameter is a `values` list or a constant."""
    cells = 1

    def walk(params: dict[str, Any]) -> bool:
        nonlocal cells
        for body in params.values():
            if not isinstance(body, dict):
                return False
            if "parameters" in body and "distribution" not in body:
                if not walk(body["parameters"]):
                    return False
            elif "values" in body and "probabilities" not in body:
                cells *= len(body["values"])
            elif "value" not in body:
                return False
        return True

    return cells if walk(config.get("parameters") or {}) else None


def _was(body: dict[str, Any]) -> str:
    if "values" in body:
        values = body["values"]
        shown = ", ".join(fmt_value(v) for v in values[:6])
        return shown + (f" (+{len(values) - 6})" if len(values) > 6 else "")
    if "min" in body and "max" in body:
        return f"{fmt_number(body['min'], 3)} … {fmt_number(body['max'], 3)}"
    return fmt_value(body.get("value"))


def _config_from_space(sweep: Sweep) -> dict[str, Any]:
    """A sweep config for runs that came without one (a table, offline runs)."""
    params: dict[str, Any] = {}
    for spec in sweep.space.params:
        if spec.kind == "constant":
            body: dict[str, Any] = {"value": spec.levels[0] if spec.levels else None}
        elif spec.kind in ("categorical", "bool"):
            body = {"values": list(spec.levels)}
        elif spec.scale == "log":
            body = {"distribution": "log_uniform_values", "min": spec.low, "max": spec.high}
        elif spec.kind == "int":
            body = {"distribution": "int_uniform", "min": int(spec.low or 0),
                    "max": int(spec.high or 0)}
        else:
            body = {"distribution": "uniform", "min": spec.low, "max": spec.high}
        _set_body(params, spec.name, body)
    return {"method": sweep.method or "random", "parameters": params}


def _set_body(params: dict[str, Any], name: str, body: dict[str, Any]) -> None:
    """Nest `a.b` as `a: {parameters: {b: ...}}`; where `a` is a parameter itself (some runs
    logged `a`, others `a.b`), keep `a.b` as one flat key beside it."""
    parts = name.split(".")
    node = params
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {"parameters": {}})
        if not isinstance(child.get("parameters"), dict):
            node[".".join(parts[i:])] = body
            return
        node = child["parameters"]
    node[parts[-1]] = body


def _body(config: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The config's body of a (dotted, possibly nested) parameter, to edit in place."""
    node = config.get("parameters") or {}
    parts = name.split(".")
    for i, part in enumerate(parts):
        child = node.get(part)
        if i == len(parts) - 1:
            return child if isinstance(child, dict) else None
        if not isinstance(child, dict) or not isinstance(child.get("parameters"), dict):
            flat = node.get(".".join(parts[i:]))  # a flat key that itself holds dots
            return flat if isinstance(flat, dict) else None
        node = child["parameters"]
    return None


def _levels(spec: ParamSpec, body: dict[str, Any], region: ParamRegion, d: Diagnostics
            ) -> Change | None:
    """Drop the levels the evidence rules out (the module's rules)."""
    values = body.get("values")
    if not isinstance(values, list) or spec.name not in d.importance.detected():
        return None
    from reportgen.levels import level_key

    adaptive = d.strategy.inferred == "adaptive"
    drop = set()
    for e in region.enrichment:
        if e.top > 1 or e.total < MIN_LEVEL_RUNS:
            continue
        if adaptive:
            # an adaptive sampler tries a level it gave up on early, next to bad values of
            # the others: only the runs where the other parameters are good can judge it,
            # and a level it rarely tried is not judged at all
            share = e.total / max(1, sum(x.total for x in region.enrichment))
            if share >= 0.5 / max(1, len(region.enrichment)) and e.q_worse_box < 0.05:
                drop.add(level_key(e.level))
        elif min(e.q_worse, e.q_depleted, e.q_worse_box) < 0.05:
            drop.add(level_key(e.level))
    kept = [v for v in values if level_key(v) not in drop]
    if not drop or not kept or len(kept) == len(values):
        return None
    dropped = [v for v in values if level_key(v) in drop]
    evidence = "; ".join(f"{fmt_value(e.level)}: {e.top} of {region_top(region)} best runs, "
                         f"{e.total} tried, worse than the rest "
                         f"(q = {fmt_number(_level_q(e, adaptive), 2)})"
                         for e in region.enrichment if level_key(e.level) in drop)
    if "probabilities" in body:
        probs = [p for v, p in zip(values, body["probabilities"]) if level_key(v) not in drop]
        total = sum(probs)
        body["probabilities"] = [p / total for p in probs]
    body["values"] = kept
    return Change(spec.name, ", ".join(fmt_value(v) for v in values),
                  ", ".join(fmt_value(v) for v in kept),
                  f"dropped {', '.join(fmt_value(v) for v in dropped)}, rare among the best "
                  f"runs ({evidence})")


def _level_q(e: Any, adaptive: bool) -> float:
    return e.q_worse_box if adaptive else min(e.q_worse, e.q_depleted, e.q_worse_box)


def region_top(region: ParamRegion) -> int:
    """How many of the top set's runs the categorical's levels hold."""
    return sum(e.top for e in region.enrichment)


def _numeric(spec: ParamSpec, body: dict[str, Any], region: ParamRegion | None,
             d: Diagnostics, enough: bool) -> Change | None:
    dist = body.get("distribution") or ("int_uniform" if spec.kind == "int" else "uniform")
    if "min" not in body or "max" not in body or spec.low is None or spec.high is None:
        return None  # normal/beta priors and `values` lists are kept as they are
    old = _describe(spec.low, spec.high, spec.scale)
    if not enough or region is None:
        return Change(spec.name, old, old, "kept: too few finished runs to narrow")
    log = spec.scale == "log"
    lo_t, hi_t = _t(spec.low, log), _t(spec.high, log)
    span = hi_t - lo_t
    imp = next((p for p in d.importance.params if p.name == spec.name), None)
    detected = spec.name in d.importance.detected()
    if not detected:
        why = f"no effect on {d.prep.sweep.metric.name} that can be told from chance" \
            if imp is not None and imp.pvalue is not None else "its effect was not tested"
        return Change(spec.name, old, old, f"kept: {why}, so the range is not guessed at")
    if region.at_bound and extendable(spec, region.at_bound):
        step = min(WIDEN * span, 1.0) if log else WIDEN * span  # at most a decade
        if region.at_bound == "high":
            new_lo, new_hi = lo_t, hi_t + step
        else:
            new_lo, new_hi = lo_t - step, hi_t
        if not log and spec.low >= 0 and region.at_bound == "low":
            new_lo = max(new_lo, 0.0)  # do not cross zero for a non-negative parameter
        reason = f"widened: the best runs press against the {region.at_bound} bound"
    else:
        tested = region.pvalue is not None and region.pvalue < 0.05
        if not (region.kept or tested):
            return Change(spec.name, old, old, "kept: it matters, but the best runs do not "
                          "single out a range of it, so the range is not guessed at")
        top = _top_values(d, spec.name)
        if region.at_bound:  # at an end the range cannot pass: keep that end
            top.append(spec.low if region.at_bound == "low" else spec.high)
        points = [_t(v, log) for v in top]
        if region.kept and region.box_low is not None and region.box_high is not None:
            points += [_t(region.box_low, log), _t(region.box_high, log)]
        if not points:
            return Change(spec.name, old, old, "kept: no best run has a value")
        a, b = min(points), max(points)
        margin = MARGIN * max(b - a, 0.02 * span)
        new_lo, new_hi = max(lo_t, a - margin), min(hi_t, b + margin)
        # a sliver between the old bound and the new one is not worth leaving out
        new_lo = lo_t if new_lo - lo_t < SNAP * span else new_lo
        new_hi = hi_t if hi_t - new_hi < SNAP * span else new_hi
        basis = "the PRIM box and the best runs" if region.kept else "the best runs"
        evidence = []
        if region.pvalue is not None:
            evidence.append(f"top-vs-rest p = {fmt_number(region.pvalue, 2)}")
        if region.kept:
            evidence.append(f"box stable in {region.stability:.0%} of resamples")
        if imp is not None and imp.pvalue is not None:
            evidence.append(f"effect test p = {fmt_number(imp.pvalue, 2)}, rank {imp.rank}")
        reason = f"narrowed to {basis} plus a {MARGIN:.0%} margin ({'; '.join(evidence)})"
    low, high = _from_t(new_lo, log), _from_t(new_hi, log)
    if spec.kind == "int":
        low, high = math.floor(low), math.ceil(high)
        if low == high:
            high = low + 1
    _write(body, dist, low, high, log, spec)
    return Change(spec.name, old, _describe(low, high, spec.scale), reason)


def _t(value: float, log: bool) -> float:
    return math.log10(value) if log else float(value)


def _from_t(value: float, log: bool) -> float:
    return float(10 ** value) if log else float(value)


def _top_values(d: Diagnostics, name: str) -> list[float]:
    """The parameter's values in the top set."""
    j = d.prep.names.index(name) if name in d.prep.names else None
    if j is None:
        return []
    raw = d.prep.raw(j)[d.region.top_rows]
    return [float(v) for v in raw if math.isfinite(v) and (d.prep.params[j].scale != "log"
                                                           or v > 0)]


def _write(body: dict[str, Any], dist: str, low: float, high: float, log: bool,
           spec: ParamSpec) -> None:
    """Update the body in place; v1 log forms become their `_values` forms."""
    low, high = _round(low), _round(high)
    if log:
        quantised = dist.startswith("q_")
        body["distribution"] = "q_log_uniform_values" if quantised else "log_uniform_values"
        if dist == "inv_log_uniform" or dist == "inv_log_uniform_values":
            body["distribution"] = "log_uniform_values"
    elif dist in ("int_uniform", "uniform", "q_uniform"):
        body["distribution"] = dist
    else:
        body["distribution"] = "int_uniform" if spec.kind == "int" else "uniform"
    if spec.kind == "int" and body["distribution"] == "int_uniform":
        body["min"], body["max"] = int(low), int(high)
    else:
        body["min"], body["max"] = float(low), float(high)


def _round(value: float) -> float:
    """Four significant digits: bounds read well and still contain what they should."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 4 - int(math.floor(math.log10(abs(value))))
    return round(value, digits)


def _describe(low: float, high: float, scale: str) -> str:
    return f"{fmt_number(low, 3)} … {fmt_number(high, 3)}" + (" (log)" if scale == "log" else "")


def bounds_contain(config: dict[str, Any], name: str, value: Any) -> bool:
    """Whether the proposed config's parameter `name` admits `value` (for tests and checks)."""
    body = _body(config, name)
    if body is None:
        return False
    if "values" in body:
        from reportgen.levels import level_key

        return level_key(value) in {level_key(v) for v in body["values"]}
    if "value" in body:
        return body["value"] == value
    return float(body["min"]) <= float(value) <= float(body["max"])


__all__ = ["Change", "Suggestion", "suggest", "bounds_contain", "to_value"]
