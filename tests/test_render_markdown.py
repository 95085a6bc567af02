"""--summary-md: content, escaping, and GitHub's comment limit."""

import numpy as np
from builders import make_sweep

from reportgen.diagnostics.analyse import analyse
from reportgen.render.markdown import LIMIT, summary_markdown


def test_summary_has_counts_strategy_findings_region_and_top_runs(cli, tmp_path):
    md = tmp_path / "s.md"
    result = cli("build", "demo:random", "-o", tmp_path / "r.html", "--summary-md", md)
    assert result.exit_code == 0, result.output
    text = md.read_text()
    assert "### demo-random" in text
    assert "**120 runs** (114 finished, 6 crashed)" in text
    assert "looks like **random** search" in text
    assert "**Best region** (top 12 runs):" in text
    assert "| # | run | val\\_loss |" in text
    assert text.count("\n| ") == 1 + 5  # header and five rows (the separator starts with |-)


def test_user_text_cannot_break_the_table_or_inject_html():
    n = 12
    names = ["a|b", "<img src=x onerror=alert(1)>", "`code`"] + [f"r{i}" for i in range(n - 3)]
    sweep = make_sweep({"x": np.linspace(0, 1, n), "loss": np.linspace(1, 2, n)},
                       {"x": {"min": 0.0, "max": 1.0}})
    sweep.runs["name"] = names
    text = summary_markdown([sweep], [analyse(sweep)], "now")
    assert "a\\|b" in text and "<img" not in text and "&lt;img" in text


def test_many_sweeps_stay_under_the_comment_limit():
    sweep = make_sweep({"x": np.linspace(0, 1, 30), "loss": np.linspace(1, 2, 30)},
                       {"x": {"min": 0.0, "max": 1.0}})
    d = analyse(sweep)
    text = summary_markdown([sweep] * 400, [d] * 400, "now")
    assert len(text) <= LIMIT
    assert "more sweep(s) left out" in text
