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


def test_positions_travel_as_uint16_and_decode_to_the_axis_positions():
    sweep = _sweep()
    data = parallel_input(sweep, facts(sweep), choose_axes(sweep, facts(sweep), None, None))
    for j, axis in enumerate(data.axes):
        raw = data.columns[f"_p{j}"]
        assert raw.dtype == np.uint16
        decoded = np.where(raw == 0, MISSING_Y, (raw.astype(float) - 1) / 65534)
        assert np.allclose(decoded, axis.positions, atol=1 / 65534)
        assert (raw == 0).sum() == axis.missing
    assert data.n == 300 and [a.name for a in data.axes] == ["lr", "opt", "loss"]


def test_colour_ranks_runs_best_bright_with_ties_sharing_and_none_for_no_value():
    sweep = _sweep()
    data = parallel_input(sweep, facts(sweep), ["lr", "loss"])
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
