"""sample_reports/ holds what the documented command builds today."""

import re
from pathlib import Path

import bokeh

from reportgen.config import ReportConfig
from reportgen.pipeline import build_report

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ("python -m reportgen build -o sample_reports/demo.html --json sample_reports/demo.json "
           "--deterministic")
UPDATE = "python scripts/update_samples.py"


def test_the_command_is_documented():
    for readme in (ROOT / "sample_reports" / "README.md", ROOT / "README.md"):
        assert COMMAND in readme.read_text() and UPDATE in readme.read_text()
    import runpy

    script = runpy.run_path(str(ROOT / "scripts" / "update_samples.py"), run_name="not-main")
    assert script["COMMAND"] == COMMAND


def _same_versions(text: str) -> str:
    """Library versions differ between machines; the rest must not."""
    text = re.sub(r'"versions": \{[^}]*\}', '"versions": {}', text)
    return re.sub(r'<table class="versions">.*?</table>', "", text, flags=re.S)


def test_sample_reports_are_fresh(tmp_path):
    from reportgen.sections.snapshot import view_text

    html, js = tmp_path / "demo.html", tmp_path / "demo.json"
    result = build_report(ReportConfig(output=html, json_path=js, deterministic=True,
                                       command=COMMAND.replace("python -m reportgen",
                                                               "reportgen")))
    stale = "sample_reports/ is stale: rebuild it with: " + UPDATE
    assert view_text(result.views, result.comparison) == (
        ROOT / "sample_reports" / "demo.view.txt").read_text(encoding="utf-8"), stale
    assert _same_versions(js.read_text()) == _same_versions(
        (ROOT / "sample_reports" / "demo.json").read_text()), stale
    html.write_text(_same_versions(html.read_text()))
    committed = _same_versions((ROOT / "sample_reports" / "demo.html").read_text())
    made_with = re.search(r'content="reportgen [^ ]+ \(bokeh ([^)]+)\)"', committed).group(1)
    if made_with == bokeh.__version__:  # another Bokeh inlines other JS: compare the rest
        assert html.read_text() == committed, stale
    else:
        strip = re.compile(r"<script type=\"text/javascript\">.*?</script>", re.S)
        assert strip.sub("", html.read_text()).replace(bokeh.__version__, "") == \
            strip.sub("", committed).replace(made_with, ""), stale
