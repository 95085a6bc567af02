"""Tables and fact lists of the diagnostics, formatted for the templates."""

from __future__ import annotations

from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_number, fmt_value
from reportgen.render.context import Table


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else fmt_number(value, 2)


def _range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{fmt_number(low, 3)} … {fmt_number(high, 3)}"


def strategy_facts(d: Diagnostics) -> tuple[tuple[str, str], ...]:
    s = d.strategy
    agreement = {True: "agrees with the declared method", False: "disagrees with the declared "
                 "method", None: "no declared method to compare"}[s.agrees]
    return (("inferred", f"{s.inferred} (confidence {s.confidence})"),
            ("declared", s.declared or "not declared"), ("verdict", agreement))


def strategy_evidence(d: Diagnostics) -> tuple[str, ...]:
    return d.strategy.evidence


def convergence_facts(d: Diagnostics) -> tuple[tuple[str, str], ...]:
    c = d.convergence
    facts = [("new bests", f"{c.improvements:,} (random order expects "
                           f"{c.expected_improvements:.1f})")]
    if c.runs_since_improvement is not None:
        facts.append(("runs since the last new best", f"{c.runs_since_improvement:,}"))
    if c.stagnated is not None:
        facts.append(("verdict", "stagnated" if c.stagnated else "still improving"
                      if (c.late_gain or 0) > 0.01 else "slowing down"))
    if c.concentration_pvalue is not None:
        facts.append(("proposals concentrate", f"{'yes' if c.concentrating else 'no'} "
                      f"(mean rank among prior draws {c.concentration_rank:.2f}, random search "
                      f"0.50; p = {_p(c.concentration_pvalue)})"))
    if c.subsampled:
        facts.append(("subsampled", f"trend computed on {c.subsampled:,} runs"))
    return tuple(facts)


def coverage_table(d: Diagnostics) -> Table:
    rows = []
    for p in d.coverage.params:
        if p.kind == "categorical":
            covered = ", ".join(p.levels_tried)
            gap = ("never tried: " + ", ".join(p.levels_missing)) if p.levels_missing else "–"
        else:
            covered = _range(p.covered_low, p.covered_high)
            gap = "–" if p.gap_ratio is None else \
                f"{_range(p.gap_low, p.gap_high)} ({p.gap_ratio:.1f}× expected)"
        rows.append((p.name, "χ²" if p.kind == "categorical" else "KS", _p(p.pvalue_adjusted),
                     covered, gap))
    return Table(("parameter", "test against the prior", "p (Holm)", "values tried",
                  "largest empty range"), tuple(rows))


def coverage_facts(d: Diagnostics) -> tuple[tuple[str, str], ...]:
    c = d.coverage
    facts = []
    if c.discrepancy_ratio is not None:
        where = "" if c.discrepancy_percentile is None else \
            f", {c.discrepancy_percentile:.0f}th percentile of random sweeps"
        facts.append(("joint spread (discrepancy ratio; 1 = random)",
                      f"{c.discrepancy_ratio:.2f}{where}"))
    expected = "" if c.expected_duplicates is None else \
        f" (random sampling expects {c.expected_duplicates:.1f})"
    facts.append(("repeated configurations", f"{c.duplicates:,}{expected}"))
    if c.grid is not None:
        g = c.grid
        facts.append(("grid", f"{g.done:,} of {g.cells:,} cells done ({g.completeness:.0%}); "
                              f"{g.crashed:,} crashed only; {g.missing:,} never run"))
    if c.subsampled:
        facts.append(("subsampled", f"joint spread computed on {c.subsampled:,} runs"))
    return tuple(facts)


def region_table(d: Diagnostics) -> Table:
    rows = []
    for p in d.region.params:
        if p.categorical:
            top = ", ".join(fmt_value(v) for v in p.levels) or "–"
            notes = "; ".join(
                f"{fmt_value(e.level)} {e.lift:.1f}×" + (" (rare among the best)"
                                                         if e.q_depleted < 0.05 else
                                                         " (over-represented)"
                                                         if e.q_enriched < 0.05 else "")
                for e in p.enrichment)
            rows.append((p.name, top, "–", notes, "–",
                         ", ".join(fmt_value(v) for v in p.box_levels) or "–",
                         "–" if p.stability is None else f"{p.stability:.0%}",
                         "yes" if p.kept else "no"))
            continue
        ratio = "–" if not p.width_ratio else f"{1 / p.width_ratio:.1f}× narrower" \
            if p.width_ratio < 1 else "as wide"
        bound = {"low": "presses on the low bound: extend",
                 "high": "presses on the high bound: extend"}.get(p.at_bound or "", "")
        rows.append((p.name, _range(p.low, p.high) + (" (log)" if p.scale == "log" else ""),
                     _range(p.all_low, p.all_high), " ".join(x for x in (ratio, bound) if x),
                     _p(p.pvalue), _range(p.box_low, p.box_high),
                     "–" if p.stability is None else f"{p.stability:.0%}",
                     "yes" if p.kept else "no"))
    return Table(("parameter", f"best {d.region.top_runs} runs (5–95%)", "all runs (5–95%)",
                  "compared", "p (top vs rest)", "PRIM box", "box stability", "kept"),
                 tuple(rows))


def importance_table(d: Diagnostics) -> Table:
    i = d.importance
    rows = []
    for p in sorted(i.params, key=lambda p: (p.rank, -p.score)):
        rows.append((str(p.rank), p.name, f"{p.score:.3f}", f"{p.low:.3f} … {p.high:.3f}",
                     "–" if p.chance is None else f"{p.chance:.3f}", _p(p.pvalue),
                     "yes" if p.detected else "no",
                     "–" if p.correlation is None else f"{p.correlation:+.2f}",
                     "–" if p.top_importance is None else f"{p.top_importance:.2f}"))
    return Table(("rank", "parameter", "effect ε²", "interval", "chance (95%)", "p (Holm)",
                  "detected", "Spearman ρ", "top-10% importance"),
                 tuple(rows), (True, False, True, True, True, True, False, True, True))
