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
    assert any("72 distinct configurations of 72 level combinations (100%" in e
               for e in info.evidence)
    assert any("more evenly than random draws" in e for e in info.evidence)


def test_random_draws_from_the_same_levels_are_no_grid():
    rng = np.random.default_rng(4)
    n = 80
    levels = [[16, 32, 64], [3, 5], [100, 200, 300], [0.1, 0.5], [1, 2]]
    columns = {name: rng.choice(values, n) for name, values in
               zip(["channels", "kernel", "width", "dropout", "layers"], levels)}
    columns["acc"] = rng.uniform(0.8, 0.9, n)
    info = analyse(make_sweep(columns, metric="acc", goal="maximize", method=None)).strategy
    assert info.inferred != "grid"


def test_a_grid_over_seeds_with_a_conditional_parameter_is_a_grid():
    """3 optimizers × 2 learning rates, momentum only for sgd (2 values), each cell over 3
    seeds: a complete grid within each branch, every configuration run equally often."""
    rows = []
    for opt in ["sgd", "adam", "adamw"]:
        for lr in [1e-3, 1e-2]:
            for mom in ([0.0, 0.9] if opt == "sgd" else [np.nan]):
                for seed in range(3):
                    rows.append((opt, lr, mom, seed))
    rng = np.random.default_rng(2)
    columns = {"optimizer": np.array([r[0] for r in rows]),
               "lr": np.array([r[1] for r in rows]), "momentum": np.array([r[2] for r in rows]),
               "seed": np.array([r[3] for r in rows]), "acc": rng.uniform(0.8, 0.9, len(rows))}
    d = analyse(make_sweep(columns, metric="acc", goal="maximize", method=None))
    assert d.strategy.inferred == "grid", d.strategy.evidence
    assert d.convergence.concentrating is None and d.convergence.z is None


def test_one_factor_ablations_over_seeds_are_a_designed_experiment():
    """A baseline and each of 3 factors varied alone over 4 values, × 4 seeds (the shape of a
    real nanoGPT ablation study): not adaptive, not random; and each factor is tested against
    the baseline's runs, so the two that matter are found and the one that does not is not."""
    rng = np.random.default_rng(3)
    base = {"width": 256, "depth": 6, "wd": 0.1}
    levels = {"width": [128, 256, 512, 1024], "depth": [4, 6, 8, 12], "wd": [0.0, 0.01, 0.1, 1.0]}
    configs = [base] + [{**base, k: v} for k, vs in levels.items() for v in vs if v != base[k]]
    rows = [(c, s) for c in configs for s in range(4)]
    loss = np.array([abs(np.log2(c["width"] / 512)) + 0.3 * abs(c["depth"] - 8)
                     + rng.normal(0, 0.02) for c, _ in rows])
    columns = {k: np.array([c[k] for c, _ in rows]) for k in base}
    columns["seed"] = np.array([s for _, s in rows])
    columns["loss"] = loss
    d = analyse(make_sweep(columns, metric="loss", goal="minimize", method=None))
    assert d.strategy.inferred == "one-factor", d.strategy.evidence
    assert "one factor at a time" in next(f.message for f in d.findings if f.kind == "strategy")
    assert d.convergence.concentrating is None
    assert d.importance.detected() == {"width", "depth"}


def test_random_configurations_over_five_folds_are_random_search():
    """k-fold repeats of random configurations: the folds are one proposal, not a cluster."""
    rng = np.random.default_rng(5)
    configs = [(10 ** rng.uniform(-4, -1), rng.uniform(0, 0.5)) for _ in range(30)]
    rows = [(lr, p, fold) for lr, p in configs for fold in range(5)]
    columns = {"lr": np.array([r[0] for r in rows]), "dropout": np.array([r[1] for r in rows]),
               "fold": np.array([r[2] for r in rows])}
    columns["loss"] = np.log10(columns["lr"] / 1e-3) ** 2 + rng.normal(0, 0.05, len(rows))
    d = analyse(make_sweep(columns, metric="loss", goal="minimize", method=None))
    assert d.strategy.inferred == "random", d.strategy.evidence
    assert "dropout" not in d.importance.detected()
    assert not any(f.kind == "duplicates" for f in d.findings)
