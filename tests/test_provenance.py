"""Self-describing reports: the command (secrets hidden), the sources, the versions; and the
file named after the sweep when -o is a folder."""

import json
import re

from reportgen.provenance import HIDDEN, command_line, redact, versions


def test_secrets_never_reach_the_command_line(monkeypatch):
    key = "0123456789abcdef" * 3  # 48 hex digits, like a W&B key
    monkeypatch.setenv("WANDB_API_KEY", "s3cr3t-value")
    args = ["wandb://team/p/abc123", "--api-key", "hunter2", "--token=abc", "--where",
            "note == s3cr3t-value", f"https://user:pa55@host/x?k={key}", "-o", "r.html",
            "--password", "--metric", "loss"]
    out = redact(args)
    assert out == ["wandb://team/p/abc123", "--api-key", HIDDEN, f"--token={HIDDEN}",
                   "--where", f"note == {HIDDEN}", f"https://{HIDDEN}@host/x?k={HIDDEN}",
                   "-o", "r.html", "--password", HIDDEN, "loss"]
    line = command_line("build", args)
    for secret in ("hunter2", "abc", "s3cr3t", "pa55", key):
        assert secret not in line.replace("abc123", "")
    assert line.startswith("reportgen build wandb://team/p/abc123 ")


def test_versions_name_python_reportgen_and_the_main_libraries():
    found = versions()
    for name in ("python", "reportgen", "bokeh", "pandas", "numpy", "jinja2", "click"):
        assert re.match(r"^\d+\.\d+", found[name]), name


def test_a_report_shows_and_embeds_how_it_was_made(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("WANDB_API_KEY", "k" * 40)
    out = tmp_path / "r.html"
    result = cli("build", "demo:random", "-o", out, "--json", tmp_path / "r.json",
                 "--deterministic", "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "r.json").read_text())
    made = doc["provenance"]
    assert made["command"] == f"reportgen build demo:random -o {out} --json " \
                              f"{tmp_path / 'r.json'} --deterministic -q"
    assert made["sources"] == ["demo:random"]
    assert made["versions"]["reportgen"] == doc["generator"]["version"]
    (sweep,) = doc["sweeps"]
    assert sweep["anchor"] == "sweep-demo-random" and sweep["sweep_id"] == "demo-random"
    assert sweep["config"]["method"] == "random" and "learning_rate" in sweep["config"][
        "parameters"]
    page = out.read_text()
    assert f'<code class="command">reportgen build demo:random -o {out}' in page
    assert '<section class="sweep" id="sweep-demo-random">' in page
    assert "About this report" in page and "1970-01-01 00:00:00 UTC" in page
    assert "k" * 40 not in page


def test_the_python_api_says_so_instead_of_a_command(tmp_path):
    from reportgen.config import ReportConfig
    from reportgen.pipeline import build_report

    result = build_report(ReportConfig(sources=("demo:grid",), output=tmp_path / "g.html"))
    assert result.document["provenance"]["command"] is None
    assert "through reportgen's Python API" in (tmp_path / "g.html").read_text()


def test_output_folder_names_the_file_after_the_sweep(cli, tmp_path):
    built = cli("build", "demo:random", "-o", f"{tmp_path}/reports/", "-q")
    assert built.exit_code == 0, built.output
    assert (tmp_path / "reports" / "demo-random.html").exists()  # the folder was made
    again = cli("build", "demo", "-o", tmp_path / "reports", "-q")  # an existing folder
    assert again.exit_code == 0
    assert (tmp_path / "reports" / "demo-grid+demo-random+demo-bayes.html").exists()
    proposed = cli("suggest", "demo:random", "-o", tmp_path / "reports")
    assert proposed.exit_code == 0
    assert f"wrote {tmp_path / 'reports' / 'demo-random.yaml'}" in proposed.output
    (tmp_path / "file").write_text("x")
    clash = cli("build", "demo:grid", "-o", f"{tmp_path}/file/")
    assert clash.exit_code == 1 and "it is a file, not a folder" in clash.output
    nowhere = cli("build", "demo:grid", "-o", f"{tmp_path}/a/b/")
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output


def test_file_names_from_odd_sweep_ids():
    from builders import make_sweep

    from reportgen.pipeline import file_name

    sweep = make_sweep({"x": [1.0, 2.0], "loss": [1.0, 2.0]})
    import dataclasses

    odd = dataclasses.replace(sweep, sweep_id="team/proj:ab c<1>")
    assert file_name([odd], ".html") == "team-proj-ab-c-1.html"
    many = [dataclasses.replace(sweep, sweep_id=f"sweep{i:03d}" * 3) for i in range(8)]
    assert file_name(many, ".html") == "sweep000sweep000sweep000-and-7-more.html"
