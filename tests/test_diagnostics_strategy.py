"""The strategy fingerprint on designed experiments: a complete grid, also with repeated cells."""

import itertools

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.analyse import analyse


def grid_runs(repeats: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    cells = list(itertools.product([16, 32, 64], [3, 5], [100, 200, 300], [0.1, 0.5], [1, 2]))
    rows = cells + [cells[i] for i in rng.choice(len(cells), repeats, replace=False)]
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    columns = {name: np.array([r[j] for r in rows]) for j, name in
               enumerate(["channels", "kernel", "width", "dropout", "layers"])}
    columns["acc"] = rng.uniform(0.8, 0.9, len(rows))
    return columns


def test_a_complete_grid_with_a_few_cells_run_again_is_a_grid():
    sweep = make_sweep(grid_runs(repeats=8), metric="acc", goal="maximize", method=None)
    info = analyse(sweep).strategy
    assert info.inferred == "grid"
    assert any("complete grid with 8 repeated cell(s)" in e for e in info.evidence)


def test_random_draws_from_the_same_levels_are_no_grid():
    rng = np.random.default_rng(4)
    n = 80
    levels = [[16, 32, 64], [3, 5], [100, 200, 300], [0.1, 0.5], [1, 2]]
    columns = {name: rng.choice(values, n) for name, values in
               zip(["channels", "kernel", "width", "dropout", "layers"], levels)}
    columns["acc"] = rng.uniform(0.8, 0.9, n)
    info = analyse(make_sweep(columns, metric="acc", goal="maximize", method=None)).strategy
    assert info.inferred != "grid"
