"""Comparison of several sweeps."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.analyse import analyse
from reportgen.diagnostics.compare import TARGETS, comparison


def sweep(losses, name, method="random", lr_max=0.1):
    s = make_sweep({"lr": np.linspace(1e-4, 1e-2, len(losses)), "loss": losses},
                   {"lr": {"min": 1e-4, "max": lr_max}}, method=method)
    return s.__class__(**{**s.__dict__, "name": name})


def test_the_faster_sweep_has_the_larger_area_and_configs_are_diffed():
    rng = np.random.default_rng(0)
    slow = sweep(np.linspace(2, 1, 30) + rng.random(30) * 0.01, "slow")
    fast = sweep(np.concatenate([[1.0], np.full(39, 1.5)]), "fast", method="bayes",
                 lr_max=0.01)
    info = comparison([slow, fast], [analyse(slow), analyse(fast)])
    assert info.names == ("slow", "fast") and info.budget == 30
    assert info.auc[1] > info.auc[0] and len(info.ecdf[0]) == 30
    assert all(0 <= a <= 1 for a in info.auc)
    assert info.best_at_budget == (float(slow.runs["loss"].min()), 1.0)
    diff = dict(info.config_diff)
    assert diff["method"] == ("random", "bayes")
    assert diff["parameters.lr.max"] == (0.1, 0.01)
    assert info.findings[0].message.startswith(
        f"Over the first 30 runs of each, fast reached more of the {TARGETS} targets sooner")


def test_sweeps_of_another_metric_are_left_out_and_one_sweep_is_no_comparison():
    a, b = sweep(np.linspace(2, 1, 12), "a"), sweep(np.linspace(2, 1, 12), "b")
    other = make_sweep({"x": np.linspace(0, 1, 12), "acc": np.linspace(0, 1, 12)},
                       {"x": {"min": 0.0, "max": 1.0}}, metric="acc", goal="maximize")
    info = comparison([a, b, other], [analyse(a), analyse(b), analyse(other)])
    assert info.names == ("a", "b") and info.left_out == ("s",)
    assert info.left_out_why == ("another metric",)
    assert comparison([a], [analyse(a)]) is None


def test_a_sweep_of_a_few_runs_is_not_compared():
    a, b = sweep(np.linspace(2, 1, 12), "a"), sweep(np.linspace(2, 1, 12), "b")
    lone = sweep(np.array([0.5, 0.7]), "(no sweep)")
    info = comparison([a, b, lone], [analyse(a), analyse(b), analyse(lone)])
    assert info.names == ("a", "b") and info.budget == 12
    assert info.left_out == ("(no sweep)",)
    assert info.left_out_why == ("fewer than 5 runs with a value",)
    assert comparison([a, lone], [analyse(a), analyse(lone)]) is None


def test_report_of_several_sweeps_has_a_comparison(cli, tmp_path):
    result = cli("build", "demo:random", "demo:bayes", "-o", tmp_path / "r.html", "--json",
                 tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    import json

    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["comparison"]["sweeps"] == ["demo-random", "demo-bayes"]
    assert doc["comparison"]["budget"] == 60
    html = (tmp_path / "r.html").read_text()
    assert 'id="comparison"' in html
    # the comparison's plot offers colouring by sweep and opens with it (the colour choice)
    at = html.index('"name":"colour-select","tags":["comparison"]')
    select = html[at:html.index('"type":"object"', at)]
    assert '["sweep","sweep"]' in select and '"value":"sweep"}' in select
