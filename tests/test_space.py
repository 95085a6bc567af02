"""Search spaces from W&B sweep configs, and inference from data."""

import math

import pandas as pd
import pytest

from reportgen.errors import ConfigError
from reportgen.space import infer_param, load_sweep_config, space_from_config


def spec(body):
    return space_from_config({"parameters": {"p": body}}).params[0]


@pytest.mark.parametrize("body, kind, scale, low, high", [
    ({"distribution": "int_uniform", "min": 1, "max": 9}, "int", "linear", 1, 9),
    ({"min": 1, "max": 9}, "int", "linear", 1, 9),
    ({"min": 0.0, "max": 0.5}, "float", "linear", 0.0, 0.5),
    ({"distribution": "uniform", "min": -1, "max": 1}, "float", "linear", -1, 1),
    ({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}, "int", "linear", 0, 10),
    ({"distribution": "q_uniform", "min": 0, "max": 1, "q": 0.1}, "float", "linear", 0, 1),
    ({"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1}, "float", "log", 1e-5, 0.1),
    ({"distribution": "log_uniform", "min": -9.21, "max": -2.3}, "float", "log",
     math.exp(-9.21), math.exp(-2.3)),
    ({"distribution": "q_log_uniform", "min": 0, "max": 5, "q": 1}, "int", "log", 1, math.exp(5)),
    ({"distribution": "q_log_uniform_values", "min": 16, "max": 512, "q": 16}, "int", "log",
     16, 512),
    ({"distribution": "inv_log_uniform", "min": 2, "max": 5}, "float", "log",
     math.exp(-5), math.exp(-2)),
    ({"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1}, "float", "log", 0.01, 1),
    ({"distribution": "beta", "a": 2, "b": 3}, "float", "linear", 0.0, 1.0),
    ({"distribution": "q_beta", "a": 2, "b": 3, "q": 0.05}, "float", "linear", 0.0, 1.0),
    ({"distribution": "normal", "mu": 0, "sigma": 2}, "float", "linear", None, None),
    ({"distribution": "q_normal", "mu": 0, "sigma": 2, "q": 1}, "float", "linear", None, None),
    ({"distribution": "log_normal", "mu": 0, "sigma": 1}, "float", "log", None, None),
    ({"distribution": "q_log_normal", "mu": 0, "sigma": 1, "q": 1}, "float", "log", None, None),
])
def test_numeric_distributions_convert_bounds_to_value_units(body, kind, scale, low, high):
    p = spec(body)
    assert (p.kind, p.scale) == (kind, scale)
    assert p.declared and p.distribution == body.get("distribution", p.distribution)
    if low is None:
        assert p.low is None and p.high is None
    else:
        assert p.low == pytest.approx(low) and p.high == pytest.approx(high)


def test_categorical_constant_and_weighted_forms():
    assert spec({"values": ["adam", "sgd"]}).levels == ("adam", "sgd")
    assert spec({"values": ["adam", "sgd"]}).distribution == "categorical"
    weighted = spec({"values": [1, 2], "probabilities": [0.3, 0.7]})
    assert weighted.distribution == "categorical_w_probabilities" and weighted.levels == (1, 2)
    assert spec({"values": [True, False]}).kind == "bool"
    constant = spec({"value": 0.1})
    assert (constant.kind, constant.levels) == ("constant", (0.1,))


def test_nested_parameters_flatten_with_dots_in_config_order():
    space = space_from_config({"parameters": {
        "lr": {"min": 0.1, "max": 1.0},
        "optimizer": {"parameters": {"name": {"values": ["a", "b"]},
                                     "betas": {"parameters": {"b1": {"value": 0.9}}}}},
        "epochs": {"value": 3},
    }})
    assert space.names == ["lr", "optimizer.name", "optimizer.betas.b1", "epochs"]
    assert not space.inferred


@pytest.mark.parametrize("body, message", [
    ({"distribution": "log_uniformm", "min": 1, "max": 2},
     "parameters.p.distribution 'log_uniformm' is not a W&B distribution"),
    ({"min": 2, "max": 1}, "parameters.p: min (2) must be below max (1)"),
    ({"distribution": "uniform", "min": "a", "max": 1}, "parameters.p.min must be a finite number"),
    ({"values": []}, "parameters.p.values must be a non-empty list"),
    ({"values": [1, 2], "probabilities": [1.0]},
     "parameters.p.probabilities must list one number per value"),
    ({"distribution": "log_uniform_values", "min": 0, "max": 1},
     "parameters.p.min must be positive for log_uniform_values"),
    ({"q": 3}, "parameters.p needs 'value', 'values', or 'min' and 'max'"),
])
def test_invalid_parameters_name_the_key(body, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        space_from_config({"parameters": {"p": body}})


def test_load_sweep_config_errors_name_the_file(tmp_path):
    bad = tmp_path / "sweep.yaml"
    bad.write_text("parameters: [unclosed\n")
    with pytest.raises(ConfigError, match=r"sweep.yaml is not valid YAML at line"):
        load_sweep_config(bad)
    bad.write_text("method: grid\n")
    with pytest.raises(ConfigError, match="has no 'parameters' mapping"):
        load_sweep_config(bad)
    good = tmp_path / "good.yaml"
    good.write_text("method: random\nparameters:\n  lr: {min: 0.1, max: 0.2}\n")
    assert load_sweep_config(good)["method"] == "random"


def test_inference_from_data():
    log = infer_param("lr", pd.Series([1e-5, 3e-4, 2e-3, 1e-2, 5e-2, 0.09, 7e-5]))
    assert (log.kind, log.scale, log.declared) == ("float", "log", False)
    assert (log.low, log.high) == (1e-5, 0.09)
    grid = infer_param("bs", pd.Series([16, 32, 64, 16, 32, 64, 16, 32]))
    assert grid.kind == "categorical" and grid.levels == (16, 32, 64)
    linear = infer_param("d", pd.Series([0.1, 0.2, 0.3, 0.15, 0.25, 0.35, 0.05]))
    assert (linear.kind, linear.scale) == ("float", "linear")
    text = infer_param("opt", pd.Series(["sgd", "adam", None, "adam"]))
    assert text.kind == "categorical" and text.levels == ("adam", "sgd")
    assert infer_param("c", pd.Series([3, 3, 3])).kind == "constant"
    assert infer_param("b", pd.Series([True, False, True], dtype=object)).kind == "bool"
    ints = infer_param("n", pd.Series([1, 5, 9, 13, 2, 7, 11, 4]))
    assert (ints.kind, ints.scale) == ("int", "linear")


def test_yaml_numbers_read_as_wandb_reads_them_and_a_wrapped_config(tmp_path):
    from reportgen.space import load_sweep_config

    path = tmp_path / "sweep.yaml"
    path.write_text("sweep:\n  method: random\n  metric: {name: val/dice, goal: maximize}\n"
                    "  parameters:\n    weight_decay: {min: 1e-6, max: 8E-5}\n"
                    "    lr: {distribution: log_uniform_values, min: 1e-8, max: 1e-2}\n"
                    "    wd: {values: [1e-2, 0.01, 1e-3]}\n    tag: {value: 1e3x}\n")
    config = load_sweep_config(path)
    assert config["method"] == "random"  # read from under `sweep:`
    space = space_from_config(config)
    assert (space.get("weight_decay").low, space.get("weight_decay").high) == (1e-6, 8e-5)
    assert space.get("lr").scale == "log" and space.get("lr").low == 1e-8
    assert space.get("wd").levels == (0.01, 0.001)  # 1e-2 and 0.01 are one level
    assert space.get("tag").levels == ("1e3x",)  # text stays text
