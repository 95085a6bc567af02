"""The search strategy: what the runs look like, against what was declared, and why."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.diagnostics.summary import Diagnostics


@dataclass(frozen=True)
class StrategyView:
    """The verdict as key–value facts, and the evidence behind it, one line each."""

    facts: tuple[tuple[str, str], ...]
    evidence: tuple[str, ...]


def strategy(d: Diagnostics) -> StrategyView:
    """The inferred strategy, the declared one, whether they agree, and the evidence."""
    s = d.strategy
    agreement = {True: "agrees with the declared method", False: "disagrees with the declared "
                 "method", None: "no declared method to compare"}[s.agrees]
    return StrategyView((("inferred", f"{s.inferred} (confidence {s.confidence})"),
                         ("declared", s.declared or "not declared"), ("verdict", agreement)),
                        s.evidence)
