"""Each section's view, compared whole (`==`) on small inputs built by hand: what the page
says is decided here, in text, before any template or figure."""

from types import SimpleNamespace

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.analyse import analyse
from reportgen.diagnostics.region import LevelEnrichment, ParamRegion, RegionInfo
from reportgen.diagnostics.strategy import StrategyInfo
from reportgen.sections.common import Table, anchor_for, p_text, range_text
from reportgen.sections.header import page_title, sweep_header
from reportgen.sections.next_sweep import NextSweepView, next_sweep
from reportgen.sections.region import RegionView, region
from reportgen.sections.runs import best_table
from reportgen.sections.snapshot import view_text
from reportgen.sections.strategy import StrategyView, strategy
from reportgen.sections.sweep import sweep_view
from reportgen.suggest import Change, Suggestion


def _small():
    """Six runs of lr and opt: five finished, one crashed without a value."""
    return make_sweep({"lr": np.array([0.1, 0.01, 0.001, 0.1, 0.01, 0.001]),
                       "opt": ["adam", "sgd", "adam", "sgd", "adam", "sgd"],
                       "loss": np.array([0.4, 0.2, np.nan, 0.3, 0.1, 0.5])},
                      states=["finished", "finished", "crashed", "finished", "finished",
                              "finished"])


def test_text_helpers():
    assert [p_text(v) for v in (None, 0.0004, 0.0123, 1.0)] == ["–", "< 0.001", "0.012", "1"]
    assert range_text(None, 1) == "–" and range_text(1e-5, 0.25) == "1e-5 … 0.25"
    used: set[str] = set()
    assert [anchor_for(n, used) for n in ("My Sweep!", "my sweep", "")] == \
        ["sweep-my-sweep", "sweep-my-sweep-2", "sweep-sweep"]


def test_header_and_best_runs_of_a_small_sweep():
    sweep = _small()
    d = analyse(sweep)
    assert page_title([sweep]) == "Sweep report — s"
    header = sweep_header(sweep, d)
    assert header.facts == (("source", "test"), ("method", "random"),
                            ("metric", "loss (minimize)"), ("runs", "6"),
                            ("runs created", "2026-01-01 00:00 UTC – 2026-01-01 00:50 UTC"),
                            ("compute", "30 min 00 s in all"))
    assert header.counts == (("finished", 5), ("crashed", 1))
    assert best_table(sweep, d.facts) == Table(
        ("#", "run", "state", "loss", "lr", "opt"),
        (("1", "run-4", "finished", "0.1", "0.01", "adam"),
         ("2", "run-1", "finished", "0.2", "0.01", "sgd"),
         ("3", "run-3", "finished", "0.3", "0.1", "sgd"),
         ("4", "run-0", "finished", "0.4", "0.1", "adam"),
         ("5", "run-5", "finished", "0.5", "0.001", "sgd")),
        (True, False, False, True, True, False))


def test_strategy_view():
    info = StrategyInfo("grid", "random", "high", ("24 of 24 cells",), False)
    assert strategy(SimpleNamespace(strategy=info)) == StrategyView(
        (("inferred", "grid (confidence high)"), ("declared", "random"),
         ("verdict", "disagrees with the declared method")), ("24 of 24 cells",))


