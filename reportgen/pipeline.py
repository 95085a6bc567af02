"""build_report: gather → analyse → plot → render → write. The table of contents of reportgen."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen import __version__
from reportgen.config import ReportConfig
from reportgen.diagnostics.analyse import analyse
from reportgen.diagnostics.compare import comparison
from reportgen.errors import ConfigError, DataError
from reportgen.model import LoadedSweep, Sweep
from reportgen.provenance import provenance, stamp
from reportgen.render import document as doc
from reportgen.render.page import page
from reportgen.resolve import resolve
from reportgen.sections.about import about
from reportgen.sections.common import anchor_for
from reportgen.sections.comparison import ComparisonView
from reportgen.sections.comparison import comparison as section_comparison
from reportgen.sections.sweep import SweepView, sweep_view
from reportgen.sources import load_source
from reportgen.suggest import Suggestion, suggest


@dataclass(frozen=True)
class BuildResult:
    """What `build_report` wrote, from which sweeps, and what the page says (its views)."""

    output: Path
    sweeps: tuple[Sweep, ...]
    document: dict
    skipped: tuple[tuple[str, str], ...] = ()  # (sweep, why it could not be built)
    views: tuple[SweepView, ...] = ()
    comparison: ComparisonView | None = None


@dataclass(frozen=True)
class Gathered:
    sweeps: list[Sweep]
    skipped: list[tuple[str, str]]  # sweeps of the sources that could not be built, and why


def propose(config: ReportConfig) -> tuple[list[tuple[Sweep, Suggestion]], Gathered]:
    """`reportgen suggest`: the next sweep for each sweep of the sources."""
    gathered = gather(config)
    return [(s, suggest(s, analyse(s, config.top_fraction))) for s in gathered.sweeps], gathered


@dataclass(frozen=True)
class NextSweep:
    """What `reportgen suggest` wrote: the file, the sweep and its proposal."""

    output: Path
    sweep: Sweep
    proposal: Suggestion
    skipped: tuple[tuple[str, str], ...] = ()


def write_next_sweep(config: ReportConfig) -> NextSweep:
    """`reportgen suggest`: the next sweep of the one sweep of the sources, written to
    `config.output` (in a folder: FOLDER/SWEEP_ID.yaml or .py) as a W&B sweep config, or as
    Optuna code (`suggest_format` optuna, or auto and an Optuna source). Checks the output
    before the work, and never writes over an input."""
    from reportgen.output import check_folder, check_outputs, write_all

    if config.output_is_folder:
        check_folder(config.output)
    else:
        check_outputs({"-o": config.output}, inputs(config))
    proposals, gathered = propose(config)
    if len(proposals) != 1:
        names = ", ".join(s.sweep_id or s.name for s, _ in proposals)
        raise ConfigError(f"suggest takes one sweep; the sources hold {len(proposals)} "
                          f"({names}): name one with --sweep ID")
    sweep, proposal = proposals[0]
    fmt = config.suggest_format
    if fmt == "auto":
        fmt = "optuna" if sweep.reading.dialect.startswith("Optuna") else "wandb"
    suffix = ".py" if fmt == "optuna" else ".yaml"
    written = config.output
    if config.output_is_folder:
        written = config.output / file_name([sweep], suffix)
    elif config.output_default:
        written = config.output.with_suffix(suffix)
    if written != config.output:
        check_outputs({"-o": written}, inputs(config))
    if fmt == "optuna":
        from reportgen.suggest_optuna import optuna_code

        text = optuna_code(proposal, sweep.sweep_id or sweep.name)
    else:
        text = proposal.yaml()
    write_all([(written, text)])
    return NextSweep(written, sweep, proposal, tuple(gathered.skipped))


def gather(config: ReportConfig) -> Gathered:
    """Every sweep of every source (or those `--sweep` names), resolved (metric, goal,
    parameters) and filtered. A sweep that cannot be built is left out with its reason while
    others can; when none can, the first reason is the error."""
    loaded = [one for source in config.sources for one in load_source(source, config.fetch)]
    if config.sweep_ids:
        loaded = pick_sweeps(loaded, config.sweep_ids)
    sweeps, skipped = [], []
    for one in loaded:
        try:
            sweeps.append(resolve(one, config))
        except (DataError, ConfigError) as exc:
            if len(loaded) == 1:
                raise
            skipped.append((one.sweep_id or one.name, str(exc)))
    if not sweeps:
        name, reason = skipped[0]
        raise DataError(f"none of the {len(loaded)} sweeps could be built (sweep {name}: "
                        f"{reason})")
    return Gathered(distinct_names(sweeps), skipped)


def distinct_names(sweeps: list[Sweep]) -> list[Sweep]:
    """Sweeps of different sources that share a name are told apart by their source: the
    comparison and the page key them by name."""
    count: dict[str, int] = {}
    for s in sweeps:
        count[s.name] = count.get(s.name, 0) + 1
    out, used = [], set()
    for s in sweeps:
        name = s.name if count[s.name] == 1 else f"{s.name} ({s.source})"
        while name in used:
            name += "'"
        used.add(name)
        out.append(s if name == s.name else dataclasses.replace(s, name=name))
    return out


def pick_sweeps(loaded: list[LoadedSweep], wanted: tuple[str, ...]) -> list[LoadedSweep]:
    """The sweeps `--sweep` names, by id or name, in the order given."""
    out: list[LoadedSweep] = []
    for want in wanted:
        found = [s for s in loaded if want in (s.sweep_id, s.name)]
        if not found:
            have = ", ".join(s.sweep_id or s.name for s in loaded)
            raise ConfigError(f"--sweep {want}: no such sweep in the sources (they hold: {have})")
        out.extend(s for s in found if s not in out)
    return out


def build_report(config: ReportConfig) -> BuildResult:
    """`reportgen build`: every output (HTML, and --json and --summary-md when asked) of
    the sweeps of the sources, written atomically, all or none; outputs are checked before
    the work and never written over an input."""
    from reportgen.output import check_folder, check_outputs, write_all

    if config.output_is_folder:
        check_folder(config.output)
    outputs = {"-o": None if config.output_is_folder else config.output,
               "--json": config.json_path, "--summary-md": config.summary_md}
    check_outputs(outputs, inputs(config))  # before the work: never over an input or another
    generated_at = stamp(config.deterministic)
    gathered = gather(config)
    sweeps = gathered.sweeps
    if config.output_is_folder:
        config = dataclasses.replace(config, output=config.output / file_name(sweeps, ".html"),
                                     output_is_folder=False)
        check_outputs({**outputs, "-o": config.output}, inputs(config))
    analyses = [analyse(s, config.top_fraction) for s in sweeps]
    proposals = [suggest(s, d) for s, d in zip(sweeps, analyses)]
    compared = comparison(sweeps, analyses)
    anchors = sweep_anchors(sweeps)
    made_by = provenance(config.command, config.sources)
    data = doc.document([doc.sweep_entry(s, d, p, a) for s, d, p, a in
                         zip(sweeps, analyses, proposals, anchors)], generated_at, made_by,
                        gathered.skipped)
    if len(sweeps) > 1:
        data["comparison"] = doc.comparison(compared)
    data_json = doc.to_json(data)
    views = tuple(sweep_view(s, d, anchor, p, config.axes, config.axis_order)
                  for s, d, p, anchor in zip(sweeps, analyses, proposals, anchors))
    compared_view = section_comparison(sweeps, compared) if compared is not None else None
    html = page(about(sweeps, __version__, generated_at, made_by, gathered.skipped),
                list(views), compared_view, data_json)
    files = [(config.output, html)]
    if config.json_path is not None:
        files.append((config.json_path, data_json))
    if config.summary_md is not None:
        from reportgen.render.markdown import summary_markdown

        files.append((config.summary_md, summary_markdown(sweeps, analyses, generated_at)))
    write_all(files)  # every output, or none
    return BuildResult(config.output, tuple(sweeps), data, tuple(gathered.skipped), views,
                       compared_view)


def inputs(config: ReportConfig) -> list[str]:
    """The files a command reads: its table sources and its sweep config."""
    return [*config.sources, *([config.sweep_config_path] if config.sweep_config_path else [])]


def file_name(sweeps: list[Sweep], suffix: str) -> str:
    """A file name from the sweeps: `SWEEP_ID.html` (or the sweep's name when it has no id);
    several sweeps joined with `+`, or the first and how many more when that is long."""
    ids = [re.sub(r"[^A-Za-z0-9._-]+", "-", s.sweep_id or s.name).strip("-.") or "sweep"
           for s in sweeps]
    stem = "+".join(ids)
    if len(stem) > 100:
        stem = f"{ids[0][:80]}-and-{len(ids) - 1}-more"
    return stem + suffix


def sweep_anchors(sweeps: list[Sweep]) -> list[str]:
    """Each sweep's section anchor on the page (unique, from its name)."""
    used: set[str] = set()
    return [anchor_for(s.name, used) for s in sweeps]
