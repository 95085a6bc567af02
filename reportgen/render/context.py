"""What the templates see: plain dataclasses of text, already formatted and ordered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from reportgen.diagnostics.compare import ComparisonInfo
from reportgen.diagnostics.findings import ranked
from reportgen.diagnostics.overview import Overview
from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_duration, fmt_number, fmt_value
from reportgen.model import STATES, Sweep
from reportgen.suggest import Suggestion

BEST_ROWS = 10


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class SweepView:
    anchor: str
    name: str
    facts: tuple[tuple[str, str], ...]  # header key/value pairs
    counts: tuple[tuple[str, int], ...]
    findings: tuple[tuple[str, str], ...]  # (severity, message), most important first
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    constants: tuple[tuple[str, str], ...]
    space: Table
    best: Table
    plot_caption: str = ""
    strategy: tuple[tuple[str, str], ...] = ()
    strategy_evidence: tuple[str, ...] = ()
    convergence: tuple[tuple[str, str], ...] = ()
    coverage: tuple[tuple[str, str], ...] = ()
    coverage_table: Table | None = None
    region_table: Table | None = None
    region_caption: str = ""
    importance_table: Table | None = None
    importance_caption: str = ""
    config_yaml: str = ""
    next_yaml: str = ""
    next_table: Table | None = None
    next_notes: tuple[str, ...] = ()
    reading: tuple[tuple[str, str], ...] = ()  # (what, how it was decided)
    left_out: Table | None = None  # columns read as neither parameter nor metric, and why
    divs: dict[str, str] = field(default_factory=dict)  # plot name → Bokeh div


@dataclass(frozen=True)
class ComparisonView:
    names: tuple[str, ...]
    metric: str
    findings: tuple[tuple[str, str], ...]
    table: Table
    config_diff: Table | None
    left_out: tuple[str, ...] = ()
    divs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportView:
    title: str
    version: str
    generated_at: str
    sweeps: tuple[SweepView, ...]
    bokeh_js: str = ""
    page_js: str = ""  # the parallel plots' script, once for the page
    bokeh_version: str = ""
    bokeh_script: str = ""
    data_json: str = ""
    summary: tuple[str, ...] = field(default_factory=tuple)
    comparison: ComparisonView | None = None
    provenance: dict = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # sweeps of the sources that could not be built, and why


def anchor_for(name: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "sweep"
    anchor, i = f"sweep-{base}", 2
    while anchor in used:
        anchor, i = f"sweep-{base}-{i}", i + 1
    used.add(anchor)
    return anchor


def sweep_view(sweep: Sweep, d: Diagnostics, anchor: str, constants: dict[str, str],
               axes: list[str], proposal: Suggestion | None = None) -> SweepView:
    from reportgen.render import diagnostics_view as dv

    ov = d.overview
    facts = [("source", sweep.source), ("method", sweep.method or "not declared"),
             ("metric", f"{sweep.metric.name} ({sweep.metric.goal})"),
             ("runs", f"{ov.counts['total']:,}")]
    if sweep.sweep_id and sweep.sweep_id != sweep.name:
        facts.insert(1, ("sweep id", sweep.sweep_id))
    if sweep.where:
        facts.append(("filter", sweep.where))
    times = sweep.runs["created_at"].dropna()
    if len(times):
        facts.append(("runs created", f"{fmt_value(times.min())} – {fmt_value(times.max())}"))
    runtime = sweep.runs["runtime_s"].to_numpy(dtype=float)
    if np.isfinite(runtime).any():
        facts.append(("compute", fmt_duration(float(np.nansum(runtime))) + " in all"))
    counts = tuple((s, ov.counts[s]) for s in (*STATES, "other") if ov.counts[s])
    from reportgen.plots.parallel import CRISP_RUNS, LOD_LINES

    drawn = len(sweep.runs)
    if drawn <= CRISP_RUNS:
        caption = (f"{drawn:,} runs on {len(axes)} axes; colour: {sweep.metric.name}, best "
                   "runs drawn on top.")
    else:
        caption = (f"{drawn:,} runs on {len(axes)} axes: more than {CRISP_RUNS:,} selected "
                   f"runs are drawn as a density (colour: the mean {sweep.metric.name} rank of "
                   f"the runs through each pixel), with the best {LOD_LINES} as lines on top; "
                   f"a selection of up to {CRISP_RUNS:,} runs is drawn line by line.")
    caption += (" Drag along an axis to select a range; double-click an axis to clear it. The "
                f"“top 10%” highlight is the best-region top set ({d.region.top_runs:,} runs).")
    imp = d.importance
    imp_caption = "" if not imp.params else (
        f"{(imp.method or '')[:1].upper()}{(imp.method or '')[1:]}. Effect size ε²: how much "
        "of the metric's "
        "rank order the parameter's bins explain, with a 5–95% bootstrap interval; "
        "“chance” is the ε² that 95% of shuffles of the parameter (within the same period "
        "of the sweep) stay below; an effect is detected at Holm-adjusted p < 0.05 by the "
        "test on what the strongest other parameters leave unexplained (so a parameter a "
        "stronger one hides can be detected with a small ε² of its own), and parameters "
        "neither detected nor above chance share the last rank. Repeats of a configuration "
        "count once."
        + ("" if imp.reliable else " Not a reliable ranking here: no effect is detected, or "
           "the parameters explain little of the metric."))
    if imp.subsampled:
        imp_caption += f" Tested on a random subsample of {imp.subsampled:,} configurations."
    reg = d.region
    reg_caption = (f"Top set: the best {reg.top_runs} finished runs (max(10%, 5)); ranges are "
                   "their 5–95% quantiles on each parameter's own scale. The PRIM box is the "
                   "smallest box holding 80% of them; “kept” means it narrows that parameter in "
                   "at least 60% of bootstrap resamples with quasi-p ≤ 0.05.")
    if reg.subsampled:
        reg_caption += f" PRIM ran on a random subsample of {reg.subsampled:,} runs."
    if d.prep.confidence == "low":
        reg_caption += " Low confidence: fewer than 30 finished runs."
    config_yaml = ""
    if sweep.config:
        import yaml

        config_yaml = yaml.safe_dump(sweep.config, sort_keys=False, allow_unicode=True)
    return SweepView(
        anchor=anchor, name=sweep.name, facts=tuple(facts), counts=counts,
        findings=tuple((f.severity, f.message) for f in ranked(list(d.findings))),
        warnings=sweep.warnings, notes=sweep.notes,
        constants=tuple(constants.items()), space=_space_table(sweep), best=_best_table(sweep, ov),
        plot_caption=caption,
        strategy=dv.strategy_facts(d), strategy_evidence=dv.strategy_evidence(d),
        convergence=dv.convergence_facts(d), coverage=dv.coverage_facts(d),
        coverage_table=dv.coverage_table(d),
        region_table=dv.region_table(d) if reg.params else None, region_caption=reg_caption,
        importance_table=dv.importance_table(d) if imp.params else None,
        importance_caption=imp_caption, config_yaml=config_yaml,
        next_yaml=proposal.yaml() if proposal else "",
        next_table=Table(("parameter", "was", "proposed", "why"),
                         tuple((c.param, c.old, c.new, c.reason) for c in proposal.changes))
        if proposal and proposal.changes else None,
        next_notes=proposal.notes if proposal else (),
        reading=_reading(sweep),
        left_out=_left_out_table(sweep),
    )


def _left_out_table(sweep: Sweep) -> Table | None:
    """The columns read as neither parameter nor metric, one row per reason."""
    groups = sweep.reading.left_out_by_reason()
    if not groups:
        return None
    return Table(("left out as", "columns"),
                 tuple((why, ", ".join(columns)) for why, columns in groups.items()))


def _reading(sweep: Sweep) -> tuple[tuple[str, str], ...]:
    r = sweep.reading
    rows = [("read as", r.dialect),
            ("metric", f"{sweep.metric.name}: {r.metric_why}"),
            ("goal", f"{sweep.metric.goal}: {r.goal_why}"),
            ("parameters", f"{', '.join(sweep.param_names) or 'none'} ({r.params_why})")]
    if r.replicates:
        rows.append(("replicates", f"{', '.join(r.replicates)}: repeats of a configuration, "
                                   "shown but never narrowed by the next sweep"))
    return tuple(rows)


def _space_table(sweep: Sweep) -> Table:
    rows = []
    for p in sweep.space.params:
        if p.levels:
            values = ", ".join(fmt_value(v) for v in p.levels)
        elif p.low is not None and p.high is not None:
            values = f"{fmt_number(p.low)} … {fmt_number(p.high)}"
        else:
            values = "unbounded"
        rows.append((p.name, p.kind, p.scale, values,
                     p.distribution or "—", "declared" if p.declared else "inferred"))
    return Table(("parameter", "kind", "scale", "values", "distribution", "from"), tuple(rows))


def _best_table(sweep: Sweep, ov: Overview) -> Table:
    metrics = list(sweep.metric_columns)
    header = ("#", "run", "state", *metrics, *sweep.param_names)
    rows = []
    for rank, i in enumerate(ov.order[:BEST_ROWS], start=1):
        run = sweep.runs.iloc[int(i)]
        rows.append((str(rank), str(run["name"]), str(run["state"]),
                     *(fmt_value(run[m]) for m in metrics),
                     *(fmt_value(run[p]) for p in sweep.param_names)))
    numeric = tuple([True, False, False] + [True] * len(metrics) + [
        sweep.runs[p].dtype.kind in "fi" for p in sweep.param_names])
    return Table(header, tuple(rows), numeric)


def comparison_context(info: ComparisonInfo) -> ComparisonView:
    rows = tuple((name, f"{auc:.2f}", fmt_value(best), str(len(curve)))
                 for name, auc, best, curve in zip(info.names, info.auc, info.best_at_budget,
                                                   info.curves))
    table = Table(("sweep", f"targets reached (area, first {info.budget} runs)",
                   f"best {info.metric} after {info.budget} runs", "runs"), rows,
                  (False, True, True, True))
    diff = Table(("config key", *info.names), tuple(
        (k, *(fmt_value(x) if x is not None else "–" for x in v)) for k, v in info.config_diff)
    ) if info.config_diff else None
    return ComparisonView(info.names, info.metric,
                          tuple((f.severity, f.message) for f in info.findings), table, diff,
                          tuple(f"{n} ({why})" for n, why in zip(info.left_out,
                                                                 info.left_out_why)))
