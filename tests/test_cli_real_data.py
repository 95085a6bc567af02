"""Bugs real users' files showed, each as a small fixture of the same shape, run through the CLI
as a user would."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import numpy as np
import yaml

HEADER = ["Name", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep",
          "activation", "batch_size", "lr", "epoch", "val_acc", "val_loss"]


def export(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run_row(i, sweep, acc=None, loss=None):
    acc = 60 + (i * 7) % 13 if acc is None else acc
    loss = round(2 - acc / 50, 4) if loss is None else loss
    return [f"{sweep or 'lone'}-run-{i}", "finished", "-", "", "",
            f"2025-10-26T10:{i:02d}:00.000Z", "600", sweep, ["GELU", "SiLU", "ELU"][i % 3],
            [64, 128][i % 2], [0.005, 0.001, 0.0005][i % 3], "99", acc, loss]


def test_an_empty_sweep_cell_next_to_sweep_ids_forms_its_own_group(cli, tmp_path):
    rows = [run_row(i, "4dq6gg05") for i in range(14)] + \
        [run_row(i, "u8pwkupg") for i in range(14, 20)] + [run_row(20, "")]
    path = export(tmp_path / "runs.csv", rows)
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    result = cli("build", path, "-o", out, "--json", js, "--metric", "val_acc", "--goal",
                 "maximize")
    assert result.exit_code == 0, result.output
    doc = json.loads(js.read_text())
    assert [(s["name"], s["counts"]["total"]) for s in doc["sweeps"]] == [
        ("4dq6gg05", 14), ("u8pwkupg", 6), ("(no sweep)", 1)]
    suggest = cli("suggest", path, "--sweep", "u8pwkupg", "-o", tmp_path / "n.yaml", "-q")
    assert suggest.exit_code == 0, suggest.output
    assert yaml.safe_load((tmp_path / "n.yaml").read_text())["metric"]["name"] == "val_loss"


def test_the_config_goal_belongs_to_the_config_metric_only(cli, tmp_path):
    path = export(tmp_path / "runs.csv", [run_row(i, "abc") for i in range(12)])
    config = tmp_path / "sweep.yaml"
    config.write_text("method: random\nmetric: {name: val_acc, goal: maximize}\n"
                      "parameters:\n  lr: {values: [0.005, 0.001, 5e-4]}\n")
    js = tmp_path / "r.json"
    result = cli("build", path, "--sweep-config", config, "--metric", "val_loss", "-o",
                 tmp_path / "r.html", "--json", js)
    assert result.exit_code == 0, result.output
    sweep = json.loads(js.read_text())["sweeps"][0]
    assert sweep["metric"] == {"name": "val_loss", "goal": "minimize"}
    assert sweep["reading"]["goal"] == "inferred from the name; pass --goal to set it"
    # YAML 1.1 reads 5e-4 as text; W&B (and reportgen) as the number 0.0005
    assert next(p for p in sweep["params"] if p["name"] == "lr")["levels"] == [
        0.005, 0.001, 0.0005]
    assert "Read " in result.stderr and "metric val_loss (minimize, inferred" in result.stderr


def test_a_sweep_that_cannot_be_built_does_not_sink_the_others(cli, tmp_path):
    good = [run_row(i, "good1") for i in range(12)]
    other = [run_row(i, "other2", acc=70, loss="") for i in range(12, 20)]  # no val_loss
    path = export(tmp_path / "runs.csv", good + other)
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    result = cli("build", path, "--metric", "val_loss", "-o", out, "--json", js)
    assert result.exit_code == 0, result.output
    doc = json.loads(js.read_text())
    assert [s["name"] for s in doc["sweeps"]] == ["good1"]
    (skipped,) = doc["skipped_sweeps"]
    assert skipped["name"] == "other2" and "no run of" in skipped["reason"]
    assert f"Warning: left out sweep other2: no run of {path} has a finite value of " \
           "'val_loss'" in result.stderr
    assert "Sweeps left out of this report" in out.read_text()
    none = cli("build", path, "--metric", "val_loss", "--sweep", "other2", "-o",
               tmp_path / "x.html")
    assert none.exit_code == 1 and not (tmp_path / "x.html").exists()
    both = cli("build", path, "--metric", "nope", "-o", tmp_path / "y.html")
    assert both.exit_code == 1
    assert both.stderr.startswith("Error: none of the 2 sweeps could be built (sweep good1: "
                                  "metric 'nope' is not a column of")


def test_stderr_holds_only_our_own_lines(tmp_path):
    """Library warnings (pandas, numpy, scipy) never reach the user, even when Python is told
    to show every warning; each of our warnings is printed once."""
    rng = np.random.default_rng(5)
    columns = {f"cfg_{k:03d}": ["x"] * 40 for k in range(150)}  # a wide, fragmented frame
    columns.update({"lr": rng.uniform(0, 1, 40), "const": [3] * 40,
                    "val_loss": np.r_[rng.uniform(0, 1, 39), np.nan]})
    import pandas as pd

    pd.DataFrame(columns).to_csv(tmp_path / "runs.csv", index=False)
    env = {**os.environ, "PYTHONWARNINGS": "always"}
    proc = subprocess.run([sys.executable, "-m", "reportgen", "build", str(tmp_path / "runs.csv"),
                           "-o", str(tmp_path / "r.html")], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith(("Read ", "Warning: ")) for line in lines), lines
    assert len(lines) == len(set(lines))


def test_library_warnings_are_silenced_around_every_command(capsys, monkeypatch):
    import warnings

    from reportgen.cli import _guarded

    monkeypatch.delenv("REPORTGEN_DEBUG", raising=False)
    warnings.simplefilter("always")

    def noisy():
        np.log(np.array([-1.0]))  # numpy: RuntimeWarning
        warnings.warn("from a library", RuntimeWarning, stacklevel=1)

    _guarded(noisy)
    assert capsys.readouterr().err == ""
    with warnings.catch_warnings(record=True) as seen:  # outside a command they still show
        warnings.simplefilter("always")
        noisy()
    assert len(seen) == 2
