"""What the parallel-coordinates plot sends to the page: compact columns, decoded there."""

import numpy as np
import pandas as pd
from builders import make_sweep

from reportgen.diagnostics.overview import evaluated_mask, overview, top_set
from reportgen.plots.axes import MISSING_Y
from reportgen.plots.parallel import (
    TOP_CHOICES,
    _compact,
    choose_axes,
    parallel_input,
    parallel_plot,
)


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


def test_positions_travel_as_uint16_and_decode_to_the_axis_positions():
    sweep = _sweep()
    data = parallel_input(sweep, overview(sweep), choose_axes(sweep, None, None))
    for j, axis in enumerate(data.axes):
        raw = data.columns[f"_p{j}"]
        assert raw.dtype == np.uint16
        decoded = np.where(raw == 0, MISSING_Y, (raw.astype(float) - 1) / 65534)
        assert np.allclose(decoded, axis.positions, atol=1 / 65534)
        assert (raw == 0).sum() == axis.missing
    assert data.n == 300 and [a.name for a in data.axes] == ["lr", "opt", "loss"]


def test_colour_ranks_runs_best_bright_with_ties_sharing_and_none_for_no_value():
    sweep = _sweep()
    data = parallel_input(sweep, overview(sweep), ["lr", "loss"])
    colour = data.columns["_c"]
    loss = pd.to_numeric(pd.Series(data.columns["loss"]), errors="coerce").to_numpy()
    assert colour.dtype == np.uint8
    assert colour[0] == 255  # table order: the best run first
    assert colour[np.isnan(loss)].tolist() == [0]
    finite = np.isfinite(loss)
    assert colour[finite].min() == 1 and colour[np.nanargmax(loss)] == 1
    # better runs never get a duller colour; ties share one
    order = np.argsort(loss[finite], kind="stable")
    assert np.all(np.diff(colour[finite][order].astype(int)) <= 0)
    tied = np.flatnonzero(loss == 2.0)
    assert len(tied) == 2 and colour[tied[0]] == colour[tied[1]]
    assert sorted(data.colour_ticks) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_top_levels_give_the_same_runs_as_the_best_region_top_sets():
    sweep = _sweep()
    ov = overview(sweep)
    data = parallel_input(sweep, ov, ["lr", "loss"])
    order = np.concatenate([ov.order, np.setdiff1d(np.arange(len(sweep.runs)), ov.order)])
    signed = sweep.runs["loss"].to_numpy(dtype=float)
    signed = np.where(evaluated_mask(sweep), signed, np.nan)
    top = data.columns["_t"]
    for fraction in TOP_CHOICES:
        level = data.top_levels[str(fraction)]
        in_page = set(order[(top >= 1) & (top <= level)].tolist())
        assert in_page == set(top_set(signed, fraction).tolist())
    assert 5 not in set(order[top > 0].tolist())  # the crashed run is never in a top set


def test_table_columns_are_compact_but_exact_enough_for_what_the_table_shows():
    small = pd.Series([0.1234567, 2.5, np.nan])
    assert _compact(small, "number")[0].dtype == np.float32
    large = pd.Series([12345.678, 1.0])
    assert _compact(large, "number")[0].dtype == np.float64  # float32 would change digits
    whole = pd.Series([123456789.0, 2.0])
    assert _compact(whole, "number")[0].dtype == np.float64  # above 2**24
    assert _compact(pd.Series([3.0, 16_000_000.0]), "number")[0].dtype == np.float32
    tiny = pd.Series([1.234567e-7, 3e-5])
    assert _compact(tiny, "sci")[0].dtype == np.float32
    codes, levels = _compact(pd.Series(["finished", "crashed", None, "finished"] * 10), "text")
    assert codes.dtype == np.uint8 and levels == ["finished", "crashed"]
    assert codes[:4].tolist() == [1, 2, 0, 1]  # 0 = missing
    names, none = _compact(pd.Series(["a", "<b>", None]), "text", unique_text=True)
    assert names == ["a", "<b>", None] and none is None
    stamps = pd.Series(pd.to_datetime(["2026-01-01T00:00:00Z", None], utc=True))
    ms, _ = _compact(stamps, "time")
    assert ms[0] == 1767225600000.0 and np.isnan(ms[1])


def test_the_plot_ships_no_line_per_run_the_page_builds_them():
    sweep = _sweep()
    data = parallel_input(sweep, overview(sweep), ["lr", "opt", "loss"])
    layout, ready = parallel_plot(data, key="k")
    sources = {m.name: m for m in layout.references() if m.name in (
        "runs", "crisp-lines", "shadow-lines")}
    assert sources["crisp-lines"].data["xs"] == [] and sources["shadow-lines"].data["xs"] == []
    assert len(sources["runs"].data["name"]) == 300
    assert ready.args["compact"].data["_p0"].dtype == np.uint16
    assert ready.args["coded"] == {"state": ["finished", "crashed"],
                                   "opt": data.coded["opt"]}


def test_replicates_come_last_among_the_axes_and_constants_stay_out_of_the_table():
    rng = np.random.default_rng(3)
    n = 60
    sweep = make_sweep({"seed": rng.integers(0, 10_000, n), "lr": rng.uniform(0, 1, n),
                        "width": np.full(n, 256), "loss": rng.random(n)})
    assert sweep.space.get("seed").replicate
    assert choose_axes(sweep, None, ["seed", "lr", "width"]) == ["lr", "seed", "loss"]
    fields = [f for f, _, _ in parallel_input(sweep, overview(sweep),
                                              ["lr", "seed", "loss"]).table_columns]
    assert "width" not in fields and "seed" in fields and "lr" in fields
