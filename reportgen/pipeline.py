"""build_report: gather → analyse → plot → render → write. The table of contents of reportgen."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reportgen import __version__
from reportgen.config import ReportConfig
from reportgen.diagnostics.overview import Overview, overview
from reportgen.model import Sweep
from reportgen.render import document as doc
from reportgen.render.context import ReportView, SweepView, anchor_for, sweep_view
from reportgen.resolve import resolve
from reportgen.sources import load_source


@dataclass(frozen=True)
class BuildResult:
    output: Path
    sweeps: tuple[Sweep, ...]
    document: dict


def gather(config: ReportConfig) -> list[Sweep]:
    """Every sweep of every source, resolved (metric, goal, parameters) and filtered."""
    return [resolve(loaded, config) for source in config.sources
            for loaded in load_source(source)]


def build_report(config: ReportConfig) -> BuildResult:
    from reportgen.render.html import check_writable, write_atomic

    for path in (config.output, config.json_path):
        if path is not None:
            check_writable(path)  # fail before the work, and never leave half the outputs
    sweeps = gather(config)
    overviews = [overview(s, config.top_fraction) for s in sweeps]
    generated_at = _generated_at(config.deterministic)
    data = doc.document([doc.sweep_entry(s, o) for s, o in zip(sweeps, overviews)], generated_at)
    data_json = doc.to_json(data)
    html = _page(sweeps, overviews, config, generated_at, data_json)
    if config.json_path is not None:
        write_atomic(config.json_path, data_json)
    write_atomic(config.output, html)
    return BuildResult(config.output, tuple(sweeps), data)


def _page(sweeps: list[Sweep], overviews: list[Overview], config: ReportConfig,
          generated_at: str, data_json: str) -> str:
    import bokeh
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import INLINE

    from reportgen.plots._theme import stable_ids
    from reportgen.plots.parallel import choose_axes, constant_params, parallel_input, parallel_plot
    from reportgen.render.html import render

    with stable_ids():
        views: list[SweepView] = []
        layouts = []
        used: set[str] = set()
        for sweep, ov in zip(sweeps, overviews):
            axes = choose_axes(sweep, config.axes)
            layouts.append(parallel_plot(parallel_input(sweep, ov, axes)))
            views.append(sweep_view(sweep, ov, anchor_for(sweep.name, used),
                                    constant_params(sweep), axes))
        script, divs = components(layouts)
        # only the Bokeh bundles these figures use (no MathJax, no WebGL): half the bytes
        bokeh_js = bundle_for_objs_and_resources(layouts, INLINE).scripts()
    views = [SweepView(**{**v.__dict__, "plot_div": d}) for v, d in zip(views, divs)]
    title = sweeps[0].name if len(sweeps) == 1 else f"{len(sweeps)} sweeps: " + ", ".join(
        s.name for s in sweeps)
    view = ReportView(title=f"Sweep report — {title}", version=__version__,
                      generated_at=generated_at, sweeps=tuple(views),
                      bokeh_js=bokeh_js, bokeh_script=script, bokeh_version=bokeh.__version__,
                      data_json=doc.script_safe(data_json))
    return render(view)


def _generated_at(deterministic: bool) -> str:
    """UTC now; under --deterministic SOURCE_DATE_EPOCH (reproducible builds) or the epoch."""
    if deterministic:
        stamp = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "0")),
                                       tz=timezone.utc)
    else:
        stamp = datetime.now(timezone.utc).replace(microsecond=0)
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")
