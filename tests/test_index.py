"""`reportgen index`: reports found in a folder tree by their data block; everything else
listed as skipped, with the reason."""

import json
import re

import pytest

from reportgen.config import ReportConfig
from reportgen.index import build_index
from reportgen.pipeline import build_report


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three reports (one in a subfolder, one with a space and markup in its file name) and
    five files that are not reports."""
    root = tmp_path_factory.mktemp("archive")
    (root / "team" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    build_report(ReportConfig(sources=("demo:grid",), output=root / "grid.html",
                              deterministic=True))
    build_report(ReportConfig(sources=("demo:random",), output=root / "team" / "random.html",
                              deterministic=True))
    build_report(ReportConfig(sources=("demo:bayes",),
                              output=root / "team" / "deep" / "bayes <1> #2.html",
                              deterministic=True))
    text = (root / "grid.html").read_text()
    (root / "notes.html").write_text("<html><body>meeting notes</body></html>")
    (root / "cut.html").write_text(text[: len(text) // 3])  # a download that stopped
    start = text.index('id="reportgen-data">') + len('id="reportgen-data">')
    (root / "team" / "damaged.html").write_text(text[:start] + "{oops" + text[start + 5:])
    newer = re.sub(r'"schema_version": 1', '"schema_version": 99', text)
    (root / "newer.html").write_text(newer)
    (root / "binary.html").write_bytes(b"\xff\xfe\x00\x01")
    (root / ".hidden" / "copy.html").write_text(text)
    return root


def test_every_report_is_listed_with_its_sweep_facts_and_a_link(archive):
    result = build_index(archive, deterministic=True)
    assert result.output == archive / "index.html"
    by_report = {e.report: e for e in result.entries}
    assert sorted(by_report) == ["grid.html", "team/deep/bayes <1> #2.html", "team/random.html"]
    random = by_report["team/random.html"]
    data = json.loads(re.search(r'id="reportgen-data">(.*?)</script>',
                                (archive / "team" / "random.html").read_text(), re.S).group(1))
    sweep = data["sweeps"][0]
    assert (random.sweep, random.source, random.metric, random.goal) == (
        "demo-random", "demo:random", "val_loss", "minimize")
    assert random.best == sweep["best_run"]["value"] and random.runs == 120
    assert random.strategy == "random" and random.generated_at == "1970-01-01 00:00:00 UTC"
    assert random.href == "team/random.html#sweep-demo-random"
    assert by_report["team/deep/bayes <1> #2.html"].href == \
        "team/deep/bayes%20%3C1%3E%20%232.html#sweep-demo-bayes"
    page = result.output.read_text()
    assert 'href="team/deep/bayes%20%3C1%3E%20%232.html#sweep-demo-bayes"' in page
    assert "bayes &lt;1&gt; #2.html" in page and "bayes <1>" not in page


def test_files_that_are_not_reports_are_skipped_with_the_reason(archive):
    result = build_index(archive, deterministic=True)
    reasons = {s.path: s.reason for s in result.skipped}
    assert set(reasons) == {"notes.html", "cut.html", "team/damaged.html", "newer.html",
                            "binary.html"}  # hidden folders and the index itself: left out
    assert reasons["notes.html"].startswith("no reportgen-data block")
    assert reasons["cut.html"].startswith("no reportgen-data block")
    assert "not valid JSON" in reasons["team/damaged.html"]
    assert "schema_version 99" in reasons["newer.html"] and "upgrade" in reasons["newer.html"]
    assert reasons["binary.html"] == "not UTF-8 text"
    page = result.output.read_text()
    for path, reason in reasons.items():
        assert path in page and reason.split("(")[0].strip() in page


def test_the_same_folder_gives_the_same_bytes_and_a_second_index_is_not_a_report(archive):
    first = build_index(archive, deterministic=True).output.read_bytes()
    again = build_index(archive, deterministic=True)
    assert again.output.read_bytes() == first
    other = build_index(archive, archive / "team" / "all.html", deterministic=True)
    assert "index.html" in {s.path for s in other.skipped}  # the first index: not a report
    assert all(e.href.startswith("../") for e in other.entries if e.report == "grid.html")
    (archive / "team" / "all.html").unlink()


def test_index_on_the_command_line(cli, archive, tmp_path):
    build_index(archive, deterministic=True)  # archive/index.html, which the new one skips
    result = cli("index", archive, "-o", tmp_path / "i.html", "--deterministic")
    assert result.exit_code == 0
    # the five, and the index the tests above wrote (an index, not a report)
    assert "3 report(s), 3 sweep(s), 6 file(s) skipped" in result.output
    assert "Skipped notes.html: no reportgen-data block" in result.output
    assert "Skipped index.html: an index page, not a report" in result.output
    page = (tmp_path / "i.html").read_text()
    assert "reportgen index " in page and "--deterministic" in page
    missing = cli("index", tmp_path / "nope")
    assert missing.exit_code == 1 and missing.output.startswith("Error: cannot index")
