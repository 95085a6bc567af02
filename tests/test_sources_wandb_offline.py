"""W&B run folders written by wandb itself in offline mode, read with our own .wandb reader."""

import os
import shutil
import time

import numpy as np
import pytest
from conftest import write_offline_runs

from reportgen.sources import load_source, wandb_offline
from reportgen.sources.wandb_file import read_records


def test_runs_group_by_sweep_id_with_config_summary_and_state(offline_sweeps):
    sweeps = load_source(str(offline_sweeps))
    assert [(s.sweep_id, len(s.runs)) for s in sweeps] == [("swpaaa1", 12), ("swpbbb2", 8)]
    first = sweeps[0]
    assert first.param_names == ["lr", "optim.name", "dropout", "seed"]
    assert "val_loss" in first.metric_names
    runs = first.runs
    assert sorted(runs["name"]) == [f"run-1-{i:02d}" for i in range(12)]
    assert (runs["state"] == "finished").sum() == 11
    assert (runs["state"] == "failed").sum() == 1
    assert set(runs["optim.name"]) <= {"adam", "sgd"}
    assert runs["created_at"].notna().all()
    # the summary holds the last logged value; the history its minimum
    assert (first.history_best["val_loss.min"] <= first.history_best["val_loss.max"]).all()
    last = runs.set_index("run_id")["val_loss"]
    assert np.allclose(first.history_best["val_loss.min"].loc[last.index], last)


def test_a_single_run_folder_and_a_single_file(offline_sweeps):
    run_dir = sorted(offline_sweeps.glob("offline-run-*"))[0]
    (one,) = load_source(str(run_dir))
    assert len(one.runs) == 1
    (file_only,) = load_source(str(next(run_dir.glob("run-*.wandb"))))
    assert file_only.runs["run_id"].tolist() == one.runs["run_id"].tolist()


def test_truncated_file_yields_records_before_the_damage(offline_sweeps, tmp_path):
    run_dir = sorted(offline_sweeps.glob("offline-run-*"))[0]
    copy = tmp_path / "wandb" / run_dir.name
    shutil.copytree(run_dir, copy)
    file = next(copy.glob("run-*.wandb"))
    whole = read_records(file)
    data = file.read_bytes()
    file.write_bytes(data[: len(data) * 2 // 3])
    old = time.time() - 3600
    os.utime(file, (old, old))
    part = read_records(file)
    assert part.damage is not None
    assert 0 < len(part.records) < len(whole.records)
    (sweep,) = load_source(str(tmp_path))
    assert sweep.runs["state"].tolist() == ["crashed"]  # no exit record, file unchanged for an hour
    assert any("damaged" in w for w in sweep.warnings)
    assert any("counted as crashed" in n for n in sweep.notes)


def test_corrupt_checksum_stops_reading(offline_sweeps, tmp_path):
    file = next(sorted(offline_sweeps.glob("offline-run-*"))[0].glob("run-*.wandb"))
    data = bytearray(file.read_bytes())
    data[200] ^= 0xFF
    broken = tmp_path / "run-broken.wandb"
    broken.write_bytes(bytes(data))
    result = read_records(broken)
    assert result.damage is not None and ("checksum" in result.damage or "corrupt" in result.damage)


def test_records_spanning_blocks_and_runs_without_sweep(tmp_path):
    big = {"config": {"lr": 0.1, "notes": "x" * 100_000}, "name": "big",
           "history": [{"val_loss": 1.0 / (s + 1), **{f"k{j}": j for j in range(50)}}
                       for s in range(40)]}
    small = {"config": {"lr": 0.2, "notes": "y"}, "name": "small",
             "history": [{"val_loss": 0.7}]}
    folder = write_offline_runs(tmp_path, [big, small], sweep_id=None)
    (sweep,) = load_source(str(folder))
    assert sweep.sweep_id is None
    assert sorted(sweep.runs["name"]) == ["big", "small"]
    runs = sweep.runs.set_index("name")
    # the record spanning blocks is read whole; the report cuts the text to 10,000 characters
    assert runs.loc["big", "notes"] == "x" * 10_000 + "…"
    assert any("1 value(s) longer than 10,000 characters (cut)" in w for w in sweep.warnings)
    assert runs.loc["big", "val_loss"] == pytest.approx(1 / 40)
    # the big run's records cross 32 KiB block boundaries (FIRST/MIDDLE/LAST chunks)
    assert max(f.stat().st_size for f in folder.glob("*/run-*.wandb")) > 3 * 32768


def test_folders_without_runs_are_declined(tmp_path):
    assert wandb_offline.load(str(tmp_path)) is None
    assert wandb_offline.load("demo:random") is None


def test_the_sweep_agents_own_config_files_name_the_parameters(offline_sweeps, tmp_path):
    """`wandb agent` writes `wandb/sweep-ID/config-RUN.yaml` with the keys the sweep set; a
    script's other config keys (here `seed`, `dropout`) are then not parameters."""
    root = tmp_path / "wandb"
    shutil.copytree(offline_sweeps, root)
    agent = root / "sweep-swpaaa1"
    agent.mkdir()
    (agent / "config-abc.yaml").write_text(
        "wandb_version: 1\n\nlr:\n  value: 0.001\noptim:\n  value:\n    name: adam\n")
    sweeps = load_source(str(root))
    assert sweeps[0].param_names == ["lr", "optim.name"]
    assert any("the keys the sweep agent set" in n for n in sweeps[0].notes)
    assert sweeps[1].param_names == ["lr", "optim.name", "dropout", "seed"]  # no agent files


def test_a_run_folder_copied_twice_is_read_once_with_a_warning(offline_sweeps, tmp_path):
    root = tmp_path / "wandb"
    shutil.copytree(offline_sweeps, root)
    first = sorted(root.glob("*run-*"))[0]
    shutil.copytree(first, root / f"offline-{first.name.removeprefix('offline-')}-copy")
    sweeps = load_source(str(root))
    assert sum(len(s.runs) for s in sweeps) == 20
    run_id = first.name.rsplit("-", 1)[-1]
    assert any(w.startswith(f"run {run_id} is in two folders") for s in sweeps
               for w in s.warnings)
