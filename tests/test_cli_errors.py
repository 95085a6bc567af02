"""The bad-input corpus: one exact `Error: ...` line and exit 1, or a report with a warning."""

import pytest
from conftest import CORPUS

C = "tests/corpus"

ERRORS = [
    (["empty.csv"], f"{C}/empty.csv is empty: export the runs table again"),
    (["header_only.csv"], f"{C}/header_only.csv holds no runs (no data rows): export the runs "
                          "table again"),
    (["panel_export.csv"], f"{C}/panel_export.csv is a W&B line-plot panel export (one column per "
                           "run and metric); export the runs table instead (Runs tab → table → "
                           "Export as CSV)"),
    (["not_json.json"], f"{C}/not_json.json is not valid JSON (line 1: Expecting property name "
                        "enclosed in double quotes)"),
    (["not_a_list.json"], f"{C}/not_a_list.json: expected a list of run objects (or "
                          '{"runs": [...]}), one per run'),
    (["metric_text.csv"], f"metric 'val_loss' in {C}/metric_text.csv is not numeric (e.g. 'low')"),
    (["all_crashed.csv"], f"no run of {C}/all_crashed.csv has a finite value of 'val_loss' "
                          "(2 crashed, 1 failed); check --metric, or wait for runs to finish"),
    (["no_metric_name.csv"], f"cannot tell which column of {C}/no_metric_name.csv is the metric: "
                             "pass --metric NAME (columns: a, b, c)"),
    (["unknown.xyz"], f"{C}/unknown.xyz is a file of unknown type '.xyz'; tried: demo; W&B cloud "
                      "(wandb://ENTITY/PROJECT/SWEEP_ID); W&B run folder; MLflow store (mlruns "
                      "folder, file: or http(s):// tracking URI); Optuna storage (SQLite file, "
                      "RDB URL, journal file); table file (.csv .tsv .json .jsonl .parquet)"),
    (["broken.parquet"], None),  # pyarrow's own wording follows; checked by prefix below
    (["strings_in_numeric.csv", "--metric", "val_acc"],
     f"metric 'val_acc' is not a column of {C}/strings_in_numeric.csv; columns seen: lr, dropout, "
     "val_loss"),
    (["demo:grid", "--sweep-config", f"{C}/bad_sweep.yaml"],
     f"{C}/bad_sweep.yaml: parameters.lr.distribution 'log_uniformm' is not a W&B distribution "
     "(one of beta, categorical, categorical_w_probabilities, constant, int_uniform, "
     "inv_log_uniform, inv_log_uniform_values, log_normal, log_uniform, log_uniform_values, "
     "normal, q_beta, q_log_normal, q_log_uniform, q_log_uniform_values, q_normal, q_uniform, "
     "uniform)"),
    (["no_such_file.csv"], "no_such_file.csv: no such file"),
    (["binary.csv"], f"{C}/binary.csv is not UTF-8 text: export the table again as CSV"),
    (["demo:grid", "--json", "missing-folder/r.json"],
     "cannot write missing-folder/r.json: folder missing-folder does not exist"),
    (["demo:nope"], "unknown demo 'nope': use one of demo:grid, demo:random, demo:bayes"),
    (["wandb://team/proj"], "wandb://team/proj: write a W&B sweep as "
     "wandb://ENTITY/PROJECT/SWEEP_ID or https://wandb.ai/ENTITY/PROJECT/sweeps/SWEEP_ID"),
    (["demo:grid", "--offline", "--refresh"], None),
    (["demo:grid", "--where", "lr ~ 1"], "--where: cannot read 'lr ~ 1'; write FIELD OP VALUE "
     'joined by \'and\', e.g. --where "val_loss < 0.5 and optimizer == adam"'),
    (["demo:grid", "--axes", "learning_rate,nope"], "--axes: nope not a column of demo:grid"),
]


@pytest.mark.parametrize("args, line", ERRORS, ids=[a[0][0] + str(i) for i, a in enumerate(ERRORS)])
def test_bad_input_gives_one_error_line_and_no_file(cli, tmp_path, monkeypatch, args, line):
    monkeypatch.chdir(CORPUS.parent.parent)
    args = [f"{C}/{a}" if (CORPUS / a).exists() else a for a in args]
    out = tmp_path / "report.html"
    result = cli("build", *args, "-o", out)
    if "--offline" in args:
        assert result.exit_code == 2 and "--refresh and --offline contradict" in result.stderr
        return
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    if line is None:
        assert lines[0].startswith(f"Error: {C}/broken.parquet is not a readable Parquet file (")
    else:
        assert lines[0].startswith("Error: " + line)
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, warning", [
    ("strings_in_numeric.csv", "column 'lr' in tests/corpus/strings_in_numeric.csv has 1 "
                               "non-numeric value(s) (e.g. 'oops'): read as missing"),
    ("duplicate_ids.csv", "tests/corpus/duplicate_ids.csv lists 1 duplicate run id(s) (e.g. 'a1'): "
                          "kept the first row of each"),
])
def test_usable_data_gives_a_report_with_a_visible_warning(cli, tmp_path, monkeypatch, name,
                                                            warning):
    monkeypatch.chdir(CORPUS.parent.parent)
    out = tmp_path / "r.html"
    result = cli("build", f"{C}/{name}", "-o", out, "--json", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert f"Warning: {warning}" in result.stderr.splitlines()
    html = out.read_text()
    assert warning.replace("'", "&#39;") in html
    assert 'class="warnings"' in html


def test_usage_errors_exit_2(cli):
    result = cli("build", "--goal", "sideways")
    assert result.exit_code == 2
    assert "Invalid value for '--goal'" in result.stderr
