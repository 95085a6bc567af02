"""Bad input a careless or hostile user gives: one `Error:` line naming the input, exit 1, and
no file written; never a traceback, an internal error or a hang."""

from __future__ import annotations

import json

import pytest

CSV = ('"Name","State","lr","val_loss"\n'
       + "".join(f'"r{i}","finished","{0.1 * (i + 1):.1f}","{1 / (i + 1):.4f}"\n'
                 for i in range(12)))
BOMB = "".join(f"l{k}: &l{k} [{', '.join([f'*l{k - 1}' if k else 'x'] * 10)}]\n"
               for k in range(9)) + "description: *l8\n"
LR = "parameters: {lr: {min: 0.1, max: 1.2}}\n"

CONFIGS = {
    "metric as text": ("metric: val_loss\n" + LR, "metric must be a mapping"),
    "metric name a list": ("metric: {name: [a, b]}\n" + LR, "metric.name must be the metric"),
    "goal unknown": ("metric: {name: val_loss, goal: up}\n" + LR, "metric.goal must be"),
    "binary value": ("blob: !!binary aGVsbG8=\n" + LR, "a binary value is no JSON"),
    "set value": ("blob: !!set {a, b}\n" + LR, "a set value is no JSON"),
    "probabilities of text": ("parameters: {lr: {values: [0.1, 0.2], probabilities: [a, b]}}\n",
                              "parameters.lr.probabilities must list one number per value"),
    "negative probability": ("parameters: {lr: {values: [1, 2], probabilities: [-1, 2]}}\n",
                             "parameters.lr.probabilities"),
    "v1 log bound overflows": ("parameters: {lr: {distribution: log_uniform, min: 1, "
                               "max: 1000}}\n", "e^1000 overflows"),
    "range overflows": ("parameters: {lr: {min: -1.0e308, max: 1.0e308}}\n",
                        "their difference overflows"),
    "integer of 5,000 digits": ("parameters: {lr: {min: 0, max: " + "9" * 5000 + "}}\n",
                                "cannot read"),
    "integer of 400 digits": ("parameters: {lr: {min: 0, max: " + "9" * 400 + "}}\n",
                              "parameters.lr.max must be a finite number"),
    "negative sigma": ("parameters: {lr: {distribution: normal, sigma: -1}}\n",
                       "sigma must be positive"),
    "q of zero": ("parameters: {lr: {distribution: q_uniform, min: 0, max: 1, q: 0}}\n",
                  "q must be a positive number"),
    "alias bomb": (BOMB + LR, "expands to more than 100,000 values"),
    "alias bomb as levels": (BOMB.replace("description: *l8\n", "")
                             + "parameters:\n  lr: {values: *l8}\n",
                             "expands to more than 100,000 values"),
    "too many levels": ("parameters: {lr: {values: [" + ", ".join(map(str, range(10_001)))
                        + "]}}\n", "lists 10,001 values"),
    "nested too deep": ("parameters: {lr: " + "[" * 5000 + "]" * 5000 + "}\n", "sweep config"),
}


@pytest.mark.parametrize("text, message", CONFIGS.values(), ids=CONFIGS.keys())
def test_a_bad_sweep_config_is_one_error_line(cli, tmp_path, text, message):
    runs = tmp_path / "runs.csv"
    runs.write_text(CSV)
    config = tmp_path / "sweep.yaml"
    config.write_text(text)
    result = cli("build", runs, "--sweep-config", config, "-o", tmp_path / "r.html")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
    assert "internal error" not in lines[0] and str(config) in lines[0]
    assert not (tmp_path / "r.html").exists()


def test_dates_names_and_numbers_in_a_config_are_read_as_their_text(cli, tmp_path):
    runs = tmp_path / "runs.csv"
    runs.write_text(CSV)
    config = tmp_path / "sweep.yaml"
    config.write_text("name: 2026-03-02\ndescription: started 2026-03-02T10:00:00\n"
                      "metric: {name: val_loss}\nparameters:\n  lr: {min: 0.1, max: 1.2}\n"
                      "  day: {value: 2026-01-01}\n")
    js = tmp_path / "r.json"
    result = cli("build", runs, "--sweep-config", config, "-o", tmp_path / "r.html", "--json",
                 js, "-q")
    assert result.exit_code == 0, result.output
    sweep = json.loads(js.read_text())["sweeps"][0]
    assert sweep["name"] == "2026-03-02" and sweep["config"]["parameters"]["day"] == {
        "value": "2026-01-01"}
    config.write_text("name: 12345\nmetric: {name: val_loss}\n" + LR)
    result = cli("build", runs, "--sweep-config", config, "-o", tmp_path / "r.html", "--json",
                 js, "-q")
    assert result.exit_code == 0 and json.loads(js.read_text())["sweeps"][0]["name"] == "12345"


def test_a_config_that_is_not_utf8_is_one_error_line(cli, tmp_path):
    runs = tmp_path / "runs.csv"
    runs.write_text(CSV)
    config = tmp_path / "sweep.yaml"
    config.write_bytes("name: caf\xe9\n".encode("latin-1") + LR.encode())
    result = cli("build", runs, "--sweep-config", config, "-o", tmp_path / "r.html")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: sweep config {config} is not UTF-8 text: save it " \
                                    "as UTF-8"


