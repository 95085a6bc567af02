"""The written summary of a sweep, grouped so that it reads in order: the result, how the
search went, where to search next, and the caveats; in each group warnings first, then
notices, each in the order the diagnostics wrote them."""

from __future__ import annotations

from reportgen.diagnostics.findings import SEVERITIES, Finding
from reportgen.diagnostics.summary import Diagnostics

#: each group's title and the kinds of findings it holds; any other kind is a caveat
GROUPS = (
    ("Result", ("runs", "best_run", "importance", "importance_none",
                "importance_none_detected")),
    ("How the search went", ("strategy", "improvements", "still_improving", "stagnation",
                             "concentration", "grid", "duplicates", "coverage_param",
                             "coverage_levels", "coverage_gap")),
    ("Where to search next", ("region_param", "region_box", "region_level", "region_edge",
                              "region_bound")),
    ("Caveats", ()),
)


def summary(d: Diagnostics) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(group title, ((severity, message), ...)) for each group that has a finding."""
    known = {kind for _, kinds in GROUPS for kind in kinds}
    out = []
    for title, kinds in GROUPS:
        mine = [f for f in d.findings if (f.kind in kinds if kinds else f.kind not in known)]
        if mine:
            out.append((title, tuple((f.severity, f.message) for f in sorted(mine, key=_key))))
    return tuple(out)


def _key(f: Finding) -> int:
    """Warnings, then notices, then the rest (sorted is stable: the writing order holds)."""
    return -SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 0
