"""The comparison of several sweeps of one metric: the table, the findings, what differs in
their configs, and all their runs as one parallel plot coloured by sweep."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from reportgen.diagnostics.compare import ComparisonInfo
from reportgen.diagnostics.facts import facts
from reportgen.formatting import fmt_value
from reportgen.model import ParamSpec, Sweep
from reportgen.sections.common import Table
from reportgen.sections.parallel import ParallelInput, choose_axes, parallel_input


@dataclass(frozen=True)
class ComparisonView:
    """The comparison as the page shows it; `parallel` and `info` feed its figures."""

    names: tuple[str, ...]
    metric: str
    best: str  # the best run of all the compared sweeps, in one line
    findings: tuple[tuple[str, str], ...]
    table: Table
    config_diff: Table | None
    left_out: tuple[str, ...]
    parallel: ParallelInput = field(compare=False, repr=False)
    info: ComparisonInfo = field(compare=False, repr=False)


def comparison(sweeps: list[Sweep], info: ComparisonInfo) -> ComparisonView:
    """The comparison section of the sweeps `info` compares."""
    rows = tuple((name, f"{auc:.2f}", fmt_value(best), str(len(curve)))
                 for name, auc, best, curve in zip(info.names, info.auc, info.best_at_budget,
                                                   info.curves))
    table = Table(("sweep", f"targets reached (area, first {info.budget} runs)",
                   f"best {info.metric} after {info.budget} runs", "runs"), rows,
                  (False, True, True, True))
    diff = Table(("config key", *info.names), tuple(
        (k, *(fmt_value(x) if x is not None else "–" for x in v)) for k, v in info.config_diff)
    ) if info.config_diff else None
    together = combine(sweeps, info)
    known = facts(together)
    row = known.best_row()
    best = "no run has a value of the metric" if row is None else _best(together, row)
    data = parallel_input(together, known, choose_axes(together, known, None, None),
                          group="sweep")
    return ComparisonView(info.names, info.metric, best,
                          tuple((f.severity, f.message) for f in info.findings), table, diff,
                          tuple(f"{n} ({why})" for n, why in zip(info.left_out,
                                                                 info.left_out_why)),
                          data, info)


def _best(together: Sweep, row: int) -> str:
    run = together.runs.iloc[row]
    return (f"{together.metric.name} {fmt_value(run[together.metric.name])} "
            f"({together.metric.goal}), run {run['name']} of {run['sweep']}")


def combine(sweeps: list[Sweep], compared: ComparisonInfo) -> Sweep:
    """The compared sweeps as one, with a `sweep` column, for the shared parallel plot."""
    import pandas as pd

    chosen = [s for s in sweeps if s.name in compared.names and s.metric == sweeps[0].metric]
    frames = [s.runs.assign(sweep=s.name, run_id=s.name + "/" + s.runs["run_id"].astype(str))
              for s in chosen]
    specs: dict[str, ParamSpec] = {}
    for s in chosen:  # a numeric declaration wins over a grid's levels, else the most levels
        for p in s.space.params:
            held = specs.get(p.name)
            if held is None or _spec_rank(p) > _spec_rank(held):
                specs[p.name] = p
    space = dataclasses.replace(chosen[0].space, params=tuple(specs.values()))  # type: ignore
    return dataclasses.replace(chosen[0], name="comparison", runs=pd.concat(
        frames, ignore_index=True), space=space, source="several")


def _spec_rank(spec: ParamSpec) -> tuple[int, int]:
    numeric = spec.kind in ("float", "int")
    return (2 if numeric else 1 if spec.kind in ("categorical", "bool") else 0, len(spec.levels))