@pytest.mark.parametrize("value", ["yesterday", "1e3", "99999999999999999999", ""])
def test_a_bad_source_date_epoch_is_one_error_line(cli, tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = cli("build", "demo:grid", "-o", tmp_path / "r.html", "--deterministic")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SOURCE_DATE_EPOCH must be whole seconds since "
                                    "1970-01-01 UTC")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("total", ['"12"', "null", "[1]", "true", "-3"])
def test_the_index_skips_a_report_whose_counts_are_not_a_number(cli, tmp_path, total):
    good = tmp_path / "good.html"
    assert cli("build", "demo:grid", "-o", good, "-q").exit_code == 0
    text = good.read_text()
    bad = tmp_path / "bad.html"
    bad.write_text(text.replace('"total": 24', f'"total": {total}', 1))
    assert bad.read_text() != text
    result = cli("index", tmp_path)
    assert result.exit_code == 0, result.output
    if total == "null":  # a missing count is shown as unknown, the report still listed
        assert "Skipped" not in result.stderr
    else:
        assert "Skipped bad.html: its reportgen-data block counts" in result.stderr
    assert "good.html" in (tmp_path / "index.html").read_text()


def _table(path, lr=None, loss=None, runtime=None):
    rows = ['"Name","State","Runtime","lr","opt","val_loss"']
    for i in range(12):
        rows.append(f'"r{i}","finished","{(runtime or {}).get(i, 60)}",'
                    f'"{(lr or {}).get(i, 0.1 * (i + 1))}","{"ab"[i % 2]}",'
                    f'"{(loss or {}).get(i, 1 / (i + 1))}"')
    path.write_text("\n".join(rows) + "\n")
    return path


NUMBERS = {
    "infinite parameter": ({"lr": {3: "inf", 4: "-Infinity"}},
                           "column 'lr' in {path} has 2 infinite or huge value(s)"),
    "5,000-digit parameter": ({"lr": {3: "9" * 5000}},
                              "column 'lr' in {path} has 1 infinite or huge value(s)"),
    "huge metric": ({"loss": {3: "1e308", 5: "-1.5e305"}},
                    "column 'val_loss' in {path} has 2 infinite or huge value(s)"),
    "runtime of 1e20 s": ({"runtime": {2: "1e20"}}, "{path}: 1 runtime(s) are negative or "
                                                    "longer than 1e+09 s"),
}


@pytest.mark.parametrize("values, warning", NUMBERS.values(), ids=NUMBERS.keys())
def test_infinite_and_huge_numbers_are_read_as_missing_with_a_warning(cli, tmp_path, values,
                                                                      warning):
    path = _table(tmp_path / "runs.csv", **values)
    js = tmp_path / "r.json"
    result = cli("build", path, "-o", tmp_path / "r.html", "--json", js, "-q")
    assert result.exit_code == 0, result.output
    assert f"Warning: {warning.format(path=path)}" in result.stderr
    sweep = json.loads(js.read_text())["sweeps"][0]
    assert any(warning.format(path=path) in w for w in sweep["warnings"])  # shown in the report


