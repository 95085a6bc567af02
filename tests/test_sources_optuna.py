"""Optuna studies read where they live, through Optuna's own storage API: studies made here
with Optuna itself (an RDB study in a temporary SQLite file, a journal file), with pruned,
failed, running and multi-objective trials."""

import hashlib

import numpy as np
import optuna
import pytest

from reportgen.config import FetchOptions, ReportConfig
from reportgen.errors import SourceError
from reportgen.resolve import resolve
from reportgen.sources import load_source

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    opt = trial.suggest_categorical("opt", ["adam", "sgd"])
    if opt == "sgd":
        trial.suggest_float("momentum", 0.0, 0.99)
    trial.set_user_attr("note", f"run {trial.number}")
    loss = (np.log10(lr) + 3) ** 2 + 0.1 * layers + (0.5 if opt == "sgd" else 0)
    for step in range(5):
        trial.report(loss + (5 - step) * 0.1, step)
        if trial.number % 7 == 3 and step == 2:
            raise optuna.TrialPruned()
    if trial.number % 11 == 5:
        raise ValueError("diverged")
    return loss


def _study(storage, name="tune", n=40, seed=0):
    study = optuna.create_study(study_name=name, storage=storage, direction="minimize",
                                sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(_objective, n_trials=n, catch=(ValueError,))
    running = study.ask()  # a trial still running when the report is made
    running.suggest_float("lr", 1e-5, 1e-1, log=True)
    study.enqueue_trial({"lr": 1e-3})  # one waiting to start
    return study


@pytest.fixture()
def sqlite_file(tmp_path):
    path = tmp_path / "optuna.db"
    storage = f"sqlite:///{path}"
    _study(storage)
    multi = optuna.create_study(study_name="two-goals", storage=storage,
                                directions=["minimize", "maximize"],
                                sampler=optuna.samplers.NSGAIISampler(seed=1))
    multi.set_metric_names(["loss", "accuracy"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
                              + t.params["x"]), n_trials=30)
    return path


def test_an_rdb_study_is_read_with_its_space_goal_states_and_history(sqlite_file):
    before = hashlib.sha256(sqlite_file.read_bytes()).hexdigest()
    files = sorted(p.name for p in sqlite_file.parent.iterdir())
    loaded = load_source(str(sqlite_file), FetchOptions(study="tune"))
    assert [s.name for s in loaded] == ["tune"]
    one = loaded[0]
    study = optuna.load_study(study_name="tune", storage=f"sqlite:///{sqlite_file}")
    trials = study.get_trials(deepcopy=False)
    assert len(one.runs) == len(trials) == 42
    states = one.runs.set_index("run_id")["state"]
    for t in trials:
        want = {"COMPLETE": "finished", "PRUNED": "stopped", "FAIL": "failed",
                "RUNNING": "running", "WAITING": "pending"}[t.state.name]
        assert states[str(t.number)] == want
    assert {"stopped", "failed", "running", "pending", "finished"} <= set(states)
    params = one.config["parameters"]
    assert params["lr"] == {"distribution": "log_uniform_values", "min": 1e-5, "max": 0.1}
    assert params["layers"] == {"distribution": "int_uniform", "min": 1, "max": 4}
    assert params["opt"] == {"values": ["adam", "sgd"]}
    assert params["momentum"]["distribution"] == "uniform"  # only some trials (conditional)
    sweep = resolve(one, ReportConfig())
    assert sweep.metric.name == "value" and sweep.metric.goal == "minimize"
    assert sweep.runs.set_index("run_id")["value"][str(study.best_trial.number)] == \
        study.best_value
    # intermediate values: the best over the run, and where pruning stopped it
    pruned = next(t for t in trials if t.state.name == "PRUNED")
    row = one.runs.set_index("run_id").loc[str(pruned.number)]
    assert row["last_step"] == 2
    assert one.history_best.loc[str(pruned.number), "value.min"] == \
        min(pruned.intermediate_values.values())
    best = sweep.runs.set_index("run_id")["value.best"]  # the best over the trial, per trial
    assert best[str(pruned.number)] == min(pruned.intermediate_values.values())
    assert one.runs.set_index("run_id")["note"]["0"] == "run 0"  # a user attribute
    # read, never written: the file is byte-identical and nothing new lies beside it
    assert hashlib.sha256(sqlite_file.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in sqlite_file.parent.iterdir()) == files


def test_a_multi_objective_study_ranks_by_one_objective_and_marks_the_pareto_front(
        sqlite_file):
    one = load_source(str(sqlite_file), FetchOptions(study="two-goals"))[0]
    study = optuna.load_study(study_name="two-goals", storage=f"sqlite:///{sqlite_file}")
    assert one.method == "evolutionary (NSGA)"
    first = resolve(one, ReportConfig())
    assert (first.metric.name, first.metric.goal) == ("loss", "minimize")
    by_index = resolve(one, ReportConfig(metric="values_1"))  # Optuna's own column name
    assert (by_index.metric.name, by_index.metric.goal) == ("accuracy", "maximize")
    front = {str(t.number) for t in study.best_trials}
    marked = set(one.runs.loc[one.runs["pareto"] == 1, "run_id"])
    assert marked == front and 0 < len(front) < 30
    assert set(one.runs.loc[one.runs["tags"] == "pareto-optimal", "run_id"]) == front
    # the plot opens coloured by the front; the column can be drawn as an axis too
    from reportgen.diagnostics.facts import facts
    from reportgen.sections.parallel import parallel_input

    data = parallel_input(first, facts(first), ["x", "y", "loss"])
    assert data.colour == "c:pareto" and "pareto" in [a.name for a in data.axes]


def test_every_study_is_a_sweep_and_a_missing_study_is_named(sqlite_file):
    assert [s.name for s in load_source(str(sqlite_file))] == ["tune", "two-goals"]
    with pytest.raises(SourceError, match="has no study 'nope'; its studies: tune, two-goals"):
        load_source(str(sqlite_file), FetchOptions(study="nope"))
    url = f"sqlite:///{sqlite_file}"
    assert [s.name for s in load_source(url, FetchOptions(study="tune"))] == ["tune"]
    missing = sqlite_file.parent / "nothing.db"
    with pytest.raises(SourceError, match="no such SQLite file"):
        load_source(f"sqlite:///{missing}")
    assert not missing.exists()  # never a new empty database


def test_a_journal_file_and_a_grid_study(tmp_path):
    from optuna.storages.journal import JournalFileBackend

    path = tmp_path / "journal.log"
    storage = optuna.storages.JournalStorage(JournalFileBackend(str(path)))
    space = {"a": [1, 2, 3], "b": ["x", "y"]}
    study = optuna.create_study(study_name="grid", storage=storage, direction="maximize",
                                sampler=optuna.samplers.GridSampler(space, seed=0))
    study.optimize(lambda t: t.suggest_int("a", 1, 3) * (2 if t.suggest_categorical(
        "b", ["x", "y"]) == "y" else 1), n_trials=6)
    loaded = load_source(str(path))
    assert len(loaded) == 1 and loaded[0].method == "grid"
    sweep = resolve(loaded[0], ReportConfig())
    assert sweep.metric.goal == "maximize" and len(sweep.runs) == 6
    assert sweep.runs["value"].max() == 6


def test_files_that_are_not_optuna_storages_say_so(tmp_path, monkeypatch):
    import sqlite3
    import sys

    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    with pytest.raises(SourceError, match="SQLite database without Optuna's tables"):
        load_source(str(other))
    good = tmp_path / "good.db"
    _study(f"sqlite:///{good}", n=3)
    monkeypatch.setitem(sys.modules, "optuna", None)  # the extra not installed
    with pytest.raises(SourceError, match=r'pip install "reportgen\[optuna\]"'):
        load_source(str(good))


def test_the_command_line_builds_a_report_of_one_study(sqlite_file, tmp_path):
    import json

    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path / "study.html"
    result = CliRunner().invoke(main, ["build", str(sqlite_file), "--study", "tune", "-o",
                                       str(out), "--json", str(tmp_path / "s.json"), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "s.json").read_text())
    assert [s["name"] for s in doc["sweeps"]] == ["tune"]
    counts = doc["sweeps"][0]["counts"]
    assert (counts["total"], counts["running"]) == (42, 1)
    assert counts["failed"] > 0 and counts["stopped"] > 0
    assert doc["sweeps"][0]["method"] == "optuna, sampler not recorded"
    assert out.stat().st_size > 100_000


def test_suggest_writes_the_next_study_as_optuna_code_or_as_wandb_yaml(tmp_path):
    import yaml
    from click.testing import CliRunner

    from reportgen.cli import main

    path = tmp_path / "lr.db"
    study = optuna.create_study(study_name="lr", storage=f"sqlite:///{path}",
                                sampler=optuna.samplers.RandomSampler(seed=3))
    study.optimize(lambda t: (np.log10(t.suggest_float("lr", 1e-6, 1.0, log=True)) + 3) ** 2
                   + 0.01 * t.suggest_int("width", 1, 8)
                   + (0.3 if t.suggest_categorical("act", ["relu", "tanh"]) == "tanh" else 0),
                   n_trials=80)
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        done = runner.invoke(main, ["suggest", str(path), "-q"])
        assert done.exit_code == 0, done.output
        code = open("next.py").read()  # the default name follows the format
        done = runner.invoke(main, ["suggest", str(path), "--format", "wandb", "-q"])
        assert done.exit_code == 0, done.output
        config = yaml.safe_load(open("next.yaml"))
    assert code.startswith("# Next study proposed by reportgen") and "lr: 1e-6" in code
    module: dict = {}
    exec(compile(code, "next.py", "exec"), module)  # the code runs as written
    space = module["SEARCH_SPACE"]
    lr = space["lr"]
    assert isinstance(lr, optuna.distributions.FloatDistribution) and lr.log
    assert (lr.low, lr.high) == (config["parameters"]["lr"]["min"],
                                 config["parameters"]["lr"]["max"])
    assert 1e-6 < lr.low < 1e-3 < lr.high < 1.0  # narrowed around the best, as the YAML
    assert isinstance(space["width"], optuna.distributions.IntDistribution)
    assert module["DIRECTION"] == "minimize"
    nxt = module["make_study"]()
    trial = nxt.ask(space)
    assert lr.low <= trial.params["lr"] <= lr.high
    nxt.optimize(lambda t: float(module["suggest"](t)["width"]), n_trials=2)
    assert len(nxt.trials) == 3


def test_an_rdb_url_that_cannot_be_opened_is_one_line_naming_it():
    with pytest.raises(SourceError) as caught:
        load_source("postgresql://reportgen@127.0.0.1:9/optuna")
    message = str(caught.value)
    assert message.startswith("postgresql://reportgen@127.0.0.1:9/optuna") or \
        message.startswith("cannot open the Optuna storage postgresql://")
    assert "None" not in message and "\n" not in message
