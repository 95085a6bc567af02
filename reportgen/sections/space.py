"""The search space as declared or inferred, the sweep config, and how the data was read."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.formatting import fmt_number, fmt_value
from reportgen.model import Sweep
from reportgen.sections.common import Table


@dataclass(frozen=True)
class SpaceView:
    """The space table, the config as YAML, the reading (what, how it was decided), the
    resolver's notes, and the columns left out (None when none were)."""

    table: Table
    config_yaml: str
    reading: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    left_out: Table | None


def space(sweep: Sweep) -> SpaceView:
    """The search-space section of one sweep."""
    config_yaml = ""
    if sweep.config:
        import yaml

        config_yaml = yaml.safe_dump(sweep.config, sort_keys=False, allow_unicode=True)
    return SpaceView(_space_table(sweep), config_yaml, _reading(sweep), sweep.notes,
                     _left_out_table(sweep))


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


def _left_out_table(sweep: Sweep) -> Table | None:
    """The columns read as neither parameter nor metric, one row per reason."""
    groups = sweep.reading.left_out_by_reason()
    if not groups:
        return None
    return Table(("left out as", "columns"),
                 tuple((why, ", ".join(columns)) for why, columns in groups.items()))
