"""The templates: one Jinja environment (autoescape on, strict undefined), made once; the
report page and the index page."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:  # the index page needs none of the analysis these bring in
    from reportgen.sections.about import About
    from reportgen.sections.comparison import ComparisonView
    from reportgen.sections.sweep import SweepView


@dataclass(frozen=True)
class ReportView:
    """What the page template prints: the frame, each sweep, the comparison, and Bokeh's
    script, the plots' script and the embedded JSON, ready to print."""

    about: About
    sweeps: tuple[SweepView, ...]
    comparison: ComparisonView | None = None
    comparison_divs: dict[str, str] = field(default_factory=dict, compare=False)
    bokeh_js: str = ""
    page_js: str = ""  # the parallel plots' script, once for the page
    bokeh_version: str = ""
    bokeh_script: str = ""
    data_json: str = ""


_REPO_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment, with the page's CSS as the global `css`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())), autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.globals["css"] = env.loader.get_source(env, "style.css")[0]  # type: ignore[union-attr]
    return env


def template_dir() -> Path:
    """`templates/` of a source checkout, else the copy installed as `reportgen.templates`."""
    if (_REPO_TEMPLATES / "report.html.jinja2").exists():
        return _REPO_TEMPLATES
    return Path(__file__).resolve().parent.parent / "templates"


def render(view: ReportView) -> str:
    """The report page of `view`."""
    return environment().get_template("report.html.jinja2").render(report=view, bokeh=True)


def render_index(**context: object) -> str:
    """The index page (`reportgen index`) of `context`."""
    return environment().get_template("index.html.jinja2").render(bokeh=False, **context)
