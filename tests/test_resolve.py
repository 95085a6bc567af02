"""Deciding metric, goal and parameters; checking the data before any report is made."""

import numpy as np
import pandas as pd
import pytest

from reportgen.config import ReportConfig
from reportgen.errors import ConfigError, DataError
from reportgen.model import LoadedSweep
from reportgen.resolve import infer_goal, looks_like_metric, resolve


def loaded(columns: dict, **kw) -> LoadedSweep:
    n = len(next(iter(columns.values())))
    runs = pd.DataFrame({"run_id": [f"r{i}" for i in range(n)], "name": [f"r{i}" for i in range(n)],
                         "state": ["finished"] * n, "created_at": pd.NaT, "finished_at": pd.NaT,
                         "runtime_s": np.nan, **columns})
    return LoadedSweep(name="s", source="runs.csv", runs=runs, **kw)


def test_names_decide_metric_and_goal():
    assert looks_like_metric("val_loss") and looks_like_metric("train/acc")
    assert looks_like_metric("_runtime") and looks_like_metric("accuracy")
    assert not looks_like_metric("learning_rate") and not looks_like_metric("optimizer.name")
    assert infer_goal("val_acc") == "maximize" and infer_goal("val_loss") == "minimize"
    assert infer_goal("f1_score") == "maximize"


def test_export_order_inference_parameters_before_metrics():
    sweep = resolve(loaded({"lr": [0.1, 0.2], "opt": ["a", "b"], "val_loss": [1.0, 2.0],
                            "val_acc": [0.5, 0.4], "epoch": [3, 3]}), ReportConfig())
    assert sweep.param_names == ["lr", "opt"]
    assert sweep.metric.name == "val_loss" and sweep.metric.goal == "minimize"
    assert sweep.metric_columns == ("val_loss", "val_acc", "epoch")
    assert sweep.reading.params_why.startswith("inferred")
    assert sweep.space.inferred


def test_options_win_over_config_and_inference():
    config = {"method": "bayes", "metric": {"name": "val_loss", "goal": "minimize"},
              "parameters": {"lr": {"min": 0.0, "max": 1.0}, "gone": {"values": [1, 2]}}}
    data = {"lr": [0.1, 0.2], "opt": ["a", "b"], "val_loss": [1.0, 2.0], "val_acc": [0.5, 0.4]}
    declared = resolve(loaded(data), ReportConfig(sweep_config=config))
    assert declared.param_names == ["lr"] and declared.method == "bayes"
    assert not declared.space.inferred and declared.space.get("lr").declared
    assert any("gone" in w for w in declared.warnings)
    chosen = resolve(loaded(data), ReportConfig(sweep_config=config, metric="val_acc",
                                                goal="maximize", params=("lr", "opt")))
    assert chosen.metric.name == "val_acc" and chosen.metric.goal == "maximize"
    assert chosen.param_names == ["lr", "opt"]


def test_source_knowledge_of_params_is_used():
    sweep = resolve(loaded({"lr": [0.1, 0.2], "loss": [1.0, 2.0]}, param_names=["lr"],
                           metric_names=["loss"]), ReportConfig())
    assert sweep.param_names == ["lr"] and sweep.metric.name == "loss"


def test_undeclared_categorical_values_are_kept_with_a_warning():
    config = {"parameters": {"opt": {"values": ["adam", "sgd"]}}, "metric": {"name": "loss"}}
    sweep = resolve(loaded({"opt": ["adam", "lion"], "loss": [1.0, 2.0]}),
                    ReportConfig(sweep_config=config))
    assert sweep.space.get("opt").levels == ("adam", "sgd", "lion")
    assert any("'lion'" in w for w in sweep.warnings)


def test_where_restricts_runs_first_and_is_noted():
    sweep = resolve(loaded({"lr": [0.1, 0.2, 0.3], "val_loss": [1.0, 2.0, 3.0]}),
                    ReportConfig(where="val_loss < 2.5"))
    assert sweep.runs["lr"].tolist() == [0.1, 0.2]
    assert sweep.where == "val_loss < 2.5"
    assert any("2 of 3 runs" in n for n in sweep.notes)
    with pytest.raises(DataError, match='--where "val_loss > 9" leaves no run of runs.csv'):
        resolve(loaded({"lr": [0.1], "val_loss": [1.0]}), ReportConfig(where="val_loss > 9"))


@pytest.mark.parametrize("options, columns, message", [
    (ReportConfig(metric="val_acc"), {"lr": [0.1], "val_loss": [1.0]},
     "metric 'val_acc' is not a column of runs.csv; columns seen: lr, val_loss"),
    (ReportConfig(), {"a": [1.0], "b": [2.0]},
     "cannot tell which column of runs.csv is the metric: pass --metric NAME (columns: a, b)"),
    (ReportConfig(metric="loss"), {"loss": ["low", "high"]},
     "metric 'loss' in runs.csv is not numeric (e.g. 'low')"),
    (ReportConfig(metric="loss"), {"loss": [np.nan, np.inf]},
     "no run of runs.csv has a finite value of 'loss' (2 finished)"),
    (ReportConfig(params=("lr", "nope")), {"lr": [0.1], "loss": [1.0]},
     "--params: nope not a column of runs.csv"),
])
def test_errors_name_the_field(options, columns, message):
    with pytest.raises((DataError, ConfigError)) as info:
        resolve(loaded(columns), options)
    assert str(info.value).startswith(message)


def test_validation_loss_is_preferred_as_the_metric():
    sweep = resolve(loaded({"lr": [0.1, 0.2], "train/loss": [1.0, 2.0], "val/acc": [0.5, 0.6],
                            "val/loss": [1.5, 2.5]}), ReportConfig())
    assert sweep.metric.name == "val/loss"
    assert resolve(loaded({"lr": [0.1], "train/loss": [1.0], "val/acc": [0.5]}),
                   ReportConfig()).metric.name == "val/acc"


def test_json_list_levels_match_whatever_their_spacing():
    config = {"parameters": {"aug": {"values": [["flip", "crop"], []]}}, "metric": {"name": "loss"}}
    sweep = resolve(loaded({"aug": ['["flip","crop"]', "[]"], "loss": [1.0, 2.0]}),
                    ReportConfig(sweep_config=config))
    assert sweep.warnings == ()  # both values are declared levels


def test_v1_log_uniform_bounds_that_look_like_values_are_warned_about():
    config = {"metric": {"name": "loss"},
              "parameters": {"lr": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-3}}}
    sweep = resolve(loaded({"lr": [1.0002, 1.0005, 1.0008], "loss": [0.3, 0.2, 0.1]}),
                    ReportConfig(sweep_config=config))
    assert sweep.space.get("lr").low == pytest.approx(1.0001, abs=1e-6)
    assert any("natural-log exponents" in w and "log_uniform_values" in w
               for w in sweep.warnings)


def test_repeated_configurations_are_noted_as_replicates():
    data = {"opt": ["a", "b"] * 6, "seed": [1, 1, 2, 2, 3, 3] * 2,
            "loss": [float(i) for i in range(12)]}
    sweep = resolve(loaded(data), ReportConfig())
    assert sweep.reading.replicates == ("seed",)
    assert any(n.startswith("12 runs hold 2 distinct configurations (apart from replicates)")
               for n in sweep.notes)
    unique = resolve(loaded({"x": [float(i) for i in range(12)],
                             "loss": [1.0] * 11 + [2.0]}), ReportConfig())
    assert not any("distinct configurations" in n for n in unique.notes)
