"""Runs tables as real trackers write them, each dialect built in code in the shape of files
users commit (W&B exports and API dumps, Optuna, Ray Tune, MLflow): which column is what."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from reportgen.config import ReportConfig
from reportgen.resolve import resolve
from reportgen.sources import load_source


def write_csv(path, header, rows, quote_all=True):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read(path, **options):
    """Every sweep of `path`, resolved as `reportgen build` would."""
    return [resolve(one, ReportConfig(**options)) for one in load_source(str(path))]


def left_out(sweep) -> dict[str, str]:
    return dict(sweep.reading.left_out)


def test_wandb_export_extended_columns_echoed_config_and_identifiers(tmp_path):
    """Config columns sorted, then summary columns sorted (W&B's export): the border is where
    the order falls back; what no sweep sets is left out, each with its reason."""
    rng = np.random.default_rng(0)
    header = ["Name", "Agent", "Stopped", "State", "Notes", "User", "Tags", "Created",
              "Runtime", "Sweep", "GitHub", "Hostname", "GPU Type", "GPU Count", "Updated",
              "End Time", "ID",
              # config, sorted: a text factor named like a loss, a seed, the echoed sweep config
              "batch_size", "checkpoint", "classes", "intermediate_loss_type", "lr", "method",
              "metric.goal", "metric.name", "parameters.lr.max", "parameters.lr.min",
              "save_name", "seed", "wandb_project",
              # summary, sorted
              "epoch", "train_loss", "val_accuracy", "val_loss"]
    rows = []
    for i in range(30):
        name = f"run-{i}"
        lr = float(10 ** rng.uniform(-4, -1))
        loss_type = ["mse", "kl", "cos"][i % 3]
        acc = 0.9 - abs(np.log10(lr) + 2.5) * 0.1 - (0.05 if loss_type == "cos" else 0)
        rows.append([name, "agent-7", "false", "crashed" if i == 29 else "finished", "-", "ana",
                     "", f"2025-01-01T00:{i:02d}:00.000Z", "60", "swp1",
                     "https://github.com/u/r/tree/abc", "node-1", "A100", "1",
                     "2025-01-01T01:00:00.000Z", "2025-01-01T01:00:00.000Z", f"id{i:03d}",
                     str([16, 32][i % 2]), "./ckpt/best.pth", json.dumps([f"c{i}", f"d{i}"]),
                     loss_type, repr(lr), "bayes", "maximize", "val_accuracy", "0.1", "0.0001",
                     name, str(i % 3), "proj", "9", f"{1 - acc:.6f}", f"{acc:.6f}",
                     f"{1.2 - acc:.6f}"])
    (sweep,) = read(write_csv(tmp_path / "wandb_export.csv", header, rows))
    assert sweep.sweep_id == "swp1" and sweep.reading.dialect == "W&B runs-table export"
    assert sweep.param_names == ["batch_size", "intermediate_loss_type", "lr", "seed"]
    # the echoed sweep config names the metric and goal when no sweep config is given
    assert sweep.metric.name == "val_accuracy" and sweep.metric.goal == "maximize"
    assert sweep.reading.goal_why == "from the sweep config echoed in the run config"
    assert sweep.method == "bayes"
    out = left_out(sweep)
    for column in ("Agent", "Stopped", "GitHub", "Hostname", "GPU Type", "GPU Count",
                   "Updated"):
        assert out[column] == "tracker bookkeeping"
    assert out["checkpoint"] == "a file path"
    assert out["save_name"] == "an identifier: equal to the run name"
    assert out["classes"].startswith("lists or dicts, 30 distinct")
    assert out["wandb_project"] == "a tracker setting"
    for column in ("method", "metric.goal", "metric.name", "parameters.lr.max"):
        assert out[column] == "the sweep config, echoed into the run config"
    assert sweep.reading.replicates == ("seed",)
    seed = sweep.space.get("seed")
    assert seed.replicate and seed.scale == "linear"
    assert sweep.space.get("intermediate_loss_type").kind == "categorical"
    assert "epoch" in sweep.metric_columns and "train_loss" in sweep.metric_columns
    line = sweep.reading_line
    assert line.startswith(f"Read {tmp_path}/wandb_export.csv (W&B runs-table export) as: "
                           "metric val_accuracy (maximize, from the sweep config echoed")
    assert "4 parameter(s) (inferred; pass --params to set them)" in line
    assert "left out: Agent, Stopped, GitHub, Hostname and 3 more (tracker bookkeeping); " in line
    assert "; save_name (an identifier: equal to the run name)" in line


def test_wandb_export_with_columns_in_the_users_order(tmp_path):
    """No State column, `End Time` and `ID`, paths and a run-name column among the config: the
    order says nothing, the names and values do."""
    header = ["Name", "Created", "Runtime", "End Time", "ID", "Notes", "Updated", "Tags",
              "logging_dir", "output_dir", "run_name", "augment_probability",
              "path_to_aug_model", "train/aug_test_accuracy", "train/clean_test_accuracy",
              "train/clean_test_runtime"]
    rows = [[f"aug_{p:02d}", "2024-01-01T00:00:00.000Z", "100", "2024-01-01T00:01:40.000Z",
             f"x{p}", "-", "2024-01-01T00:01:40.000Z", "", f"logs/aug_{p}/tb",
             f"/scratch/u/out/aug_{p}", f"aug_{p:02d}", str(p / 10),
             f"final_models/aug/aug_{p}/model.bin", str(0.6 + p / 100), str(0.61 + p / 200),
             str(30 + p)] for p in (2, 4, 6, 8, 10)]
    (sweep,) = read(write_csv(tmp_path / "export.csv", header, rows),
                    metric="train/clean_test_accuracy", goal="maximize")
    assert sweep.param_names == ["augment_probability"]
    out = left_out(sweep)
    assert out["logging_dir"] == out["output_dir"] == out["path_to_aug_model"] == "a file path"
    assert out["run_name"] == "an identifier: equal to the run name"
    assert out["Updated"] == "tracker bookkeeping"
    assert sweep.runs["finished_at"].notna().all()  # End Time read as the finish time


def test_wandb_api_dump_with_index_columns_and_a_media_dict(tmp_path):
    """`pd.DataFrame(...).to_csv()` of `wandb.Api().runs`: pandas index columns, config keys,
    then summary keys with W&B's _step/_runtime/_timestamp and a logged learning rate."""
    rng = np.random.default_rng(1)
    header = ["", "Unnamed: 0", "name", "epochs", "layer_1", "optimizer", "learning_rate",
              "dropout", "lr", "MSE", "loss", "_step", "graph", "_runtime", "val_loss",
              "_timestamp", "best_epoch", "best_val_loss"]
    rows = []
    for i in range(40):
        lr0 = [0.001, 0.0005][i % 2]
        val = float(rng.uniform(0.001, 0.01))
        graph = {"path": f"media/graph/g_{i:04x}.json", "_type": "graph-file",
                 "sha256": f"{i:064x}"}
        rows.append([i, i, f"brisk-sweep-{i}", "1000.0", str(int(rng.integers(64, 1024))),
                     ["adam", "sgd"][i % 3 == 0], lr0, ["", "0.2"][i % 2],
                     f"{lr0 * rng.uniform(0.3, 1):.9f}", f"{val:.9f}", f"{val * 1.1:.9f}",
                     "143.0", str(graph), "13.38719106", f"{val * 2:.9f}", "1588269167.0",
                     "42.0", f"{val:.9f}"])
    path = write_csv(tmp_path / "wandb_data.csv", header, rows, quote_all=False)
    (sweep,) = read(path, metric="best_val_loss")
    assert sweep.reading.dialect == "W&B API dump (wandb.Api().runs to pandas)"
    assert sweep.param_names == ["epochs", "layer_1", "optimizer", "learning_rate", "dropout"]
    out = left_out(sweep)
    assert out["Unnamed: 0"] == out["Unnamed: 0.1"] == "a pandas index column"
    assert out["_step"] == out["_runtime"] == out["_timestamp"] == "tracker bookkeeping"
    assert out["graph"].startswith("lists or dicts, 40 distinct")
    assert "lr" in sweep.metric_columns and "lr" not in sweep.param_names
    assert sweep.metric.goal == "minimize"


def test_wandb_docs_dump_with_config_and_summary_dicts(tmp_path):
    """W&B's docs export `summary`, `config` and `name` columns, one dict per cell."""
    rows = [[repr({"val_loss": 0.5 + i / 10, "_step": 9}), repr({"lr": 0.1 / (i + 1),
             "opt": {"name": ["adam", "sgd"][i % 2]}}), f"run-{i}"] for i in range(6)]
    path = write_csv(tmp_path / "project.csv", ["summary", "config", "name"], rows)
    (sweep,) = read(path)
    assert sweep.param_names == ["lr", "opt.name"] and sweep.metric.name == "val_loss"
    assert sweep.runs["name"].tolist() == [f"run-{i}" for i in range(6)]


def optuna_study_table(path, direction="minimize"):
    """A real study's `trials_dataframe()`, as users save it: complete, pruned, failed,
    running and waiting trials."""
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction=direction,
                                sampler=optuna.samplers.RandomSampler(seed=3))

    def objective(trial):
        x = trial.suggest_float("x", 1e-4, 1.0, log=True)
        opt = trial.suggest_categorical("optimizer", ["adam", "sgd"])
        trial.set_user_attr("epochs_run", 10)
        return (np.log10(x) + 2) ** 2 + (0.5 if opt == "sgd" else 0.0)

    study.optimize(objective, n_trials=12)
    pruned = study.ask()
    pruned.suggest_float("x", 1e-4, 1.0, log=True)
    study.tell(pruned, state=optuna.trial.TrialState.PRUNED)
    failed = study.ask()
    study.tell(failed, state=optuna.trial.TrialState.FAIL)
    study.ask()  # left running
    study.enqueue_trial({"x": 0.01, "optimizer": "adam"})  # waiting
    study.trials_dataframe().to_csv(path, index=False)
    return study


