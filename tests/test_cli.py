"""The command line: help, the demo build, the JSON contract, determinism, atomic output."""

import json
import re
import subprocess
import sys

import pytest

from reportgen import __version__
from reportgen.cli import main


def data_block(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="reportgen-data">(.*?)</script>', html, re.S)
    assert m, "no reportgen-data block"
    return json.loads(m.group(1))


@pytest.mark.parametrize("command", [[], ["build"], ["suggest"], ["index"]])
def test_every_command_has_help_with_examples(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command:
        assert "Examples:" in result.output and f"reportgen {command[0]}" in result.output


def test_every_command_is_covered_by_the_help_test():
    assert set(main.commands) == {"build", "suggest", "index"}


def test_version(cli):
    assert cli("--version").output.strip() == f"reportgen, version {__version__}"


def test_demo_build_with_json_contract(cli, tmp_path):
    out, js = tmp_path / "demo.html", tmp_path / "demo.json"
    result = cli("build", "-o", out, "--json", js, "--deterministic")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out} (3 sweep(s), 204 runs,")
    doc = json.loads(js.read_text())
    assert doc == data_block(out.read_text())
    assert doc["schema_version"] == 1
    assert doc["generator"] == {"name": "reportgen", "version": __version__}
    assert [s["name"] for s in doc["sweeps"]] == ["demo-grid", "demo-random", "demo-bayes"]
    for entry in doc["sweeps"]:
        assert {"name", "source", "method", "metric", "params", "counts", "best_run"} <= set(entry)
        assert set(entry["counts"]) == {"total", "finished", "running", "stopped", "crashed",
                                        "failed", "killed", "other", "missing_metric"}
        assert entry["metric"] == {"name": "val_loss", "goal": "minimize"}
        for p in entry["params"]:
            assert set(p) == {"name", "kind", "scale", "low", "high", "levels", "distribution",
                              "declared", "replicate"}
        assert set(entry["best_run"]) == {"run_id", "name", "value", "params"}
        assert {"inferred", "declared", "confidence", "evidence"} <= set(entry["strategy"])
        assert {"params", "discrepancy_ratio", "duplicates", "grid_completeness"} <= \
            set(entry["coverage"])
        assert {"best_so_far", "improvements", "expected_improvements",
                "runs_since_improvement", "stagnated", "concentrating",
                "concentration_pvalue"} <= set(entry["convergence"])
        assert {"top_runs", "top_fraction", "params", "stability"} <= set(entry["best_region"])
        assert {"method", "fit_r2", "params"} <= set(entry["importance"])
        assert all({"score", "pvalue", "detected", "chance"} <= set(p)
                   for p in entry["importance"]["params"].values())
        assert all({"kind", "severity", "message", "evidence"} == set(f)
                   for f in entry["findings"])
    random = doc["sweeps"][1]
    assert random["counts"]["total"] == 120
    assert random["counts"]["crashed"] == random["counts"]["missing_metric"] == 6
    assert random["strategy"]["inferred"] == "random"
    assert doc["sweeps"][0]["strategy"]["inferred"] == "grid"
    assert doc["sweeps"][0]["coverage"]["grid_completeness"]["completeness"] == 1.0
    assert doc["sweeps"][2]["strategy"]["inferred"] == "adaptive"
    params = random["importance"]["params"]
    ranks = {k: v["rank"] for k, v in params.items()}
    assert ranks["learning_rate"] == 1 and params["learning_rate"]["detected"] is True
    undetected = {k for k, v in params.items() if not v["detected"]}
    # detected effects first; the effects chance can explain share the last rank
    assert undetected and min(ranks[k] for k in undetected) > max(
        ranks[k] for k in set(params) - undetected)
    chance = {k for k in undetected if params[k]["score"] <= params[k]["chance"]}
    assert chance and {ranks[k] for k in chance} == {max(ranks.values())}
    region = random["best_region"]["params"]["learning_rate"]
    assert region["low"] < 3e-3 < region["high"] and region["scale"] == "log"
    assert random["best_region"]["params"]["optimizer"]["levels"][0] == "adam"
    lr = next(p for p in random["params"] if p["name"] == "learning_rate")
    assert lr == {"name": "learning_rate", "kind": "float", "scale": "log", "low": 1e-05,
                  "high": 0.1, "levels": None, "distribution": "log_uniform_values",
                  "declared": True, "replicate": False}
    assert random["reading"]["dialect"] == "W&B runs-table export"
    assert random["reading"]["params"] == "declared by the sweep config"
    assert doc["skipped_sweeps"] == []


def test_best_run_respects_the_goal(cli, tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text("name,lr,val_acc\na,0.1,0.5\nb,0.2,0.9\nc,0.3,0.7\n")
    cli("build", csv, "-o", tmp_path / "r.html", "--json", tmp_path / "max.json")
    assert json.loads((tmp_path / "max.json").read_text())["sweeps"][0]["best_run"]["name"] == "b"
    cli("build", csv, "-o", tmp_path / "r.html", "--json", tmp_path / "min.json",
        "--goal", "minimize")
    assert json.loads((tmp_path / "min.json").read_text())["sweeps"][0]["best_run"]["name"] == "a"


def test_deterministic_output_is_byte_identical_across_processes(tmp_path):
    outputs = []
    for i in range(2):  # the same command (it is in the report), in two folders
        (tmp_path / str(i)).mkdir()
        subprocess.run([sys.executable, "-m", "reportgen", "build", "demo:random", "demo:grid",
                        "-o", "r.html", "--deterministic"], check=True, capture_output=True,
                       cwd=tmp_path / str(i))
        outputs.append((tmp_path / str(i) / "r.html").read_bytes())
    assert outputs[0] == outputs[1]
    assert b"1970-01-01 00:00:00 UTC" in outputs[0]


def test_without_deterministic_the_time_is_now(cli, tmp_path):
    out = tmp_path / "r.html"
    cli("build", "demo:grid", "-o", out)
    assert "1970-01-01" not in out.read_text()


def test_output_is_replaced_atomically_and_kept_on_error(cli, tmp_path):
    out = tmp_path / "r.html"
    out.write_text("previous report")
    assert cli("build", "nope.csv", "-o", out).exit_code == 1
    assert out.read_text() == "previous report"
    assert cli("build", "demo:grid", "-o", out).exit_code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_output_folder_must_exist(cli, tmp_path):
    result = cli("build", "demo:grid", "-o", tmp_path / "missing" / "r.html")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: cannot write {tmp_path}/missing/r.html: folder "
                                     f"{tmp_path}/missing does not exist")


def test_python_dash_m_and_axes_option(tmp_path):
    out = tmp_path / "r.html"
    proc = subprocess.run([sys.executable, "-m", "reportgen", "build", "demo:random", "--axes",
                           "dropout,learning_rate,val_acc", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    # stderr says how the sweep was read, and nothing else (no Python warning)
    assert proc.stderr.splitlines() == [
        "Read demo:random (W&B runs-table export) as: metric val_loss (minimize, from the sweep "
        "config); 6 parameter(s) (declared by the sweep config)"]
    html = out.read_text()
    assert "3 axes" in html


def test_suggest_writes_a_valid_yaml_for_one_sweep(cli, tmp_path):
    import yaml

    out = tmp_path / "next.yaml"
    result = cli("suggest", "demo:random", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out} (next sweep for demo-random: learning_rate")
    config = yaml.safe_load(out.read_text())
    assert config["parameters"]["learning_rate"]["distribution"] == "log_uniform_values"
    assert config["metric"] == {"name": "val_loss", "goal": "minimize"}
    many = cli("suggest", "demo", "-o", tmp_path / "x.yaml")
    assert many.exit_code == 1
    assert many.stderr.strip() == ("Error: suggest takes one sweep; the sources hold 3 "
                                   "(demo-grid, demo-random, demo-bayes): name one with "
                                   "--sweep ID")
    assert not (tmp_path / "x.yaml").exists()
    one = cli("suggest", "demo", "--sweep", "demo-bayes", "-o", tmp_path / "x.yaml", "-q")
    assert one.exit_code == 0, one.output
    assert yaml.safe_load((tmp_path / "x.yaml").read_text())["name"] == "demo-bayes-next"
    wrong = cli("suggest", "demo", "--sweep", "nope", "-o", tmp_path / "y.yaml")
    assert wrong.exit_code == 1 and wrong.stderr.strip() == (
        "Error: --sweep nope: no such sweep in the sources (they hold: demo-grid, demo-random, "
        "demo-bayes)")


def test_report_json_holds_the_next_sweep(cli, tmp_path):
    cli("build", "demo:random", "-o", tmp_path / "r.html", "--json", tmp_path / "r.json")
    entry = json.loads((tmp_path / "r.json").read_text())["sweeps"][0]
    assert entry["next_sweep"]["parameters"]["optimizer"]["values"] == ["adam", "rmsprop"]
    changes = {c["param"]: c for c in entry["next_sweep_changes"]}
    assert set(changes["learning_rate"]) == {"param", "old", "new", "reason"}
    assert changes["optimizer"]["new"] == "adam, rmsprop"
    html = (tmp_path / "r.html").read_text()
    assert "Next sweep" in html and "Copy YAML" in html
