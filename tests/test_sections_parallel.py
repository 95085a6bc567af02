"""What the parallel-coordinates section sends to the page: compact columns, decoded there;
the axes, their order, the caption and the constants."""

import numpy as np
import pandas as pd
from builders import make_sweep

from reportgen.diagnostics.facts import TOP_CHOICES, facts, top_set
from reportgen.sections.axes import MISSING_Y
from reportgen.sections.parallel import _compact, choose_axes, parallel, parallel_input


def _sweep(n=300, seed=0):
    rng = np.random.default_rng(seed)
    lr = 10 ** rng.uniform(-5, -1, n)
    lr[3] = np.nan  # a run without lr: the missing band
    loss = np.abs(np.log10(np.nan_to_num(lr, nan=1e-3) / 1e-3)) + rng.normal(0, 0.01, n)
    loss[:4] = [np.nan, 2.0, 2.0, 0.5]  # no value; a tie; ...
    states = ["finished"] * n
    states[5] = "crashed"
    return make_sweep({"lr": lr, "opt": rng.choice(["adam", "sgd", "lion"], n), "loss": loss},
                      {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1},
                       "opt": {"values": ["sgd", "adam", "lion"]}}, states=states)


def test_each_axis_ships_what_places_its_runs_not_the_positions():
    """A categorical axis: 1-based level codes in its own order (0 = missing) that decode to
    its positions; a numeric axis: the column of its values and its scales; then every
    other column the reader can add."""
    sweep = _sweep()
    known = facts(sweep)
    data = parallel_input(sweep, known, choose_axes(sweep, known, None, None))
    assert data.n == 300 and data.shown == 3
    assert [a.name for a in data.axes[:3]] == ["lr", "opt", "loss"]
    assert not any(f.startswith("_p") for f in data.columns)
    for axis, info in zip(data.axes, data.axis_info):
        assert info["name"] == axis.name and info["kind"] == axis.kind
        values = np.asarray(data.columns[info["field"]])
        if axis.kind == "categorical":
            assert values.dtype == np.uint8 and info["labels"] == list(axis.tick_labels)
            spots = np.asarray(axis.tick_positions)
            decoded = np.where(values == 0, MISSING_Y, spots[np.maximum(values, 1) - 1])
            assert np.array_equal(decoded, axis.positions)
        else:
            lo, hi = info["scales"][axis.kind]["span"]
            numbers = values.astype(float)
            log = axis.kind == "log"
            ok = np.isfinite(numbers) & ((numbers > 0) if log else True)
            placed = (np.log10(numbers[ok]) if log else numbers[ok]) - lo
            assert np.allclose(placed / (hi - lo), axis.positions[ok], atol=1e-6)
            assert (~ok).sum() == axis.missing
    # lr is declared log: linear is offered too, over the same declared bounds
    lr = data.axis_info[0]["scales"]
    assert set(lr) == {"log", "linear"} and lr["linear"]["span"] == [1e-5, 0.1]
    # a log scale for the loss only if every loss is positive
    positive = bool(np.nanmin(sweep.runs["loss"].to_numpy(dtype=float)) > 0)
    assert ("log" in data.axis_info[2]["scales"]) == positive


def test_columns_not_drawn_are_offered_as_axes_metrics_parameters_then_constants():
    rng = np.random.default_rng(1)
    n = 40
    sweep = make_sweep({"lr": rng.uniform(0, 1, n), "width": np.full(n, 256),
                        "depth": rng.integers(1, 5, n), "loss": rng.random(n),
                        "acc": rng.uniform(-1, 1, n)})
    known = facts(sweep)
    data = parallel_input(sweep, known, ["lr", "loss"])
    names = [a.name for a in data.axes]
    assert names[:2] == ["lr", "loss"] and data.shown == 2
    assert set(names[2:]) == {"acc", "depth", "width"}
    assert names.index("width") == len(names) - 1  # the constant last
    acc = next(i for i in data.axis_info if i["name"] == "acc")
    assert set(acc["scales"]) == {"linear"}  # negative values: no log scale


