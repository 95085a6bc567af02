"""Best so far, records, stagnation, concentration."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.convergence import convergence, incumbents
from reportgen.diagnostics.prep import prepare
from reportgen.render.document import _convergence


def sweep_with(losses, x=None, states=None):
    n = len(losses)
    x = np.linspace(0, 1, n) if x is None else x
    return prepare(make_sweep({"x": x, "loss": losses}, {"x": {"min": 0.0, "max": 1.0}},
                              states=states))


def test_best_so_far_records_and_runs_since_improvement():
    losses = [5.0, 4.0, 4.5, 3.0, 3.5, 3.2] + [4.0] * 10
    info = convergence(sweep_with(losses))
    assert info.best_so_far[:6].tolist() == [5.0, 4.0, 4.0, 3.0, 3.0, 3.0]
    assert info.improvements == 3
    assert info.expected_improvements == sum(1 / k for k in range(1, 17))
    assert info.runs_since_improvement == 12
    steps = _convergence(info)["best_so_far"]
    assert steps == [{"run": 1, "value": 5.0}, {"run": 2, "value": 4.0},
                     {"run": 4, "value": 3.0}]


def test_maximize_curves_are_in_metric_units():
    prep = prepare(make_sweep({"x": [0.1, 0.2, 0.3], "acc": [0.5, 0.7, 0.6]},
                              {"x": {"min": 0.0, "max": 1.0}}, metric="acc", goal="maximize"))
    assert convergence(prep).best_so_far.tolist() == [0.5, 0.7, 0.7]


def test_crashed_runs_count_as_budget_without_a_value():
    info = convergence(sweep_with([3.0, np.nan, 2.0, 1.0] + [2.0] * 8,
                                  states=["finished", "crashed"] + ["finished"] * 10))
    assert info.crashed_positions.tolist() == [1]
    assert info.best_so_far[:4].tolist() == [3.0, 3.0, 2.0, 1.0]  # the crash keeps the best


def test_stagnation_needs_a_long_wait_and_no_late_gain():
    rng = np.random.default_rng(0)
    losses = np.concatenate([[0.1], 1 + rng.random(59)])  # the best came first
    info = convergence(sweep_with(losses))
    assert info.stagnated is True and info.runs_since_improvement == 59
    assert any(f.kind == "stagnation" for f in info.findings)
    improving = convergence(sweep_with(np.linspace(2, 1, 40)))
    assert improving.stagnated is False


def test_incumbent_known_at_creation_respects_finish_times():
    s = np.array([1.0, 0.5, 2.0, 2.0])
    created = np.array([0.0, 1.0, 2.0, 3.0])
    finished = np.array([0.5, 2.5, 2.6, 3.5])  # run 1's result arrives after run 2 started
    inc = incumbents(s, created, finished)
    assert inc[0] == -1  # nothing finished before the first run was created
    assert inc[2] == 0  # only run 0 was known when run 2 was created
    assert inc[3] == 1  # by run 3, run 1 (0.5) is the incumbent


def test_concentration_is_detected_for_shrinking_proposals():
    rng = np.random.default_rng(1)
    n = 80
    spread = np.linspace(0.5, 0.02, n)
    x = np.clip(0.3 + spread * rng.uniform(-1, 1, n), 0, 1)
    losses = (x - 0.3) ** 2 + rng.normal(0, 0.001, n)
    info = convergence(sweep_with(losses, x=x))
    assert info.concentrating is True and info.concentration_rank < 0.5
    shuffled = convergence(sweep_with(rng.permutation(losses), x=rng.uniform(0, 1, n)))
    assert shuffled.concentrating is False