def test_optuna_trials_dataframe_needs_no_option(tmp_path):
    study = optuna_study_table(tmp_path / "trials.csv")
    (sweep,) = read(tmp_path / "trials.csv")
    assert sweep.reading.dialect == "Optuna trials_dataframe()"
    assert sweep.metric.name == "value" and sweep.metric.goal == "minimize"
    assert sweep.reading.goal_why.startswith("Optuna's default direction")
    assert sorted(sweep.param_names) == ["optimizer", "x"]
    assert "epochs_run" not in sweep.param_names
    states = sweep.runs["state"].value_counts().to_dict()
    assert states == {"finished": 12, "stopped": 1, "failed": 1, "running": 1, "pending": 1}
    best = study.best_trial
    assert sweep.runs.loc[sweep.runs["value"].idxmin(), "name"] == f"trial {best.number}"
    assert sweep.runs["runtime_s"].iloc[0] >= 0
    # the dialect's names work as options too
    (named,) = read(tmp_path / "trials.csv", params=("params_x",), goal="maximize")
    assert named.param_names == ["x"] and named.reading.goal_why == "set by --goal"


def test_ray_tune_results_table(tmp_path):
    """`ResultGrid.get_dataframe()`: `config/*` are the parameters; trials the scheduler stopped
    early (fewer iterations) count as stopped, not finished."""
    header = ["", "train_loss", "val_mean_loss", "val_accuracy", "timestamp",
              "checkpoint_dir_name", "done", "training_iteration", "trial_id", "date",
              "time_this_iter_s", "time_total_s", "pid", "hostname", "node_ip",
              "time_since_restore", "iterations_since_restore", "config/dropout",
              "config/intermediate_loss_type", "config/train_loop/lr", "logdir"]
    rows = []
    for i in range(10):
        its = 30 if i % 2 == 0 else 10
        rows.append([i, 0.5, 0.6 + i / 100, 0.7, 1725383483 + i, "", "True", its,
                     f"t{i:07x}", "2024-09-03_13-11-23", 1.0, 3.0 * its, 3000 + i, "HOST",
                     "172.18.58.174", 3.0 * its, its, 0.1 + i / 50, ["mse", "kl"][i % 2],
                     10 ** -(1 + i / 3), f"t{i:07x}"])
    path = write_csv(tmp_path / "ray_results.csv", header, rows, quote_all=False)
    (sweep,) = read(path, metric="val_mean_loss")
    assert sweep.reading.dialect == "Ray Tune results table"
    assert sweep.param_names == ["dropout", "intermediate_loss_type", "train_loop.lr"]
    assert sweep.runs["run_id"].tolist()[:2] == ["t0000000", "t0000001"]
    assert (sweep.runs["state"] == "stopped").sum() == 5
    assert left_out(sweep)["Unnamed: 0"] == "a pandas index column"
    assert left_out(sweep)["training_iteration"] == "tracker bookkeeping"
    assert sweep.runs["runtime_s"].tolist()[:2] == [90.0, 30.0]


