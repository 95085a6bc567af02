"""MLflow experiments read where they live, through MLflow's own store: file stores made
here with MLflow itself, with finished, failed and running runs, nested runs (a parent per
search, as hyperopt's and Optuna's integrations log them) and metric histories."""

import os
import shutil

import numpy as np
import pytest

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
mlflow = pytest.importorskip("mlflow")

from reportgen.config import FetchOptions, ReportConfig  # noqa: E402
from reportgen.errors import SourceError  # noqa: E402
from reportgen.resolve import resolve  # noqa: E402
from reportgen.sources import load_source  # noqa: E402


def _client(root):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=root.as_uri())


@pytest.fixture()
def store(tmp_path):
    """`grid`: a complete 3 x 2 grid of flat runs (params logged as text, one failed, one
    running); `tuning`: a parent run holding 12 child runs, beside a stray flat run."""
    root = tmp_path / "mlruns"
    client = _client(root)
    grid = client.create_experiment("grid")
    best = None
    for i, (width, act) in enumerate([(w, a) for w in (16, 32, 64) for a in ("relu", "tanh")]):
        run = client.create_run(grid, run_name=f"cell-{i}", tags={"owner": "me"})
        rid = run.info.run_id
        client.log_param(rid, "width", width)
        client.log_param(rid, "act", act)
        acc = 0.5 + width / 200 + (0.1 if act == "relu" else 0)
        for step in range(3):
            client.log_metric(rid, "accuracy", acc - (2 - step) * 0.05, step=step)
        client.log_metric(rid, "loss", 1 - acc)
        status = "FAILED" if i == 1 else "RUNNING" if i == 2 else "FINISHED"
        if status != "RUNNING":
            client.set_terminated(rid, status=status)
        if best is None or acc > best[1]:
            best = (rid, acc)
    tuning = client.create_experiment("tuning")
    parent = client.create_run(tuning, run_name="hyperopt-search").info.run_id
    rng = np.random.default_rng(0)
    for i in range(12):
        child = client.create_run(tuning, run_name=f"trial-{i}",
                                  tags={"mlflow.parentRunId": parent}).info.run_id
        lr = float(10 ** rng.uniform(-4, -1))
        client.log_param(child, "lr", f"{lr:.6g}")
        client.log_metric(child, "val_loss", (np.log10(lr) + 2.5) ** 2)
        client.set_terminated(child)
    client.set_terminated(parent)
    stray = client.create_run(tuning, run_name="stray").info.run_id
    client.log_param(stray, "lr", "0.1")
    client.log_metric(stray, "val_loss", 2.0)
    client.set_terminated(stray)
    return root, best


def test_a_file_store_experiment_is_read_with_params_as_numbers_states_and_history(store):
    root, (best_id, best_acc) = store
    shutil.rmtree(root / ".trash")  # MLflow would make it again on opening; reportgen may not
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    loaded = load_source(str(root), FetchOptions(experiment="grid", history=True,
                                                 metric="accuracy"))
    assert [s.name for s in loaded] == ["grid"]
    one = loaded[0]
    runs = one.runs.set_index("name")
    assert len(runs) == 6 and runs["width"].dtype.kind in "if"  # text params read as numbers
    assert runs.loc["cell-1", "state"] == "failed" and runs.loc["cell-2", "state"] == "running"
    assert (runs["state"] == "finished").sum() == 4
    assert runs.loc["cell-0", "tags"] == "owner=me"
    assert runs["created_at"].notna().all()
    sweep = resolve(one, ReportConfig(metric="accuracy", goal="maximize",
                                      fetch=FetchOptions(history=True, metric="accuracy")))
    by_id = sweep.runs.set_index("run_id")
    assert by_id.loc[best_id, "accuracy"] == pytest.approx(best_acc)  # the last value
    assert by_id.loc[best_id, "accuracy.best"] == pytest.approx(best_acc)
    assert sorted(sweep.param_names) == ["act", "width"]
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == before  # no write


def test_nested_runs_are_the_sweep_of_their_parent_and_experiments_are_named(store):
    root, _ = store
    tuning = load_source(root.as_uri(), FetchOptions(experiment="tuning"))
    names = sorted(s.name for s in tuning)
    assert names == ["tuning", "tuning / hyperopt-search"]
    search = next(s for s in tuning if s.name == "tuning / hyperopt-search")
    assert len(search.runs) == 12 and "hyperopt-search" not in set(search.runs["name"])
    sweep = resolve(search, ReportConfig(metric="val_loss", goal="minimize"))
    assert sweep.param_names == ["lr"] and sweep.runs["lr"].dtype.kind == "f"
    everything = load_source(str(root))  # every experiment with runs; "Default" is empty
    assert sorted(s.name for s in everything) == ["grid", "tuning", "tuning / hyperopt-search"]
    with pytest.raises(SourceError, match="has no experiment 'nope'; its experiments: "):
        load_source(str(root), FetchOptions(experiment="nope"))


def test_the_command_line_reads_a_store_and_a_missing_extra_is_one_line(store, tmp_path,
                                                                          monkeypatch):
    import json
    import sys

    from click.testing import CliRunner

    from reportgen.cli import main

    root, (best_id, _) = store
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["build", str(root), "--experiment", "grid", "--metric",
                                       "accuracy", "--goal", "maximize", "-o", str(out),
                                       "--json", str(tmp_path / "r.json"), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["sweeps"][0]["best_run"]["run_id"] == best_id
    assert doc["sweeps"][0]["strategy"]["inferred"] in ("grid", "insufficient evidence")
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)  # the extra not installed
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == \
        'Error: reading MLflow experiments needs MLflow: pip install "reportgen[mlflow]"'


def test_a_tracking_server_is_read_through_mlflows_own_client(store):
    from mlflow_server import serve

    root, (best_id, best_acc) = store
    url, stop = serve(root, page=4)
    try:
        loaded = load_source(url, FetchOptions(experiment="grid", history=True,
                                               metric="accuracy"))
    finally:
        asked = stop()
    assert [s.name for s in loaded] == ["grid"] and len(loaded[0].runs) == 6
    assert any(p.endswith("/runs/search") for p in asked)  # the real client's requests
    assert asked.count("/api/2.0/mlflow/runs/search") >= 2  # it followed the page token
    sweep = resolve(loaded[0], ReportConfig(metric="accuracy", goal="maximize"))
    by_id = sweep.runs.set_index("run_id")
    assert by_id.loc[best_id, "accuracy"] == pytest.approx(best_acc)
    assert by_id.loc[best_id, "accuracy.best"] == pytest.approx(best_acc)
    assert by_id["width"].dtype.kind in "if"


def test_a_tracking_server_that_does_not_answer_is_one_line():
    with pytest.raises(SourceError) as caught:
        load_source("http://127.0.0.1:9")
    message = str(caught.value)
    assert message.startswith("cannot read the MLflow store http://127.0.0.1:9: ")
    assert "\n" not in message
