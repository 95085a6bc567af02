"""`reportgen index DIR`: one page that lists every report in a folder tree, found by the
`reportgen-data` block each report embeds; files that are not reports are listed as skipped,
with the reason."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from reportgen.errors import OutputError
from reportgen.formatting import fmt_number
from reportgen.render.document import SCHEMA_VERSION

_DATA = re.compile(r'<script type="application/json" id="reportgen-data">(.*?)</script>', re.S)
INDEX_MARK = '<meta name="generator" content="reportgen index">'


@dataclass(frozen=True)
class Entry:
    """One sweep of one report."""

    report: str  # the report's path, relative to the indexed folder (POSIX)
    href: str  # a link to the sweep's section, relative to the index page
    sweep: str
    sweep_id: str | None
    source: str
    metric: str
    goal: str
    best: float | None
    runs: int | None
    strategy: str
    generated_at: str

    @property
    def best_text(self) -> str:
        """The best value as the reports write it."""
        return fmt_number(self.best) if self.best is not None else "–"


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def scan(folder: Path, index_file: Path) -> tuple[list[Entry], list[Skipped]]:
    """Every `.html` file under `folder` (sorted, hidden folders left out) but the index
    page itself, read as a report or listed as skipped."""
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    for path in sorted(folder.rglob("*.html"), key=lambda p: p.relative_to(folder).as_posix()):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or \
                path.resolve() == index_file.resolve():
            continue
        found, reason = _read(path, relative, index_file.parent)
        entries.extend(found)
        if reason:
            skipped.append(Skipped(relative.as_posix(), reason))
    return entries, skipped


def _read(path: Path, relative: Path, index_folder: Path) -> tuple[list[Entry], str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], "not UTF-8 text"
    except OSError as exc:
        return [], f"cannot be read ({exc.strerror or exc})"
    if INDEX_MARK in text:
        return [], "an index page, not a report"
    match = _DATA.search(text)
    if match is None:
        return [], "no reportgen-data block: not a reportgen report (or cut short)"
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError as exc:
        return [], f"its reportgen-data block is not valid JSON ({exc.msg}, line {exc.lineno})"
    if not isinstance(data, dict) or not isinstance(data.get("sweeps"), list):
        return [], "its reportgen-data block has no list of sweeps"
    version = data.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        return [], (f"schema_version {version!r} is not one this reportgen reads "
                    f"({SCHEMA_VERSION}): upgrade reportgen")
    link = quote(_relative_link(path, index_folder))
    entries = []
    for sweep in data["sweeps"]:
        if not isinstance(sweep, dict):
            return [], "its reportgen-data block has a sweep that is not an object"
        metric, best_run, counts = (sweep.get(k) or {} for k in ("metric", "best_run", "counts"))
        if not all(isinstance(v, dict) for v in (metric, best_run, counts)):
            return [], "its reportgen-data block has a sweep whose metric, best run or counts " \
                       "is not an object"
        runs = counts.get("total")
        if runs is not None and (not isinstance(runs, int) or isinstance(runs, bool)
                                 or runs < 0):
            return [], f"its reportgen-data block counts {runs!r} runs for a sweep"
        best = best_run.get("value")
        anchor = sweep.get("anchor")
        entries.append(Entry(
            report=relative.as_posix(),
            href=link + (f"#{quote(anchor)}" if isinstance(anchor, str) and anchor else ""),
            sweep=str(sweep.get("name", "?")), sweep_id=sweep.get("sweep_id"),
            source=str(sweep.get("source", "")), metric=str(metric.get("name", "")),
            goal=str(metric.get("goal", "")),
            best=_finite(best),
            runs=runs,
            strategy=str((sweep.get("strategy") or {}).get("inferred") or "–"),
            generated_at=str(data.get("generated_at", ""))))
    if not entries:
        return [], "its reportgen-data block lists no sweep"
    return entries, None


def _finite(value: object) -> float | None:
    """A number the page can show, or None (text, true/false, too large, not finite)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _relative_link(path: Path, index_folder: Path) -> str:
    return Path(os.path.relpath(path.resolve(), index_folder.resolve())).as_posix()


@dataclass(frozen=True)
class IndexResult:
    output: Path
    entries: tuple[Entry, ...]
    skipped: tuple[Skipped, ...]


def build_index(folder: Path, output: Path | None = None, deterministic: bool = False,
                command: str | None = None) -> IndexResult:
    """Scan `folder` and write the index page (default FOLDER/index.html), atomically."""
    from reportgen import __version__
    from reportgen.output import check_output, write_all
    from reportgen.provenance import stamp
    from reportgen.render.html import render_index

    folder = Path(folder)
    output = Path(output) if output is not None else folder / "index.html"
    if not folder.is_dir():
        raise OutputError(f"cannot index {folder}: no such folder")
    check_output(output, "-o")
    if output.is_file() and _DATA.search(output.read_text(encoding="utf-8", errors="replace")):
        raise OutputError(f"refusing to write the index over {output}: it is a report; choose "
                          "another file name")
    entries, skipped = scan(folder, output)
    # newest first, then by file and sweep: the same folder gives the same page
    entries.sort(key=lambda e: (e.report, e.sweep))
    entries.sort(key=lambda e: e.generated_at, reverse=True)
    name = folder.resolve().name or str(folder)
    html = render_index(
        title=f"Sweep reports — {name}", entries=entries, skipped=skipped,
        reports=len({e.report for e in entries}), folder=str(folder), version=__version__,
        generated_at=stamp(deterministic),
        command=command or "reportgen index (through the Python API)")
    write_all([(output, html)])
    return IndexResult(output, tuple(entries), tuple(skipped))