def test_region_view_of_a_numeric_and_a_categorical_parameter():
    lr = ParamRegion("lr", False, "log", low=1e-4, high=1e-3, all_low=1e-5, all_high=0.1,
                     width_ratio=0.25, pvalue=0.0004, at_bound="low", box_low=1e-4,
                     box_high=2e-3, stability=0.8, kept=True)
    opt = ParamRegion("opt", True, "linear", levels=("adam",), enrichment=(
        LevelEnrichment("adam", 5, 10, 2.0, 0.01, 1.0, q_enriched=0.02, q_depleted=1.0),
        LevelEnrichment("sgd", 0, 10, 0.0, 1.0, 0.01, q_enriched=1.0, q_depleted=0.03)))
    info = RegionInfo(5, 0.1, 0.2, np.arange(5), (lr, opt), True, 0.8, 0.5)
    d = SimpleNamespace(region=info, facts=SimpleNamespace(
        top_rule=lambda: "max(10%, 5)", confidence="normal"))
    assert region(d) == RegionView(Table(
        ("parameter", "best 5 runs (5–95%)", "all runs (5–95%)", "compared",
         "p (top vs rest)", "PRIM box", "box stability", "kept"),
        (("lr", "1e-4 … 0.001 (log)", "1e-5 … 0.1",
          "4.0× narrower presses on the low bound: extend", "< 0.001", "1e-4 … 0.002", "80%",
          "yes"),
         ("opt", "adam", "–", "adam 2.0× (over-represented); sgd 0.0× (rare among the best)",
          "–", "–", "–", "no"))),
        "Top set: the best 5 finished runs (max(10%, 5)); ranges are their 5–95% quantiles on "
        "each parameter's own scale. The PRIM box is the smallest box holding 80% of them; "
        "“kept” means it narrows that parameter in at least 60% of bootstrap resamples with "
        "quasi-p ≤ 0.05.")


def test_next_sweep_view():
    assert next_sweep(None) == NextSweepView((), None, "")
    proposal = Suggestion({"method": "random", "parameters": {"lr": {"min": 0.1, "max": 0.5}}},
                          (Change("lr", "0 … 1", "0.1 … 0.5", "the best runs sit there"),),
                          True, ("one note",))
    view = next_sweep(proposal)
    assert view.notes == ("one note",)
    assert view.table == Table(("parameter", "was", "proposed", "why"),
                               (("lr", "0 … 1", "0.1 … 0.5", "the best runs sit there"),))
    assert "max: 0.5" in view.yaml and "# lr: 0 … 1 -> 0.1 … 0.5" in view.yaml


def test_a_sweep_view_lists_its_sections_and_reads_as_text():
    sweep = _small()
    view = sweep_view(sweep, analyse(sweep), "sweep-s", None)
    assert view.figures() == ("parallel", "convergence", "coverage")  # no importance table
    assert view.parallel.constants == ()
    assert view.importance.table is None and view.region.table is None
    text = view_text((view,))
    assert text.startswith("=== sweep-s\nanchor: sweep-s\nheader:\n  name: s\n")
    assert "  | 1 | run-4 | finished | 0.1 | 0.01 | adam |" in text
    assert "data:" not in text and "divs" not in text  # figure data is not text


def test_the_headline_says_the_result_the_strategy_and_where_to_search_next():
    sweep = _small()
    d = analyse(sweep)
    proposal = Suggestion({}, (Change("lr", "0.001 … 0.1 (log)", "0.01 … 0.1 (log)", "why"),
                               Change("opt", "adam, sgd", "adam, sgd", "kept")), True)
    assert sweep_header(sweep, d, proposal).headline == (
        ("best", "loss 0.1 (minimize), run run-4"),
        ("search", "Too few runs to tell the search strategy"),
        ("next", "lr 0.01 … 0.1 (log)"))
    unchanged = Suggestion({}, (), False)
    assert sweep_header(sweep, d, unchanged).headline[2] == (
        "next", "keep the search space: no parameter has the evidence to narrow it")


def test_the_summary_is_grouped_result_search_next_caveats_warnings_first():
    from reportgen.diagnostics.findings import Finding
    from reportgen.sections.summary import summary

    findings = (Finding("runs", "info", "10 runs."), Finding("crashes", "warning", "Crashes."),
                Finding("region_param", "info", "lr is narrow."),
                Finding("stagnation", "notice", "No new best."),
                Finding("strategy", "info", "Random."),
                Finding("best_run", "info", "The best run."),
                Finding("region_bound", "warning", "lr presses on its bound."))
    assert summary(SimpleNamespace(findings=findings)) == (
        ("Result", (("info", "10 runs."), ("info", "The best run."))),
        ("How the search went", (("notice", "No new best."), ("info", "Random."))),
        ("Where to search next", (("warning", "lr presses on its bound."),
                                  ("info", "lr is narrow."))),
        ("Caveats", (("warning", "Crashes."),)))
