"""The `reportgen` command: parse options, call the pipeline, map errors to exit codes.

Exit 0 on success, 1 on a user error (one `Error: ...` line on stderr), 2 on a usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reportgen import __version__
from reportgen.errors import ReportgenError

if TYPE_CHECKING:
    from reportgen.config import ReportConfig

BUILD_EXAMPLES = """
\b
Examples:
  reportgen build -o demo.html                        # the bundled demo sweeps
  reportgen build wandb_export.csv --sweep-config sweep.yaml -o report.html
  reportgen build runs.csv --metric val_acc --goal maximize --params lr,batch_size
  reportgen build wandb://team/project/abc123 -o sweep.html   # a W&B cloud sweep
  reportgen build https://wandb.ai/team/project/sweeps/abc123 --offline  # from the cache
  reportgen build ./wandb -o offline.html             # W&B offline run folders
  reportgen build runs.parquet --where "state == finished and val_loss < 1"
  reportgen build demo:bayes --axes learning_rate,dropout,val_loss --json report.json
  reportgen build runs.csv --summary-md summary.md     # Markdown for a PR comment

\b
SOURCE is a W&B sweep (wandb://ENTITY/PROJECT/SWEEP_ID or its wandb.ai URL; needs
WANDB_API_KEY or `wandb login`; cached, see --cache-dir), a table file (.csv .tsv .json
.jsonl .parquet, e.g. W&B's runs-table export), a folder of W&B run folders
(wandb/offline-run-*), or demo, demo:grid, demo:random, demo:bayes. With no SOURCE the
demo is built.
"""


class _Recorded(click.Command):
    """A subcommand that keeps its arguments as given: the report names its command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["reportgen.args"] = list(args)
        return super().parse_args(ctx, args)


def _command_line() -> str:
    from reportgen.provenance import command_line

    ctx = click.get_current_context()
    return command_line(ctx.info_name or "build", ctx.meta.get("reportgen.args", []))


def _is_folder(output: str) -> bool:
    """`-o` names a folder when it ends in a slash or is an existing folder."""
    if not output.strip():
        raise click.BadParameter("needs a file or folder name", param_hint="'-o'")
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    return items or None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """Turn the runs of hyperparameter sweeps into one self-contained HTML report."""


def _not_nan(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if value != value:
        raise click.BadParameter("must be a number of seconds, not nan")
    return value


def source_options(command):  # type: ignore[no-untyped-def]
    """The options that say what to read and how: shared by `build` and `suggest`."""
    options = [
        click.argument("sources", nargs=-1, metavar="[SOURCE ...]"),
        click.option("--metric",
                     help="The column to optimise (default: the sweep config's metric)."),
        click.option("--goal", type=click.Choice(["minimize", "maximize"]),
                     help="Whether smaller or larger metric values are better."),
        click.option("--sweep-config",
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="The W&B sweep config (YAML) the runs came from: declares "
                          "parameters."),
        click.option("--params", help="Comma-separated parameter columns, e.g. lr,batch_size "
                                      "(default: inferred, see README)."),
        click.option("--sweep", "sweep_ids", multiple=True, metavar="ID",
                     help="Only this sweep of the sources (its id or name); repeat for more."),
        click.option("--study", metavar="NAME",
                     help="Only this study of an Optuna storage (default: every study, one "
                          "section each)."),
        click.option("--experiment", metavar="NAME",
                     help="Only this experiment (name or id) of an MLflow store (default: "
                          "every experiment with runs, one section each)."),
        click.option("--where",
                     help='Keep only matching runs, e.g. "val_loss < 0.5 and opt == adam".'),
        click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Where fetched W&B sweeps are cached (default: ~/.cache/reportgen)."),
        click.option("--refresh", is_flag=True, help="Fetch W&B sweeps even when cached."),
        click.option("--offline", is_flag=True, help="Never fetch: use cached W&B sweeps only."),
        click.option("--timeout", type=click.FloatRange(min=1, max=3600), default=60,
                     show_default=True, callback=_not_nan,
                     help="Seconds to wait for each W&B request."),
        click.option("--history", is_flag=True,
                     help="Also fetch each W&B run's metric history (best value over the run)."),
        click.option("-q", "--quiet", is_flag=True,
                     help='No progress bar, fetch summary, "Read ... as" or "wrote" line.'),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _config(output: Path, sources: tuple[str, ...], metric: str | None, goal: str | None,
            sweep_config: Path | None, params: str | None, where: str | None,
            cache_dir: Path | None, refresh: bool, offline: bool, timeout: float,
            history: bool, quiet: bool, sweep_ids: tuple[str, ...] = (),
            study: str | None = None, experiment: str | None = None,
            **extra: Any) -> ReportConfig:
    from reportgen.config import FetchOptions, ReportConfig
    from reportgen.space import load_sweep_config

    if refresh and offline:
        raise click.UsageError("--refresh and --offline contradict each other")
    return ReportConfig(
        sources=sources or ("demo",), output=output, metric=metric, goal=goal,
        sweep_config=load_sweep_config(sweep_config) if sweep_config else None,
        sweep_config_path=str(sweep_config) if sweep_config else None,
        params=_split(params), where=where, sweep_ids=tuple(sweep_ids),
        fetch=FetchOptions(cache_dir=cache_dir, refresh=refresh, offline=offline, quiet=quiet,
                           timeout=timeout, history=history, metric=metric, study=study,
                           experiment=experiment),
        **extra)


@main.command(cls=_Recorded, epilog=BUILD_EXAMPLES)
@source_options
@click.option("-o", "--output", default="report.html", show_default=True,
              help="The HTML file to write; or a folder (existing, or ending in /), then the "
                   "file is named after the sweep: FOLDER/SWEEP_ID.html.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report's data as JSON (schema in README).")
@click.option("--summary-md", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Markdown summary (for a PR comment or a CI job summary).")
@click.option("--axes", help="Comma-separated axes of the parallel coordinates, in order.")
@click.option("--axis-order", type=click.Choice(["importance", "config"]), default="importance",
              show_default=True, help="Default axis order: most important parameter first, "
              "or the sweep config's order.")
@click.option("--deterministic", is_flag=True,
              help="Byte-identical output for the same input (fixed timestamp and ids).")
def build(output: str, json_path: Path | None, summary_md: Path | None, axes: str | None,
          axis_order: str, deterministic: bool, **source: Any) -> None:
    """Build one HTML report from one or more sweeps."""

    def run() -> None:
        from reportgen.pipeline import build_report

        config = _config(Path(output), json_path=json_path, summary_md=summary_md,
                         output_is_folder=_is_folder(output),
                         axes=_split(axes), axis_order=axis_order,
                         deterministic=deterministic, command=_command_line(), **source)
        result = build_report(config)
        runs = sum(len(s.runs) for s in result.sweeps)
        size = result.output.stat().st_size / 1e6
        _tell(result.sweeps, result.skipped, source["quiet"])
        if not source["quiet"]:
            click.echo(f"wrote {result.output} ({len(result.sweeps)} sweep(s), {runs:,} runs, "
                       f"{size:.1f} MB)")

    _guarded(run)


SUGGEST_EXAMPLES = """
\b
Examples:
  reportgen suggest demo:random -o next.yaml
  reportgen suggest wandb://team/project/abc123 -o next.yaml && wandb sweep next.yaml
  reportgen suggest wandb_export.csv --sweep-config sweep.yaml -o next.yaml
"""


@main.command(epilog=SUGGEST_EXAMPLES)
@source_options
@click.option("-o", "--output",
              help="The file to write (default: next.yaml, or next.py for Optuna code); or a "
                   "folder (existing, or ending in /), then FOLDER/SWEEP_ID.yaml (or .py).")
@click.option("--format", "fmt", type=click.Choice(["auto", "wandb", "optuna"]), default="auto",
              show_default=True,
              help="wandb: a W&B sweep config (YAML); optuna: Python that builds the Optuna "
                   "search space; auto: optuna for an Optuna source, else wandb.")
def suggest(output: str | None, fmt: str, **source: Any) -> None:
    """Propose the next, narrower sweep (a W&B sweep config, or an Optuna search space) from
    the best region of ONE sweep."""

    def run() -> None:
        from reportgen.pipeline import write_next_sweep

        target = output or "next.yaml"
        done = write_next_sweep(_config(Path(target), output_is_folder=_is_folder(target),
                                        suggest_format=fmt, output_default=output is None,
                                        **source))
        _tell([done.sweep], done.skipped, source["quiet"])
        changed = [c.param for c in done.proposal.changed()]
        if not source["quiet"]:
            what = ", ".join(changed) if changed else "nothing narrowed"
            click.echo(f"wrote {done.output} (next sweep for {done.sweep.name}: {what})")

    _guarded(run)


INDEX_EXAMPLES = """
\b
Examples:
  reportgen index reports/                  # writes reports/index.html
  reportgen index wiki/sweeps -o wiki/sweeps.html --deterministic
"""


@main.command(cls=_Recorded, epilog=INDEX_EXAMPLES)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The index page to write (default: FOLDER/index.html).")
@click.option("--deterministic", is_flag=True,
              help="Byte-identical output for the same reports (fixed timestamp).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def index(folder: Path, output: Path | None, deterministic: bool, quiet: bool) -> None:
    """Write one page that lists every report under FOLDER (subfolders too), sortable and
    filterable; files that are not reports are listed as skipped, with the reason."""

    def run() -> None:
        from reportgen.index import build_index

        result = build_index(folder, output, deterministic, _command_line())
        if not quiet:
            reports = len({e.report for e in result.entries})
            click.echo(f"wrote {result.output} ({reports} report(s), {len(result.entries)} "
                       f"sweep(s), {len(result.skipped)} file(s) skipped)")
        for skipped in result.skipped:
            click.echo(one_line(f"Skipped {skipped.path}: {skipped.reason}"), err=True)

    _guarded(run)


def _tell(sweeps: Any, skipped: Any, quiet: bool) -> None:
    """How each sweep was read (one line each, unless --quiet), then the warnings: each once."""
    if not quiet:
        for sweep in sweeps:
            click.echo(one_line(sweep.reading_line), err=True)
    lines = [f"left out sweep {name}: {reason}" for name, reason in skipped]
    lines += [w for sweep in sweeps for w in sweep.warnings]
    for line in dict.fromkeys(lines):
        click.echo(f"Warning: {one_line(line)}", err=True)


def one_line(text: str) -> str:
    """A message on one line: line breaks and other control characters in names from the
    data are shown escaped (`\\n`), never acted on by the terminal."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def entry() -> None:
    """The console script (and `python -m reportgen`): `main`, then a prompt exit.

    After a W&B fetch, wandb's service shutdown can keep retrying requests for minutes; all
    reportgen writes is already on disk (atomically), so the process leaves without it."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if "reportgen.sources" in sys.modules and sys.modules["reportgen.sources"].left_running():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _guarded(action) -> None:  # type: ignore[no-untyped-def]
    """User errors become one line and exit 1; set REPORTGEN_DEBUG=1 for tracebacks. Python
    warnings of the libraries (numpy, scipy, pandas) are not ours to print: only our own
    `Warning:` lines reach the user."""
    import warnings

    try:
        with warnings.catch_warnings():
            if not os.environ.get("REPORTGEN_DEBUG"):
                warnings.simplefilter("ignore")
            action()
    except ReportgenError as exc:
        raise click.ClickException(one_line(str(exc))) from None
    except click.ClickException:
        raise
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, never a traceback
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        raise click.ClickException(one_line(
            f"internal error ({type(exc).__name__}: {exc}); rerun with REPORTGEN_DEBUG=1 "
            "and report it"
        )) from None