def test_json_with_huge_integers_deep_nesting_and_lone_surrogates(cli, tmp_path):
    runs = [{"name": f"r{i}", "lr": 0.1 * (i + 1), "val_loss": 1 / (i + 1)} for i in range(12)]
    big = tmp_path / "big.json"
    text = json.dumps(runs).replace('"lr": 0.30000000000000004', '"lr": 1' + "0" * 400, 1)
    big.write_text(text)
    result = cli("build", big, "-o", tmp_path / "a.html", "-q")
    assert result.exit_code == 0 and "column 'lr'" in result.stderr
    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps(runs)[:-1] + ', {"name": "x", "lr": ' + "[" * 100_000
                    + "]" * 100_000 + "}]")
    result = cli("build", deep, "-o", tmp_path / "b.html")
    assert result.exit_code == 1 and result.stderr.strip() == (
        f"Error: {deep} nests deeper than reportgen reads: a runs table holds one object per run")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(runs).replace('"r2"', '"bad\\ud800name"'))
    result = cli("build", odd, "-o", tmp_path / "c.html", "-q")
    assert result.exit_code == 0, result.output
    assert "bad\ufffdname" in (tmp_path / "c.html").read_text(encoding="utf-8")
    lines = tmp_path / "runs.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in runs[:5]) + "\n{broken\n")
    result = cli("build", lines, "-o", tmp_path / "d.html")
    assert result.stderr.strip().startswith(f"Error: {lines} is not valid JSON Lines (line 6: ")


def test_what_was_silently_wrong_is_refused_or_said(cli, tmp_path):
    path = _table(tmp_path / "runs.csv")
    # the metric as a parameter
    result = cli("build", path, "--params", "lr,val_loss", "-o", tmp_path / "a.html")
    assert result.exit_code == 1 and result.stderr.strip() == (
        "Error: --params names val_loss, the metric: a column is a parameter or the metric, "
        "not both")
    # a metric column that is mostly text never hands the objective to another column
    rows = ['"Name","State","lr","train_loss","val_loss"'] + [
        f'"r{i}","finished","{0.1 * i}","{1 / (i + 1)}","{"diverged" if i % 3 else 0.5}"'
        for i in range(12)]
    mostly = tmp_path / "mostly.csv"
    mostly.write_text("\n".join(rows) + "\n")
    result = cli("build", mostly, "-o", tmp_path / "b.html")
    assert result.exit_code == 1 and result.stderr.startswith(
        f"Error: metric 'val_loss' in {mostly} is not numeric (e.g. 'diverged')")
    # a true/false metric is named as such
    flags = tmp_path / "flags.csv"
    flags.write_text('"Name","State","lr","val_loss"\n' + "".join(
        f'"r{i}","finished","{i}","{["true", "false"][i % 2]}"\n' for i in range(12)))
    result = cli("build", flags, "--metric", "val_loss", "-o", tmp_path / "c.html")
    assert result.stderr.startswith(f"Error: metric 'val_loss' in {flags} is true/false (e.g. ")
    # a column name given twice is said
    dup = tmp_path / "dup.csv"
    dup.write_text('"Name","State","lr","val_loss","val_loss"\n' + "".join(
        f'"r{i}","finished","{i}","{1 / (i + 1)}","{i}"\n' for i in range(12)))
    result = cli("build", dup, "-o", tmp_path / "d.html", "-q")
    assert result.exit_code == 0
    assert f"Warning: {dup}: column 'val_loss' appears 2 times" in result.stderr
    # NUL characters cannot cut a value short
    nul = tmp_path / "nul.csv"
    nul.write_text('"Name","State","opt","val_loss"\n' + "".join(
        f'"r{i}","finished","{"ab"[i % 2]}\x00x","{1 / (i + 1)}"\n' for i in range(12)))
    result = cli("build", nul, "-o", tmp_path / "e.html", "-q")
    assert "has 12 value(s) with NUL characters" in result.stderr
    assert "\x00" not in (tmp_path / "e.html").read_text()


def test_a_constant_metric_claims_no_odds(cli, tmp_path):
    path = _table(tmp_path / "runs.csv", loss={i: 0.5 for i in range(12)})
    md = tmp_path / "s.md"
    result = cli("build", path, "-o", tmp_path / "r.html", "--summary-md", md, "-q")
    assert result.exit_code == 1 and result.stderr.startswith(
        f"Error: metric 'val_loss' in {path} has the same value in every run")
    result = cli("build", path, "--metric", "val_loss", "-o", tmp_path / "r.html",
                 "--summary-md", md, "-q")
    assert result.exit_code == 0
    text = md.read_text()
    assert "Every one of the 12 evaluated runs has the same val\\_loss" in text
    assert "would beat the best" not in (tmp_path / "r.html").read_text()


def test_sweeps_of_two_sources_with_one_name_stay_apart(cli, tmp_path):
    a = _table(tmp_path / "a" / "runs.csv") if (tmp_path / "a").mkdir() is None else None
    b = _table(tmp_path / "b" / "runs.csv", loss={0: 9.0}) if (tmp_path / "b").mkdir() is None \
        else None
    js = tmp_path / "r.json"
    result = cli("build", a, b, "-o", tmp_path / "r.html", "--json", js, "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads(js.read_text())
    names = [s["name"] for s in doc["sweeps"]]
    assert names == [f"runs ({a})", f"runs ({b})"]
    assert doc["comparison"]["sweeps"] == names


@pytest.mark.parametrize("args, message", [
    (["--timeout", "inf"], "--timeout"), (["--timeout", "nan"], "--timeout"),
    (["-o", ""], "needs a file or folder name")])
def test_bad_options_are_usage_errors(cli, tmp_path, args, message):
    result = cli("build", "demo:grid", *(args if "-o" in args else [*args, "-o",
                                                                   tmp_path / "r.html"]))
    assert result.exit_code == 2 and message in result.stderr


def test_an_empty_source_is_one_error_line(cli, tmp_path):
    result = cli("build", "", "-o", tmp_path / "r.html")
    assert result.exit_code == 1 and result.stderr.strip() == (
        "Error: an empty source: give a file, a folder, a wandb:// sweep or demo")


def test_creation_times_that_cannot_be_read_are_said(cli, tmp_path):
    rows = ['"Name","State","Created","lr","val_loss"'] + [
        f'"r{i}","finished","{"1e20" if i == 2 else 1700000000 + 60 * i}","{i}","{1 / (i + 1)}"'
        for i in range(12)]
    path = tmp_path / "runs.csv"
    path.write_text("\n".join(rows) + "\n")
    result = cli("build", path, "-o", tmp_path / "r.html", "-q")
    assert result.exit_code == 0, result.output
    assert (f"Warning: {path}: 1 creation time(s) could not be read (e.g. '1e20'): read as "
            "unknown") in result.stderr
