"""analyse: every diagnostic of one sweep, in dependency order, and the commentary."""

from __future__ import annotations

from reportgen.diagnostics.convergence import convergence
from reportgen.diagnostics.coverage import coverage
from reportgen.diagnostics.design import design
from reportgen.diagnostics.facts import facts
from reportgen.diagnostics.importance import importance
from reportgen.diagnostics.overview import overview
from reportgen.diagnostics.prep import prepare
from reportgen.diagnostics.region import region
from reportgen.diagnostics.strategy import strategy
from reportgen.diagnostics.summary import Diagnostics, commentary
from reportgen.model import Sweep


def analyse(sweep: Sweep, top_fraction: float = 0.1) -> Diagnostics:
    """Every diagnostic of `sweep` and the findings, on facts worked out once."""
    known = facts(sweep, top_fraction)
    prep = prepare(sweep, known)
    ov = overview(sweep, known)
    plan = design(prep)
    cov = coverage(prep)
    conv = convergence(prep, designed=plan.kind is not None)
    strat = strategy(prep, cov, conv, plan)
    reg = region(prep)
    imp = importance(prep, adaptive=strat.inferred == "adaptive",
                     factor=plan.factor if strat.inferred == "one-factor" else None)
    findings = commentary(prep, ov, cov, conv, strat, reg, imp)
    return Diagnostics(known, prep, ov, cov, conv, strat, reg, imp, tuple(findings))
