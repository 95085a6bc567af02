"""Outputs never overwrite an input or each other, never replace a device, and are written all
or none."""

from __future__ import annotations

import os
import stat

import pytest

from reportgen.errors import OutputError
from reportgen.output import write_all

CSV = ('"Name","State","lr","val_loss"\n'
       + "".join(f'"r{i}","finished","{0.1 * (i + 1):.1f}","{1 / (i + 1):.4f}"\n'
                 for i in range(12)))


@pytest.fixture()
def runs(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text(CSV)
    return path


def refused(result, *paths_unchanged):
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    return lines[0]


def test_an_output_that_is_an_input_is_refused(cli, runs, tmp_path):
    line = refused(cli("build", runs, "-o", runs))
    assert line == (f"Error: refusing to write -o {runs}: it is an input of this command and "
                    "would be overwritten; choose another file name")
    assert runs.read_text() == CSV
    config = tmp_path / "sweep.yaml"
    config.write_text("metric: {name: val_loss}\nparameters:\n  lr: {min: 0.1, max: 1.2}\n")
    before = config.read_text()
    refused(cli("build", runs, "--sweep-config", config, "-o", config))
    refused(cli("build", runs, "--sweep-config", config, "--json", config))
    assert config.read_text() == before
    refused(cli("suggest", runs, "-o", runs))
    assert runs.read_text() == CSV
    link = tmp_path / "link.csv"
    link.symlink_to(runs)
    refused(cli("build", link, "-o", runs))  # the same file under another name
    assert runs.read_text() == CSV


def test_two_outputs_naming_one_file_are_refused(cli, runs, tmp_path):
    out = tmp_path / "out.html"
    line = refused(cli("build", runs, "-o", out, "--json", out))
    assert line == f"Error: -o and --json both name {out}: give each output a file of its own"
    js = tmp_path / "out.json"
    refused(cli("build", runs, "-o", out, "--json", js, "--summary-md", js))
    assert not out.exists() and not js.exists()


@pytest.mark.parametrize("device", ["/dev/null", "/dev/stdout"])
def test_devices_and_streams_are_refused_and_left_as_they_are(cli, runs, device):
    before = os.stat(device, follow_symlinks=False).st_mode
    line = refused(cli("build", runs, "-o", device))
    assert "it is not a regular file" in line
    assert os.stat(device, follow_symlinks=False).st_mode == before  # still a device or link
    assert stat.S_ISCHR(before) or stat.S_ISLNK(before)


def test_a_link_to_a_file_is_written_through_and_stays_a_link(cli, runs, tmp_path):
    real = tmp_path / "reports" / "latest-real.html"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.html"
    link.symlink_to(real)
    result = cli("build", runs, "-o", link, "-q")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().startswith("<!DOCTYPE html>")


def test_an_empty_output_name_is_a_usage_error(cli, runs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("build", runs, "-o", "")
    assert result.exit_code == 2 and "needs a file or folder name" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]


def test_all_outputs_or_none(tmp_path):
    ok = tmp_path / "report.html"
    with pytest.raises(OutputError, match=r"cannot write .*missing/summary.md: .*nothing was "
                                          r"written"):
        write_all([(ok, "html"), (tmp_path / "missing" / "summary.md", "md")])
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file

    class Boom(str):
        pass

    with pytest.raises(TypeError):  # a failure that is not an OSError cleans up too
        write_all([(ok, "html"), (tmp_path / "b.json", 42)])  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []
    write_all([(ok, "html \ud800 name")])  # a lone surrogate from JSON cannot stop the write
    assert ok.read_text(encoding="utf-8").startswith("html ")


def test_the_build_writes_nothing_when_one_output_cannot_be_written(cli, runs, tmp_path):
    js, md = tmp_path / "r.json", tmp_path / "gone" / "s.md"
    result = cli("build", runs, "-o", tmp_path / "r.html", "--json", js, "--summary-md", md)
    assert result.exit_code == 1
    assert not js.exists() and not (tmp_path / "r.html").exists()


def test_the_index_is_never_written_over_a_report(cli, runs, tmp_path):
    report = tmp_path / "reports" / "a.html"
    report.parent.mkdir()
    assert cli("build", runs, "-o", report, "-q").exit_code == 0
    before = report.read_text()
    line = refused(cli("index", report.parent, "-o", report))
    assert line == (f"Error: refusing to write the index over {report}: it is a report; "
                    "choose another file name")
    assert report.read_text() == before
