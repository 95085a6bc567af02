"""The Bokeh side of the parallel coordinates: no line per run shipped; the page builds them."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.facts import facts
from reportgen.plots.parallel import parallel_plot
from reportgen.sections.parallel import parallel_input


def _sweep(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return make_sweep({"lr": 10 ** rng.uniform(-5, -1, n),
                       "opt": rng.choice(["adam", "sgd", "lion"], n),
                       "loss": rng.random(n)},
                      {"lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1},
                       "opt": {"values": ["sgd", "adam", "lion"]}},
                      states=["finished"] * (n - 1) + ["crashed"])


def test_the_plot_ships_no_line_per_run_the_page_builds_them():
    sweep = _sweep()
    data = parallel_input(sweep, facts(sweep), ["lr", "opt", "loss"])
    layout, ready = parallel_plot(data, key="k")
    sources = {m.name: m for m in layout.references() if m.name in (
        "runs", "crisp-lines", "shadow-lines")}
    assert sources["crisp-lines"].data["xs"] == [] and sources["shadow-lines"].data["xs"] == []
    assert len(sources["runs"].data["name"]) == 300
    assert ready.args["compact"].data["_l1"].dtype == np.uint8  # opt: level codes
    assert ready.args["axis_info"][0]["field"] == "lr"  # numbers: the table's own column
    assert ready.args["coded"] == {"state": ["finished", "crashed"],
                                   "opt": data.coded["opt"]}
