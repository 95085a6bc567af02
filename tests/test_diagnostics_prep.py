"""Shared preprocessing: PIT coordinates, populations, orders."""

import numpy as np
from builders import make_sweep
from scipy import stats

from reportgen.diagnostics.facts import confidence_for
from reportgen.diagnostics.prep import prepare


def test_log_uniform_maps_bounds_and_geometric_midpoint():
    sweep = make_sweep({"lr": [1e-5, 1e-3, 1e-1, 1e-4], "loss": [1.0, 2.0, 3.0, 4.0]},
                       {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1}})
    u = prepare(sweep).u[:, 0]
    assert np.allclose(u, [0.0, 0.5, 1.0, 0.25])


def test_v1_log_uniform_uses_natural_log_bounds():
    sweep = make_sweep({"lr": [np.exp(-9), np.exp(-6), np.exp(-3)], "loss": [1.0, 2.0, 3.0]},
                       {"lr": {"distribution": "log_uniform", "min": -9, "max": -3}})
    assert np.allclose(prepare(sweep).u[:, 0], [0.0, 0.5, 1.0])


def test_integer_pit_is_randomised_so_uniform_tests_hold():
    rng = np.random.default_rng(1)
    values = rng.integers(1, 5, 400)  # uniform on 1..4
    sweep = make_sweep({"k": values, "loss": rng.random(400)}, {"k": {"min": 1, "max": 4}})
    u = prepare(sweep).u[:, 0]
    assert stats.kstest(u, "uniform").pvalue > 0.05
    midpoints = (values - 1 + 0.5) / 4  # what a naive transform would give
    assert stats.kstest(midpoints, "uniform").pvalue < 1e-6


def test_categorical_codes_follow_declared_order_and_missing_is_inactive():
    sweep = make_sweep({"opt": ["sgd", "adam", None, "adam"], "loss": [1.0, 2.0, 3.0, 4.0]},
                       {"opt": {"values": ["adam", "sgd"]}})
    prep = prepare(sweep)
    assert prep.codes[:, 0].tolist() == [1, 0, -1, 0]
    assert np.isnan(prep.u[2, 0]) and (prep.u[[0, 1, 3], 0] >= 0).all()
    assert 0.5 <= prep.u[0, 0] <= 1.0 and prep.u[1, 0] <= 0.5  # sgd's cell, adam's cell


def test_populations_signs_and_orders():
    sweep = make_sweep({"x": [0.1, 0.2, 0.3, 0.4], "acc": [0.5, np.nan, 0.9, 0.7]},
                       {"x": {"min": 0.0, "max": 1.0}}, metric="acc", goal="maximize",
                       states=["finished", "finished", "crashed", "finished"])
    prep = prepare(sweep)
    assert prep.evaluated.tolist() == [True, False, False, True]
    assert np.allclose(prep.s[[0, 3]], [-0.5, -0.7])
    assert prep.n_evaluated == 2 and prep.confidence == "describe"
    assert [confidence_for(n) for n in (9, 10, 29, 30)] == ["describe", "low", "low", "normal"]


def test_constant_parameters_are_not_analysed():
    sweep = make_sweep({"x": [0.1, 0.2, 0.3], "c": [5, 5, 5], "loss": [1.0, 2.0, 3.0]},
                       {"x": {"min": 0.0, "max": 1.0}, "c": {"value": 5}})
    assert prepare(sweep).names == ["x"]
