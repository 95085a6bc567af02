"""examples/github-actions.yml: its reportgen commands are valid, are the ones README shows, and
do what the recipe says when run as its steps are (bash, against a loopback W&B server)."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from test_sources_wandb_api import CONFIG, KEY, fake_runs
from wandb_server import Backend, FakeSweep, Server

from reportgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "examples" / "github-actions.yml"


def steps() -> list[dict]:
    workflow = yaml.safe_load(RECIPE.read_text())
    (job,) = workflow["jobs"].values()
    return job["steps"]


def reportgen_lines() -> list[str]:
    return [line.strip() for step in steps() if "run" in step
            for line in step["run"].splitlines() if line.strip().startswith("reportgen ")]


def test_the_recipe_is_a_workflow_that_builds_uploads_and_summarises():
    workflow = yaml.safe_load(RECIPE.read_text())
    assert {"workflow_dispatch", "pull_request"} <= set(workflow[True])  # YAML reads `on` as True
    uses = [s.get("uses", "") for s in steps()]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    runs = "\n".join(s.get("run", "") for s in steps())
    assert "--summary-md summary.md" in runs and '>> "$GITHUB_STEP_SUMMARY"' in runs
    assert [line.split()[1] for line in reportgen_lines()] == ["build", "index"]


@pytest.mark.parametrize("line", reportgen_lines())
def test_each_reportgen_command_of_the_recipe_parses_and_is_in_readme(line):
    assert line in (ROOT / "README.md").read_text(), "README shows the recipe's commands"
    args = shlex.split(line.replace("$SWEEP", "team/proj/abc123"))[1:]
    with main.make_context("reportgen", list(args), resilient_parsing=False) as ctx:
        command = main.get_command(ctx, args[0])
        assert command is not None
        try:
            command.make_context(args[0], args[1:], parent=ctx)
        except click.UsageError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{line}: {exc}")


def test_the_recipe_runs_as_written(tmp_path):
    """The install step aside, each `run:` step through bash, as the runner would."""
    backend = Backend(api_key=KEY)
    backend.add(FakeSweep("team", "proj", "abc123", CONFIG, fake_runs(60, crashed=3)))
    summary = tmp_path / "step-summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB")}
    env.update({"SWEEP": "team/proj/abc123", "GITHUB_STEP_SUMMARY": str(summary),
                "WANDB_API_KEY": KEY, "HOME": str(tmp_path), "WANDB_DIR": str(tmp_path),
                "WANDB_CONFIG_DIR": str(tmp_path / ".config"), "WANDB_SILENT": "true",
                "REPORTGEN_CACHE_DIR": str(tmp_path / "cache"),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})
    with Server(backend) as url:
        env["WANDB_BASE_URL"] = url
        for step in steps():
            if "run" not in step or step["run"].startswith("pip install"):
                continue
            out = tmp_path / "out.txt"
            with open(out, "w") as sink:
                proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env,
                                      stdout=sink, stderr=subprocess.STDOUT, timeout=300,
                                      stdin=subprocess.DEVNULL)
            assert proc.returncode == 0, f"{step.get('name')}: {out.read_text()[-2000:]}"
    report = tmp_path / "reports" / "abc123.html"
    assert report.exists() and (tmp_path / "reports" / "report.json").exists()
    assert 'href="abc123.html#sweep-lr-search"' in (tmp_path / "reports" / "index.html").read_text()
    text = summary.read_text()
    assert "lr-search" in text and "val_loss" in text
    made = re.search(r'<code class="command">(.*?)</code>', report.read_text()).group(1)
    assert made == ("reportgen build wandb://team/proj/abc123 -o reports/ --json "
                    "reports/report.json --summary-md summary.md")
    assert KEY not in report.read_text()
