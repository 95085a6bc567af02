"""The next sweep: what changes and why, and the W&B sweep config to run."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.sections.common import Table
from reportgen.suggest import Suggestion


@dataclass(frozen=True)
class NextSweepView:
    """Notes on the proposal, its changes (None when nothing changes) and its YAML."""

    notes: tuple[str, ...]
    table: Table | None
    yaml: str


def next_sweep(proposal: Suggestion | None) -> NextSweepView:
    """The proposal as the page shows it; empty when there is none."""
    if proposal is None:
        return NextSweepView((), None, "")
    table = Table(("parameter", "was", "proposed", "why"),
                  tuple((c.param, c.old, c.new, c.reason) for c in proposal.changes)) \
        if proposal.changes else None
    return NextSweepView(proposal.notes, table, proposal.yaml())
