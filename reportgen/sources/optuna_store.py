"""Optuna studies where they live: an RDB storage (an SQLite file, or an sqlite/postgresql/
mysql URL) or a JournalStorage file, read through Optuna's own storage API (never its tables
or its journal format by hand) and never written: an SQLite file is opened read-only. Each
study is a sweep: its declared distributions are the search space, its direction(s) the goal,
the sampler (when its trials record one) the declared method; each trial a run, with its
state, times, parameters, objective value(s), user attributes and intermediate values (the
best over the run, and the step where it stopped)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from reportgen.errors import SourceError, first_line
from reportgen.model import BASE_COLUMNS, LoadedSweep
from reportgen.sources.dialects import OPTUNA_STATES
from reportgen.sources.frame import finish_frame, history_extrema

INSTALL = 'pip install "reportgen[optuna]"'
RDB_URL = re.compile(r"^(sqlite|postgresql|postgres|mysql|mariadb|oracle|mssql)(\+\w+)?://",
                     re.IGNORECASE)
SQLITE_HEADER = b"SQLite format 3\x00"
#: what a study's trials record of the sampler that proposed them (Optuna's own keys)
SAMPLER_TRACES = (("grid_id", "grid"), ("cma:", "cma-es"), ("sepcma:", "cma-es"),
                  ("cmawm:", "cma-es"), (":generation", "evolutionary (NSGA)"),
                  ("gp:", "gp (Bayesian)"), ("tpe:", "tpe"))
#: the method of a study whose trials record no sampler (TPE, Optuna's default, records none)
UNRECORDED = "optuna, sampler not recorded"


def load(source: str, study: str | None = None) -> list[LoadedSweep] | None:
    """The studies of an Optuna storage (or only `study`), or decline (None) when `source`
    is not one."""
    kind = _kind(source)
    if kind is None:
        return None
    optuna = _optuna()
    storage = _storage(optuna, kind, source)
    try:
        names = [s.study_name for s in optuna.get_all_study_summaries(
            storage, include_best_trial=False)]
    except Exception as exc:  # noqa: BLE001 - the driver's errors are many; one line each
        raise SourceError(f"cannot read the Optuna storage {source}: {first_line(exc)}") \
            from None
    if not names:
        raise SourceError(f"{source} is an Optuna storage without any study")
    if study is not None:
        if study not in names:
            raise SourceError(f"{source} has no study '{study}'; its studies: "
                              f"{', '.join(names[:20])}{' …' if len(names) > 20 else ''}")
        names = [study]
    return [study_sweep(optuna.load_study(study_name=name, storage=storage), source)
            for name in names]


def _kind(source: str) -> str | None:
    """rdb (a URL), sqlite (a file with Optuna's tables), journal, or None."""
    if RDB_URL.match(source):
        return "rdb"
    path = Path(source)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_HEADER):
        tables = _sqlite_tables(path)
        if not {"studies", "trials"} <= tables:
            raise SourceError(f"{path} is an SQLite database without Optuna's tables (studies, "
                              "trials): give an Optuna storage, or export the runs as CSV")
        return "sqlite"
    first = head.split(b"\n", 1)[0].strip()
    if first.startswith(b"{") and b'"op_code"' in first:
        try:
            if "op_code" in json.loads(first):
                return "journal"
        except ValueError:
            return None
    return None


def _sqlite_tables(path: Path) -> set[str]:
    try:
        db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise SourceError(f"cannot read the SQLite file {path}: {exc}") from None
    return {r[0] for r in rows}


def _optuna():  # type: ignore[no-untyped-def]
    try:
        import optuna
    except ImportError:
        raise SourceError(f"reading Optuna studies needs Optuna: {INSTALL}") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _storage(optuna, kind: str, source: str):  # type: ignore[no-untyped-def]
    """Optuna's storage for `source`, read-only where Optuna allows: an SQLite file through
    a read-only URI (a URL to a missing SQLite file is an error, never a new empty file)."""
    import warnings

    if kind == "journal":
        try:
            from optuna.storages.journal import JournalFileBackend as Backend
        except ImportError:  # Optuna before 4.0
            from optuna.storages import JournalFileStorage as Backend  # type: ignore
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return optuna.storages.JournalStorage(Backend(str(source)))
            except Exception as exc:  # noqa: BLE001
                raise SourceError(f"cannot read the Optuna journal {source}: "
                                  f"{first_line(exc)}") from None
    url = source
    if kind == "sqlite" or source.lower().startswith("sqlite:///"):
        path = Path(source if kind == "sqlite" else source[len("sqlite:///"):].split("?")[0])
        if not path.is_file():
            raise SourceError(f"{source}: no such SQLite file {path}")
        url = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return optuna.storages.RDBStorage(url, skip_compatibility_check=True,
                                              skip_table_creation=True)
        except ImportError as exc:
            cause = exc.__cause__ or exc.__context__
            found = re.search(r"No module named '([^'.]+)", f"{exc} {cause}")
            driver = exc.name or getattr(cause, "name", None) or (
                found.group(1) if found else None)
            raise SourceError(f"{source}: its database driver is not installed"
                              + (f": pip install {driver}" if driver else
                                 f" ({first_line(exc)})")) from None
        except Exception as exc:  # noqa: BLE001
            raise SourceError(f"cannot open the Optuna storage {source}: "
                              f"{first_line(exc)}") from None