def test_mlflow_runs_csv(tmp_path):
    header = ["Run ID", "Name", "Source Type", "Source Name", "User", "Status",
              "Conv layer 1 channel size", "Layer 3 size", "Test Accuracy", "Training time"]
    rows = [[f"{i:032x}", "", "LOCAL", "/usr/lib/python3/ipykernel_launcher.py", "root",
             ["FINISHED", "FAILED", "KILLED", "RUNNING"][i % 4] if i < 4 else "FINISHED",
             [16, 32][i % 2], [100, 200][i // 2 % 2], 0.8 + i / 100, 700 + i * 13.1]
            for i in range(12)]
    path = write_csv(tmp_path / "runs.csv", header, rows, quote_all=False)
    (sweep,) = read(path, metric="Test Accuracy", goal="maximize")
    assert sweep.reading.dialect == "MLflow runs CSV"
    assert sweep.param_names == ["Conv layer 1 channel size", "Layer 3 size"]
    assert sweep.runs["state"].tolist()[:4] == ["finished", "failed", "killed", "running"]
    assert sweep.runs["name"].iloc[0] == f"{0:032x}"  # no name: the run id
    assert "Training time" in sweep.metric_columns
    assert left_out(sweep)["Source Name"] == "tracker bookkeeping"


def test_mlflow_search_runs_frame(tmp_path):
    frame = pd.DataFrame({
        "run_id": [f"r{i}" for i in range(6)], "experiment_id": "1",
        "status": ["FINISHED"] * 5 + ["FAILED"], "artifact_uri": "file:///tmp/a",
        "start_time": pd.date_range("2025-01-01", periods=6, freq="h", tz="UTC"),
        "metrics.val_loss": [0.5, 0.4, 0.3, 0.6, 0.2, np.nan],
        "params.lr": ["0.1", "0.01", "0.001", "0.1", "0.001", "0.01"],
        "tags.mlflow.runName": [f"run {i}" for i in range(6)]})
    frame.to_csv(tmp_path / "runs.csv", index=False)
    (sweep,) = read(tmp_path / "runs.csv")
    assert sweep.param_names == ["lr"] and sweep.metric.name == "val_loss"
    assert sweep.runs["lr"].dtype.kind == "f"  # MLflow's text params read as numbers
    assert sweep.runs["name"].iloc[0] == "run 0" and sweep.runs["state"].iloc[-1] == "failed"


def test_generic_table_rules(tmp_path):
    """A bare table: an index column, text factors named like losses, a metric; text is never
    the metric, a constant never; an integer seed is a replicate."""
    frame = pd.DataFrame({"kd_loss_type": ["ce", "mse"] * 6,
                          "strategy": ["EMD", "skip", "last"] * 4,
                          "loss_weight": [0.1, 0.5, 1.0, 2.0] * 3,
                          "seed": [1, 2, 3] * 4, "n_params": [1000, 2000] * 6,
                          "constant_score": [1.0] * 12,
                          "best_accuracy": np.linspace(0.5, 0.8, 12)})
    frame.index = [0] * 12
    frame.to_csv(tmp_path / "results.csv")
    (sweep,) = read(tmp_path / "results.csv")
    assert sweep.metric.name == "best_accuracy" and sweep.metric.goal == "maximize"
    assert sweep.param_names == ["kd_loss_type", "strategy", "loss_weight", "seed"]
    assert "n_params" in sweep.metric_columns and "n_params" not in sweep.param_names
    assert sweep.space.get("seed").replicate
    assert left_out(sweep)["Unnamed: 0"] == "a pandas index column"
