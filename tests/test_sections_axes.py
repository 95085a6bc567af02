"""Axis geometry of the parallel coordinates."""

import math

import numpy as np
import pandas as pd

from reportgen.model import ParamSpec
from reportgen.sections.axes import MISSING_Y, make_axis


def test_log_axis_positions_and_decade_ticks():
    spec = ParamSpec("lr", "float", "log", 1e-5, 1e-1, distribution="log_uniform_values")
    axis = make_axis("lr", pd.Series([1e-5, 1e-3, 1e-1, np.nan, -1.0]), spec)
    assert axis.kind == "log"
    assert np.allclose(axis.positions[:3], [0.0, 0.5, 1.0])
    assert axis.positions[3] == MISSING_Y and axis.positions[4] == MISSING_Y
    assert axis.missing == 2
    assert axis.tick_labels == ("1e-5", "1e-4", "0.001", "0.01", "0.1")


def test_categorical_axis_uses_declared_order_and_appends_unknown_levels():
    spec = ParamSpec("opt", "categorical", levels=("sgd", "adam", "lion"))
    axis = make_axis("opt", pd.Series(["adam", "sgd", None, "rmsprop"], dtype=object), spec)
    assert axis.tick_labels == ("sgd", "adam", "lion", "rmsprop")
    assert axis.positions.tolist() == [1 / 3, 0.0, MISSING_Y, 1.0]


def test_numeric_levels_match_across_types():
    spec = ParamSpec("bs", "categorical", levels=(16, 32, 64))
    axis = make_axis("bs", pd.Series([32.0, 64.0, 16.0]), spec)
    assert axis.positions.tolist() == [0.5, 1.0, 0.0]


def test_linear_axis_spans_declared_bounds_and_data():
    spec = ParamSpec("d", "float", "linear", 0.0, 0.5)
    axis = make_axis("d", pd.Series([0.1, 0.6]), spec)
    assert np.allclose(axis.positions, [0.1 / 0.6, 1.0])
    assert axis.tick_labels[0] == "0" and all(math.isfinite(p) for p in axis.tick_positions)
    metric = make_axis("loss", pd.Series([2.0, 2.0]), None, is_metric=True)
    assert metric.positions.tolist() == [0.5, 0.5]


def test_axes_follow_importance_unless_config_order_is_asked():
    from reportgen.config import ReportConfig
    from reportgen.diagnostics.facts import facts
    from reportgen.resolve import resolve
    from reportgen.sections.parallel import choose_axes
    from reportgen.sources import load_source

    sweep = resolve(load_source("demo:random")[0], ReportConfig())
    order = ["optimizer", "learning_rate", "dropout"]
    assert choose_axes(sweep, facts(sweep), None, order)[:3] == order
    assert choose_axes(sweep, facts(sweep), None, None)[:2] == ["learning_rate", "batch_size"]
    assert choose_axes(sweep, facts(sweep), None, order)[-1] == "val_loss"


def test_an_axis_of_one_huge_value_has_a_span_and_ticks():
    axis = make_axis("val_loss", pd.Series([1.1324964451749528e16] * 3), None, True)
    assert axis.kind == "linear" and axis.tick_positions
    assert all(0 <= p <= 1 for p in axis.positions)
