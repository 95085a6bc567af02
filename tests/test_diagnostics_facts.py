"""The facts every stage reads, worked out once: evaluated runs, ranking, top sets, constants."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.facts import TOP_CHOICES, confidence_for, facts, top_count, top_set


def test_ranking_top_sets_and_table_order_on_a_small_sweep():
    loss = [0.5, np.nan, 0.1, 0.3, 0.2, 0.4, 0.6, 0.7, 0.05, 0.8, 0.9, 1.0]
    states = ["finished"] * 12
    states[8] = "crashed"  # the lowest loss, but not finished: ranked, never in a top set
    sweep = make_sweep({"lr": np.linspace(0.1, 1, 12), "width": np.full(12, 64),
                        "loss": np.array(loss)}, states=states)
    known = facts(sweep, top_fraction=0.25)
    assert known.order.tolist() == [8, 2, 4, 3, 5, 0, 6, 7, 9, 10, 11]
    assert known.table_order.tolist() == [8, 2, 4, 3, 5, 0, 6, 7, 9, 10, 11, 1]
    assert known.evaluated.tolist() == [True, False, True, True, True, True, True, True,
                                        False, True, True, True]
    assert sorted(known.tops) == sorted({*TOP_CHOICES, 0.25})
    assert known.top.tolist() == [0, 2, 3, 4, 5]  # max(25% of 10, 5) finished runs
    assert known.tops[0.05].tolist() == known.top.tolist()
    assert [p.name for p in known.varying] == ["lr"]
    assert {k: int(v) for k, v in known.constants.items()} == {"width": 64}
    assert known.n_evaluated == 10 and known.confidence == "low"
    assert known.top_rule() == "max(25%, 5)"


def test_top_set_is_max_of_fraction_and_five_with_ties_included():
    assert [top_count(n, 0.1) for n in (3, 20, 200)] == [3, 5, 20]
    signed = np.array([3.0, 1.0, 2.0, 2.0, np.nan, 0.5, 1.5, 2.0, 4.0])
    # the 5th best is 2.0, and three runs share it: six runs
    assert sorted(top_set(signed, 0.1).tolist()) == [1, 2, 3, 5, 6, 7]
    assert [confidence_for(n) for n in (9, 10, 29, 30)] == ["describe", "low", "low", "normal"]
