"""The HTML page: every section's view, its figures drawn with Bokeh and embedded, rendered
through the templates. The one place where views, figures and templates meet."""

from __future__ import annotations

from dataclasses import replace

from reportgen.render.html import ReportView, render
from reportgen.sections.about import About
from reportgen.sections.comparison import ComparisonView
from reportgen.sections.parallel import ParallelInput
from reportgen.sections.sweep import SweepView


def page(about: About, sweeps: list[SweepView], comparison: ComparisonView | None,
         data_json: str) -> str:
    """The page's HTML: figures drawn (with stable ids), embedded, and the views rendered."""
    import bokeh
    from bokeh.document import Document
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import INLINE

    from reportgen.plots._theme import stable_ids
    from reportgen.plots.parallel import page_script
    from reportgen.render.document import script_safe

    with stable_ids():
        layouts: dict[str, object] = {}
        on_ready: list = []
        for view in sweeps:
            for name in view.figures():
                layouts[f"{view.anchor}/{name}"] = _figure(name, view, on_ready)
        if comparison is not None:
            layouts["comparison/parallel"] = _parallel(comparison.parallel, "comparison",
                                                       on_ready)
            layouts["comparison/plots"] = _comparison_plots(comparison)
        document = Document()
        for layout in layouts.values():
            document.add_root(layout)
        for callback in on_ready:  # the parallel plots build their lines once the page is up
            document.js_on_event("document_ready", callback)
        script, divs = components(list(layouts.values()))
        # only the Bokeh bundles these figures use (no MathJax, no WebGL): half the bytes
        bokeh_js = bundle_for_objs_and_resources(list(layouts.values()), INLINE).scripts()
    by_key = dict(zip(layouts, divs))

    def divs_of(prefix: str) -> dict[str, str]:
        return {key.split("/", 1)[1]: div for key, div in by_key.items()
                if key.split("/", 1)[0] == prefix}

    report = ReportView(about=about,
                      sweeps=tuple(replace(v, divs=divs_of(v.anchor)) for v in sweeps),
                      comparison=comparison, comparison_divs=divs_of("comparison"),
                      bokeh_js=bokeh_js, page_js=page_script(), bokeh_script=script,
                      bokeh_version=bokeh.__version__, data_json=script_safe(data_json))
    return render(report)


def _figure(name: str, view: SweepView, on_ready: list) -> object:
    """One sweep's figure `name` (one of sections.sweep.FIGURES)."""
    from reportgen.plots.convergence import convergence_plot
    from reportgen.plots.coverage import coverage_plot
    from reportgen.plots.importance import importance_plot

    if name == "parallel":
        return _parallel(view.parallel.data, view.anchor, on_ready)
    if name == "convergence":
        c = view.convergence
        return convergence_plot(c.info, c.metric, c.values, c.log_y)
    if name == "coverage":
        return coverage_plot(view.coverage.info)
    return importance_plot(view.importance.info)


def _parallel(data: ParallelInput, key: str, on_ready: list) -> object:
    """A parallel plot; its page-ready callback joins `on_ready`."""
    from reportgen.plots.parallel import parallel_plot

    layout, ready = parallel_plot(data, key=key)
    on_ready.append(ready)
    return layout


def _comparison_plots(comparison: ComparisonView) -> object:
    from reportgen.plots.comparison import comparison_plots

    return comparison_plots(comparison.info)
