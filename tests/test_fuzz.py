"""Property-based fuzzing of bad input (Hypothesis): runs tables (CSV, JSON) and sweep configs
with hostile values and types. The promise, for every example: exit 0 with a report, or exit
1 with one `Error:` line and no file written; stderr holds only our own lines; never a
traceback, an internal error or a hang; nothing the user wrote reaches the page unescaped.

REPORTGEN_FUZZ_EXAMPLES sets how many examples each property tries (CI: the defaults below;
`python benchmarks/fuzz.py` runs many more)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SCALE = float(os.environ.get("REPORTGEN_FUZZ_EXAMPLES", "1"))


def fuzz(examples: int) -> settings:
    """Fixed examples (derandomised) and no shrinking: a failure shows the example as found,
    and the suite's time stays bounded."""
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None,
                    derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE_TEXT = st.sampled_from([
    "", " ", "-", "NaN", "nan", "inf", "-Infinity", "1e308", "-1e309", "9" * 400, "9" * 5000,
    "1e-320", "0x1F", "true", "FALSE", "None", "null", "[1, 2]", '{"a": 1}', "[" * 50,
    "<script>alert(1)</script>", "</script><b>x", "&amp;", "'\"", "a\x00b", "é漢字🙂",
    "\u202e", "x" * 20_000, "2026-03-02", "./path/to/x.pth", "https://example.org/a",
    "=cmd|' /C calc'!A0", "\t", "a,b", "line\nbreak"])
NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                    st.sampled_from([0, 1, -1, 1e-300, 1e300, 5e-324]))
CELL = st.one_of(NUMBERS.map(repr), HOSTILE_TEXT, st.text(max_size=12))
NAMES = st.one_of(
    st.sampled_from(["Name", "State", "Created", "Runtime", "Sweep", "ID", "lr", "opt", "seed",
                     "val_loss", "val_acc", "value", "number", "params_x", "config/y",
                     "metric.name", "parameters.lr.min", "method", "", "Unnamed: 0", "_step",
                     "loss_weight", "a/b", "<img src=x onerror=alert(1)>", "val_loss"]),
    st.text(min_size=0, max_size=8))


@st.composite
def tables(draw):
    """A header (names may repeat or be empty) and 0–14 rows of hostile cells."""
    columns = draw(st.lists(NAMES, min_size=1, max_size=7))
    if draw(st.booleans()):
        columns = ["Name", "State", *columns, "val_loss"]
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)),
                         min_size=0, max_size=14))
    good = draw(st.integers(min_value=0, max_value=12))  # some plain rows among them
    rows += [[f"r{i}" if c in ("Name", "ID") else "finished" if c == "State"
              else repr(0.1 * (i + 1)) for c in columns] for i in range(good)]
    return columns, rows


def _check(run, workdir: Path, source: Path, extra: tuple[str, ...] = ()) -> None:
    out = workdir / "out.html"
    result = run("build", str(source), "-o", str(out), *extra)
    lines = result.stderr.splitlines()
    assert result.exit_code in (0, 1), (result.exit_code, result.output[-2000:])
    assert all(line.startswith(("Read ", "Warning: ", "Error: ")) for line in lines), lines
    assert not any("internal error" in line for line in lines), lines
    if result.exit_code == 1:
        assert len([line for line in lines if line.startswith("Error: ")]) == 1, lines
        assert not out.exists()
    else:
        html = out.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x onerror" not in html
        assert not re.search(r"<script(?! type=\"application/json\" id=\"reportgen-data\")"
                             r"(?![^>]*>\s*(//|\(|var|window|Bokeh|document|\"use))[^>]*>"
                             r"\s*alert", html)
        out.unlink()
    assert not list(workdir.glob(".*.tmp"))


def _runner():
    from click.testing import CliRunner

    from reportgen.cli import main

    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@fuzz(80)
@given(table=tables(), delimiter=st.sampled_from([",", ",", ";", "\t"]))
def test_any_csv_table_gives_a_report_or_one_error_line(table, delimiter):
    columns, rows = table
    run = _runner()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        text = io.StringIO()
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerows(rows)
        source = work / ("runs.tsv" if delimiter == "\t" else "runs.csv")
        source.write_text(text.getvalue(), encoding="utf-8")
        _check(run, work, source)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, HOSTILE_TEXT,
              st.integers(min_value=10 ** 300, max_value=10 ** 400)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8)


@fuzz(40)
@given(records=st.lists(st.dictionaries(NAMES, JSON_VALUES, max_size=6), max_size=10),
       plain=st.integers(min_value=0, max_value=12), wrap=st.booleans())
def test_any_json_table_gives_a_report_or_one_error_line(records, plain, wrap):
    records = records + [{"name": f"r{i}", "lr": 0.1 * (i + 1), "val_loss": 1 / (i + 1)}
                         for i in range(plain)]
    run = _runner()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "runs.json"
        text = json.dumps({"runs": records} if wrap else records, allow_nan=True)
        source.write_text(text, encoding="utf-8")
        _check(run, work, source)


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, HOSTILE_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(
                                ["name", "goal", "min", "max", "values", "value", "q", "mu",
                                 "sigma", "a", "b", "probabilities", "distribution",
                                 "parameters"]), inner, max_size=4)),
    max_leaves=12)
DISTRIBUTIONS = st.sampled_from(["uniform", "int_uniform", "log_uniform", "log_uniform_values",
                                 "q_uniform", "normal", "q_log_normal", "beta", "categorical",
                                 "categorical_w_probabilities", "constant", "inv_log_uniform",
                                 "nonsense"])


@st.composite
def sweep_configs(draw):
    params = draw(st.dictionaries(
        st.sampled_from(["lr", "opt", "val_loss", "a.b", ""]),
        st.one_of(YAML_VALUES, st.fixed_dictionaries(
            {"distribution": DISTRIBUTIONS},
            optional={"min": NUMBERS, "max": NUMBERS, "q": NUMBERS, "values": YAML_VALUES,
                      "probabilities": YAML_VALUES, "sigma": NUMBERS})),
        max_size=3))
    config = {"parameters": params}
    for key in ("metric", "name", "method"):
        if draw(st.booleans()):
            config[key] = draw(st.one_of(YAML_VALUES, st.fixed_dictionaries(
                {"name": st.sampled_from(["val_loss", "lr"]),
                 "goal": st.sampled_from(["minimize", "maximize", "up"])})))
    return config


@fuzz(150)
@given(config=sweep_configs(), wrapped=st.booleans())
def test_any_sweep_config_is_read_or_refused_in_one_line(config, wrapped):
    from reportgen.errors import ConfigError
    from reportgen.space import load_sweep_config

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.yaml"
        text = yaml.safe_dump({"sweep": config} if wrapped else config, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        try:
            read = load_sweep_config(path)
        except ConfigError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)
            return
        assert isinstance(read.get("parameters"), dict)
        json.dumps(read)  # what is read can go into the report's JSON


@fuzz(40)
@given(config=sweep_configs())
def test_a_readable_config_with_real_runs_builds_or_errs_in_one_line(config):
    runs = ('"Name","State","lr","opt","val_loss"\n'
            + "".join(f'"r{i}","finished","{0.1 * (i + 1):.1f}","{"ab"[i % 2]}",'
                      f'"{1 / (i + 1):.4f}"\n' for i in range(12)))
    run = _runner()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "runs.csv"
        source.write_text(runs)
        path = work / "sweep.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        _check(run, work, source, ("--sweep-config", str(path)))