def study_sweep(study, source: str) -> LoadedSweep:  # type: ignore[no-untyped-def]
    """One study as a sweep (see the module's docstring)."""
    trials = study.get_trials(deepcopy=False)
    directions = [d.name.lower() for d in study.directions]
    objectives = _objective_names(study, len(directions))
    rows, steps_of = [], {}
    for t in trials:
        row: dict[str, Any] = {
            "run_id": str(t.number), "name": f"trial {t.number}",
            "state": OPTUNA_STATES.get(t.state.name.lower(), t.state.name.lower()),
            "created_at": t.datetime_start, "finished_at": t.datetime_complete,
            "runtime_s": (t.datetime_complete - t.datetime_start).total_seconds()
            if t.datetime_start and t.datetime_complete else None}
        row.update(t.params)
        for name, v in zip(objectives, t.values or [None] * len(objectives)):
            row[name] = v
        for key, v in t.user_attrs.items():
            row.setdefault(key, v if _scalar(v) else json.dumps(v, default=str))
        steps = t.intermediate_values
        if steps:
            row["last_step"] = max(steps)
            steps_of[str(t.number)] = {objectives[0]: list(steps.values())}
        rows.append(row)
    runs = pd.DataFrame(rows)
    params = list(dict.fromkeys(p for t in trials for p in t.distributions))
    method = _method(trials)
    config: dict[str, Any] = {"method": method, "parameters": _space(trials, params)}
    goals = {name: d for name, d in zip(objectives, directions) if d in ("minimize", "maximize")}
    if objectives[0] in goals:
        config["metric"] = {"name": objectives[0], "goal": goals[objectives[0]]}
    metrics = list(objectives)
    notes: list[str] = []
    if len(objectives) > 1:
        pareto = {t.number for t in study.best_trials}
        runs["pareto"] = [1 if int(r) in pareto else 0 for r in runs["run_id"]]
        runs["tags"] = ["pareto-optimal" if int(r) in pareto else None for r in runs["run_id"]]
        metrics.append("pareto")
        notes.append(f"a study of {len(objectives)} objectives ({', '.join(objectives)}): the "
                     f"report ranks by one (--metric picks it); {len(pareto)} Pareto-optimal "
                     "trials are tagged pareto-optimal (column pareto = 1)")
    if "last_step" in runs:
        metrics.append("last_step")
    history = history_extrema(list(steps_of), steps_of) if steps_of else None
    user = [c for c in runs.columns if c not in params and c not in metrics
            and c not in BASE_COLUMNS and c != "tags"]
    runs, warnings = finish_frame(runs, [*params, *metrics, *user], source)
    aliases = {old: new for old, new in zip(_plain_names(len(objectives)), objectives)
               if old != new}
    return LoadedSweep(
        name=study.study_name, source=source, runs=runs, sweep_id=study.study_name,
        method=method, config=config, param_names=params,
        metric_names=metrics + user, history_best=history, dialect="Optuna study",
        aliases=aliases, goals=goals, notes=notes, warnings=warnings,
        config_origin="the study")


def _objective_names(study, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The objectives' columns: the study's metric names when it set them, else Optuna's own
    `value` (one objective) or `values_0`, `values_1`, … (as trials_dataframe names them)."""
    named = list(getattr(study, "metric_names", None) or [])
    if len(named) == n and len(set(named)) == n:
        return [str(x) for x in named]
    return _plain_names(n)


def _plain_names(n: int) -> list[str]:
    return ["value"] if n == 1 else [f"values_{i}" for i in range(n)]


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _method(trials) -> str:  # type: ignore[no-untyped-def]
    """The sampler the trials record (GridSampler's grid id, CMA-ES's, NSGA's and GP's
    attributes, TPE's when multivariate); else that none is recorded."""
    keys = {k for t in trials[:50] for k in t.system_attrs}
    for trace, method in SAMPLER_TRACES:
        if any(k.endswith(trace) if trace.startswith(":") else k.startswith(trace)
               for k in keys):
            return method
    return UNRECORDED


def _space(trials, params: list[str]) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """Each parameter's declared distribution as a W&B sweep-config entry (the widest, when
    the study changed it between trials)."""
    out: dict[str, dict] = {}
    for name in params:
        seen = [t.distributions[name] for t in trials if name in t.distributions]
        out[name] = _entry(seen)
    return out


def _entry(seen: list) -> dict:  # type: ignore[type-arg]
    last = seen[-1]
    kind = type(last).__name__
    if kind == "CategoricalDistribution":
        choices = list(dict.fromkeys(c for d in seen if type(d).__name__ == kind
                                     for c in d.choices))
        return {"values": choices}
    same = [d for d in seen if type(d).__name__ == kind]
    low, high = min(d.low for d in same), max(d.high for d in same)
    if low == high:  # a range of one value
        return {"value": low}
    step = getattr(last, "step", None)
    if getattr(last, "log", False):
        return {"distribution": "log_uniform_values", "min": low, "max": high} \
            if kind == "FloatDistribution" else \
            {"distribution": "q_log_uniform_values", "min": low, "max": high, "q": 1}
    if kind == "IntDistribution":
        return {"distribution": "int_uniform", "min": int(low), "max": int(high)} \
            if not step or step == 1 else \
            {"distribution": "q_uniform", "min": low, "max": high, "q": step}
    if step:
        return {"distribution": "q_uniform", "min": low, "max": high, "q": step}
    return {"distribution": "uniform", "min": low, "max": high}
