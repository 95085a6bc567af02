"""The HTML page: one Jinja environment (autoescape on), Bokeh inline; the output folder."""

from __future__ import annotations

from pathlib import Path

import jinja2

from reportgen.errors import OutputError
from reportgen.render.context import ReportView

_REPO_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())), autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def template_dir() -> Path:
    """`templates/` of a source checkout, else the copy installed as `reportgen.templates`."""
    if (_REPO_TEMPLATES / "report.html.jinja2").exists():
        return _REPO_TEMPLATES
    return Path(__file__).resolve().parent.parent / "templates"


def render(view: ReportView) -> str:
    env = environment()
    css = env.loader.get_source(env, "style.css")[0]  # type: ignore[union-attr]
    return env.get_template("report.html.jinja2").render(report=view, css=css)


def render_index(**context: object) -> str:
    env = environment()
    css = env.loader.get_source(env, "style.css")[0]  # type: ignore[union-attr]
    return env.get_template("index.html.jinja2").render(css=css, **context)


def check_folder(folder: Path) -> None:
    """An output folder: made if missing (its parent must exist), never a file."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"cannot write into {folder}: it is a file, not a folder")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise OutputError(f"cannot write into {folder}: folder {folder.parent} does not "
                              "exist")
        try:
            folder.mkdir()
        except OSError as exc:
            raise OutputError(f"cannot make folder {folder}: {exc.strerror or exc}") from None