def test_the_colour_bar_opens_with_the_metric_at_five_ranks_best_on_top():
    sweep = _sweep()
    data = parallel_input(sweep, facts(sweep), ["lr", "loss"])
    ticks = data.colour_ticks
    assert sorted(ticks) == [0.0, 0.25, 0.5, 0.75, 1.0]
    loss = sweep.runs["loss"].to_numpy(dtype=float)
    assert float(ticks[1.0]) == float(f"{np.nanmin(loss):.3g}")  # minimised: the least on top
    assert float(ticks[0.0]) == float(f"{np.nanmax(loss):.3g}")


def test_top_levels_give_the_same_runs_as_the_best_region_top_sets():
    sweep = _sweep()
    known = facts(sweep)
    data = parallel_input(sweep, known, ["lr", "loss"])
    order = np.concatenate([known.order, np.setdiff1d(np.arange(len(sweep.runs)),
                                                      known.order)])
    assert order.tolist() == known.table_order.tolist()
    signed = sweep.runs["loss"].to_numpy(dtype=float)
    evaluated = (sweep.runs["state"] == "finished").to_numpy() & np.isfinite(signed)
    signed = np.where(evaluated, signed, np.nan)
    top = data.columns["_t"]
    for fraction in TOP_CHOICES:
        level = data.top_levels[str(fraction)]
        in_page = set(order[(top >= 1) & (top <= level)].tolist())
        assert in_page == set(top_set(signed, fraction).tolist())
    assert 5 not in set(order[top > 0].tolist())  # the crashed run is never in a top set


def test_table_columns_are_compact_but_every_value_exact():
    """float32 only where it holds each value exactly: the CSV export writes the values."""
    halves = pd.Series([0.5, 2.25, np.nan, -3.0])
    assert _compact(halves, "number")[0].dtype == np.float32
    decimal = pd.Series([0.1234567, 2.5])
    assert _compact(decimal, "number")[0].dtype == np.float64  # 0.1234567 is not a float32
    whole = pd.Series([123456789.0, 2.0])
    assert _compact(whole, "number")[0].dtype == np.float64  # above 2**24
    assert _compact(pd.Series([3.0, 16_000_000.0]), "number")[0].dtype == np.float32
    tiny = pd.Series([1.234567e-7, 3e-5])
    assert _compact(tiny, "sci")[0].dtype == np.float64
    for values in (halves, decimal, whole, tiny):
        out = _compact(values, "number")[0].astype(np.float64)
        assert np.array_equal(out, values.to_numpy(dtype=float), equal_nan=True)
    codes, levels = _compact(pd.Series(["finished", "crashed", None, "finished"] * 10), "text")
    assert codes.dtype == np.uint8 and levels == ["finished", "crashed"]
    assert codes[:4].tolist() == [1, 2, 0, 1]  # 0 = missing
    names, none = _compact(pd.Series(["a", "<b>", None]), "text", unique_text=True)
    assert names == ["a", "<b>", None] and none is None
    stamps = pd.Series(pd.to_datetime(["2026-01-01T00:00:00Z", None], utc=True))
    ms, _ = _compact(stamps, "time")
    assert ms[0] == 1767225600000.0 and np.isnan(ms[1])


def test_replicates_come_last_among_the_axes_and_constants_stay_out_of_the_table():
    rng = np.random.default_rng(3)
    n = 60
    sweep = make_sweep({"seed": rng.integers(0, 10_000, n), "lr": rng.uniform(0, 1, n),
                        "width": np.full(n, 256), "loss": rng.random(n)})
    assert sweep.space.get("seed").replicate
    assert choose_axes(sweep, facts(sweep), None, ["seed", "lr", "width"]) == ["lr", "seed", "loss"]
    fields = [f for f, _, _ in parallel_input(sweep, facts(sweep),
                                              ["lr", "seed", "loss"]).table_columns]
    assert "width" not in fields and "seed" in fields and "lr" in fields


def test_the_caption_names_the_report_top_set_and_the_constants_are_listed():
    sweep = make_sweep({"lr": np.linspace(0.1, 1, 40), "width": np.full(40, 256),
                        "loss": np.linspace(1, 2, 40)})
    known = facts(sweep, top_fraction=0.25)
    view = parallel(sweep, known, ["lr", "loss"])
    assert view.constants == (("width", "256"),)
    assert "“top 25%” highlight is the best-region top set (10 runs)" in view.caption
    assert view.caption.startswith("40 runs on 2 axes; colour: loss, best runs drawn on top.")
