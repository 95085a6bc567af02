"""Best region, importance and the commentary on constructed sweeps."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.analyse import analyse
from reportgen.diagnostics.importance import importance
from reportgen.diagnostics.prep import prepare
from reportgen.diagnostics.region import region, top_positions

PARAMS = {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
          "d": {"min": 0.0, "max": 1.0}, "none": {"min": 0.0, "max": 1.0},
          "opt": {"values": ["adam", "sgd", "rmsprop"]}}


def truth(n=200, seed=0, lr_best=3e-3, crash=False):
    rng = np.random.default_rng(seed)
    lr = 10 ** rng.uniform(-5, -1, n)
    d = rng.uniform(0, 1, n)
    opt = rng.choice(["adam", "sgd", "rmsprop"], n)
    loss = (np.log10(lr / lr_best) ** 2 + 3 * (d - 0.3) ** 2 + (opt == "sgd") * 0.5
            + rng.normal(0, 0.01, n))
    states = ["finished"] * n
    if crash:
        bad = (opt == "sgd") & (lr > 0.02)
        loss = np.where(bad, np.nan, loss)
        states = ["crashed" if b else "finished" for b in bad]
    return make_sweep({"lr": lr, "d": d, "none": rng.uniform(0, 1, n), "opt": opt,
                       "loss": loss}, PARAMS, states=states)


def test_top_set_includes_ties_at_the_threshold():
    losses = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0] + [5.0] * 20
    prep = prepare(make_sweep({"x": np.linspace(0, 1, 27), "loss": losses},
                              {"x": {"min": 0.0, "max": 1.0}}))
    top, threshold = top_positions(prep)
    assert top.tolist() == [0, 1, 2, 3, 4, 5] and threshold == 2.0


def test_region_contains_the_optimum_and_names_the_good_level():
    info = region(prepare(truth()))
    p = {r.name: r for r in info.params}
    assert p["lr"].low < 3e-3 < p["lr"].high and p["lr"].high / p["lr"].low < 100
    assert p["d"].low < 0.3 < p["d"].high
    assert "sgd" not in p["opt"].levels
    assert p["lr"].kept and p["lr"].stability >= 0.6
    assert any(f.kind == "region_param" and "lr between" in f.message for f in info.findings)


def test_runs_pressing_on_a_bound_say_extend():
    info = region(prepare(truth(lr_best=0.2)))  # the optimum lies above the declared max
    lr = next(r for r in info.params if r.name == "lr")
    assert lr.at_bound == "high"
    assert any(f.kind == "region_bound" and "extend the range upwards" in f.message
               for f in info.findings)


def test_importance_ranks_the_no_effect_parameter_last():
    info = importance(prepare(truth()))
    assert info.method.startswith("conditional effect tests") and info.fit_r2 > 0.8
    ranks = {p.name: p.rank for p in info.params}
    assert ranks["none"] == 4 and ranks["none"] > max(r for k, r in ranks.items() if k != "none")
    assert info.detected() == {"lr", "d", "opt"}
    none = next(p for p in info.params if p.name == "none")
    # its own ε² may pass the shuffles' 95th percentile by chance (it does here: 0.081 against
    # 0.068); the test conditional on the others finds nothing, so no effect is named
    assert none.pvalue > 0.5 and not none.detected


def test_small_sweeps_use_rank_correlation_and_say_low_confidence():
    info = importance(prepare(truth(n=20)))
    assert info.method == "marginal effect tests"
    assert all("low confidence" in f.message for f in info.findings)


def test_poor_fit_is_flagged():
    rng = np.random.default_rng(5)
    sweep = make_sweep({"x": rng.random(60), "y": rng.random(60), "loss": rng.random(60)},
                       {"x": {"min": 0.0, "max": 1.0}, "y": {"min": 0.0, "max": 1.0}})
    info = importance(prepare(sweep))
    assert not info.reliable and info.fit_r2 < 0.3
    assert info.findings[0].kind == "importance_fit"


def test_commentary_says_where_crashes_are_and_what_has_no_effect():
    d = analyse(truth(crash=True))
    crash = next(f for f in d.findings if f.kind == "crashes")
    assert "all with" in crash.message and "opt = sgd" in crash.message
    assert "lr ≥" in crash.message
    assert any(f.kind == "importance_none" and f.message.startswith("none shows no detectable")
               for f in d.findings)
    assert not any(f.kind == "importance_none" and f.evidence["param"] in ("lr", "d")
                   for f in d.findings)


def test_prim_leaves_a_categorical_of_many_levels_unpeeled_and_peels_a_few():
    from reportgen.diagnostics import prim

    rng = np.random.default_rng(0)
    n = 400
    x = rng.uniform(0, 1, (n, 1))
    many = rng.integers(0, 200, n)  # 200 levels, 2 runs each: nothing to learn per level
    few = rng.integers(0, 3, n)
    hit = (few == 2) & (x[:, 0] < 0.5)
    boxes = prim.peel(x, np.column_stack([many, few]), hit, 20)
    last = boxes[-1]
    assert last.levels[0] == frozenset(np.unique(many).tolist())  # never peeled
    assert last.levels[1] == frozenset({2})  # the level that holds the top runs
