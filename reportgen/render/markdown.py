"""--summary-md: a Markdown summary for a pull-request comment or a CI job summary."""

from __future__ import annotations

from reportgen import __version__
from reportgen.diagnostics.summary import Diagnostics
from reportgen.formatting import fmt_value
from reportgen.model import STATES, Sweep
from reportgen.sections.runs import best_runs

LIMIT = 65_536  # GitHub's comment limit, in characters
TOP_ROWS = 5
FINDINGS = 8


def _cell(value: object) -> str:
    """Table cells: text escaped for Markdown tables and inline HTML."""
    text = fmt_value(value)
    for a, b in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("\n", " "),
                 ("`", "\\`"), ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(a, b)
    return text


def _code(value: object) -> str:
    """Inside backticks nothing is interpreted: only backticks and newlines need care."""
    return "`" + str(value).replace("`", "'").replace("\n", " ") + "`"


def _sweep(sweep: Sweep, d: Diagnostics) -> list[str]:
    c = d.overview.counts
    states = ", ".join(f"{c[s]} {s}" for s in (*STATES, "other") if c[s])
    lines = [f"### {_cell(sweep.name)}", "",
             f"**{c['total']} runs** ({states}) · metric {_code(sweep.metric.name)} "
             f"({sweep.metric.goal}) · method {_cell(sweep.method or 'not declared')} · looks "
             f"like **{d.strategy.inferred}** search ({d.strategy.confidence} confidence)", ""]
    for f in d.findings[:FINDINGS]:
        marker = {"warning": "⚠️ ", "notice": ""}.get(f.severity, "")
        lines.append(f"- {marker}{_cell(f.message)}")
    lines.append("")
    region = [p for p in d.region.params if (p.categorical and p.levels) or p.low is not None]
    if region:
        lines += [f"**Best region** (top {d.region.top_runs} runs):", ""]
        for p in region:
            where = ", ".join(fmt_value(v) for v in p.levels) if p.categorical else \
                f"{fmt_value(p.low)} – {fmt_value(p.high)}" + (" (log)" if p.scale == "log"
                                                               else "")
            lines.append(f"- {_code(p.name)}: {_cell(where)}")
        lines.append("")
    header = ["#", "run", sweep.metric.name] + sweep.param_names
    lines.append("| " + " | ".join(_cell(h) for h in header) + " |")
    lines.append("|" + "---|" * len(header))
    for i, run in enumerate(best_runs(sweep, d.facts, TOP_ROWS), start=1):
        cells = [str(i), run["name"], run[sweep.metric.name]] + [run[p] for p in
                                                                 sweep.param_names]
        lines.append("| " + " | ".join(_cell(v) for v in cells) + " |")
    lines.append("")
    return lines


def summary_markdown(sweeps: list[Sweep], analyses: list[Diagnostics], generated_at: str
                     ) -> str:
    """The Markdown summary of the sweeps, kept under GitHub's comment limit."""
    head = ["## Sweep report", ""]
    tail = ["", f"<sub>reportgen {__version__} · {generated_at}</sub>", ""]
    body: list[str] = []
    for i, (sweep, d) in enumerate(zip(sweeps, analyses)):
        part = _sweep(sweep, d)
        if len("\n".join(head + body + part + tail)) > LIMIT - 200:
            body.append(f"*{len(sweeps) - i} more sweep(s) left out to stay under GitHub's "
                        "comment limit; see the HTML report.*")
            break
        body += part
    return "\n".join(head + body + tail)
