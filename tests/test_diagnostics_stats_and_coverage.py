"""Multiple testing, discrepancy calibration, and the coverage diagnostic."""

import numpy as np
import pytest
from builders import make_sweep

from reportgen.diagnostics import stats
from reportgen.diagnostics.coverage import coverage
from reportgen.diagnostics.prep import prepare


def test_holm_and_benjamini_hochberg():
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert np.isnan(stats.holm([np.nan, 0.5])[0])


def test_md_ratio_of_random_points_is_about_one():
    rng = np.random.default_rng(0)
    ratios = [stats.md_ratio(rng.random((100, 4))) for _ in range(60)]
    assert 0.85 < np.mean(ratios) < 1.15
    clustered = 0.5 + 0.05 * rng.random((100, 4))
    assert stats.md_ratio(clustered) > 10


def random_sweep(n=120, seed=0, **overrides):
    rng = np.random.default_rng(seed)
    cols = {"lr": 10 ** rng.uniform(-5, -1, n), "d": rng.uniform(0, 1, n),
            "opt": rng.choice(["a", "b", "c"], n), "loss": rng.random(n)}
    cols.update(overrides)
    params = {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
              "d": {"min": 0.0, "max": 1.0}, "opt": {"values": ["a", "b", "c"]}}
    return make_sweep(cols, params)


def test_random_sampling_passes_and_a_hole_is_found():
    info = coverage(prepare(random_sweep()))
    assert all(p.pvalue_adjusted > 0.05 for p in info.params)
    assert 0.3 < info.discrepancy_ratio < 2.5 and 1 <= info.discrepancy_percentile <= 99
    rng = np.random.default_rng(1)
    holed = np.concatenate([rng.uniform(0, 0.3, 60), rng.uniform(0.7, 1.0, 60)])
    info = coverage(prepare(random_sweep(d=holed)))
    d = next(p for p in info.params if p.name == "d")
    assert d.gap_low == pytest.approx(0.3, abs=0.02) and d.gap_high == pytest.approx(0.7, abs=0.02)
    assert d.gap_ratio > 5
    assert any(f.kind == "coverage_gap" and "d between" in f.message for f in info.findings)


def test_concentrated_sampling_fails_the_prior_test():
    rng = np.random.default_rng(2)
    info = coverage(prepare(random_sweep(d=rng.uniform(0.4, 0.5, 120))))
    d = next(p for p in info.params if p.name == "d")
    assert d.pvalue_adjusted < 1e-6
    assert info.discrepancy_percentile == 100
    assert any(f.message.startswith("d was not sampled as declared") for f in info.findings)


def test_an_uneven_spread_without_a_declared_distribution_claims_no_declaration():
    rng = np.random.default_rng(2)
    n = 120
    opt = rng.choice(["a", "b", "c"], n, p=[0.8, 0.1, 0.1])
    sweep = make_sweep({"opt": opt, "d": rng.uniform(0, 1, n), "loss": rng.random(n)},
                       method=None)
    assert sweep.space.inferred
    messages = [f.message for f in coverage(prepare(sweep)).findings]
    assert any(m.startswith("opt was not spread evenly over the levels tried") for m in messages)
    assert not any("as declared" in m for m in messages)


def test_missing_levels_and_duplicates_in_a_finite_space():
    rng = np.random.default_rng(3)
    n = 40
    sweep = make_sweep({"opt": rng.choice(["a", "b"], n), "k": rng.integers(1, 4, n),
                        "loss": rng.random(n)},
                       {"opt": {"values": ["a", "b", "c"]}, "k": {"min": 1, "max": 3}})
    info = coverage(prepare(sweep))
    opt = next(p for p in info.params if p.name == "opt")
    assert opt.levels_missing == ("c",)
    assert info.duplicates == n - info.unique_configs > 0
    assert info.expected_duplicates == pytest.approx(n - 9 * (1 - (8 / 9) ** n))


def test_grid_completeness_counts_crashed_and_missing_cells():
    cells = [(a, b) for a in (1, 2, 3) for b in ("x", "y")]  # 6 cells
    rows = cells[:5]  # one never run
    sweep = make_sweep({"a": [r[0] for r in rows], "b": [r[1] for r in rows],
                        "loss": [1.0, 2.0, np.nan, 3.0, 4.0]},
                       {"a": {"values": [1, 2, 3]}, "b": {"values": ["x", "y"]}},
                       method="grid",
                       states=["finished", "finished", "crashed", "finished", "finished"])
    grid = coverage(prepare(sweep)).grid
    assert (grid.cells, grid.done, grid.crashed, grid.missing) == (6, 4, 1, 1)
