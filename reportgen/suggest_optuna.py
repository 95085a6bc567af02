"""The next sweep as Optuna code: the proposed search space as a dict of Optuna
distributions (for `study.ask(SEARCH_SPACE)`), the same space as `trial.suggest_*` calls (for
an objective function), the direction and the sampler, with the same evidence comments as the
W&B YAML. Written from the proposal's W&B config, so both formats say the same."""

from __future__ import annotations

import math
from typing import Any

from reportgen.suggest import Suggestion

#: W&B's methods → the Optuna sampler that searches the same way
SAMPLERS = {"grid": "optuna.samplers.GridSampler(GRID)", "bayes": "optuna.samplers.TPESampler()",
            "random": "optuna.samplers.RandomSampler()"}


def optuna_code(proposal: Suggestion, study_name: str) -> str:
    """The proposal as a Python module (see the module's docstring)."""
    config = proposal.config
    lines = proposal.comments("Next study proposed by reportgen from the best region of the "
                              f"last one ({study_name}).")
    metric = config.get("metric") or {}
    space: list[tuple[str, str, str]] = []  # (name, distribution, suggest call)
    unsupported = []
    for name, body in (config.get("parameters") or {}).items():
        made = _distribution(name, body)
        if made is None:
            unsupported.append(name)
        else:
            space.append((name, *made))
    method = str(config.get("method") or "random")
    out = lines + ["", "from __future__ import annotations", "", "import optuna",
                   "from optuna.distributions import (CategoricalDistribution, "
                   "FloatDistribution,", "                                  IntDistribution)",
                   "", f"STUDY_NAME = {repr(f'{study_name}-next')}",
                   f"# the metric {metric.get('name', '?')!s}, as the last study",
                   f"DIRECTION = {repr(str(metric.get('goal', 'minimize')))}",
                   f"N_TRIALS = {int(config.get('run_cap') or 100)}", "",
                   "SEARCH_SPACE = {"]
    out += [f"    {name!r}: {dist}," for name, dist, _ in space]
    out += ["}"]
    for name in unsupported:
        out.append(f"# {name}: {_brief(config['parameters'][name])} has no Optuna "
                   "distribution: set it by hand")
    if method == "grid":
        out += ["", "# the grid's levels (GridSampler)", "GRID = {"]
        out += [f"    {name!r}: {choices!r}," for name, choices in
                _grid(config.get("parameters") or {})]
        out += ["}"]
    out += ["", "", "def suggest(trial: optuna.Trial) -> dict:",
            '    """One trial\'s parameters from SEARCH_SPACE, for an objective function."""',
            "    return {"]
    out += [f"        {name!r}: {call}," for name, _, call in space]
    sampler = SAMPLERS.get(method, SAMPLERS["bayes"])
    out += ["    }", "", "",
            f"# {method} search, as proposed: {sampler}",
            "def make_study(storage: str | None = None) -> optuna.Study:",
            '    """The next study. Ask for its trials with `study.ask(SEARCH_SPACE)`, or',
            '    optimise an objective that calls `suggest(trial)`."""',
            "    return optuna.create_study(",
            "        study_name=STUDY_NAME, storage=storage, direction=DIRECTION,",
            f"        sampler={sampler}, load_if_exists=True)", ""]
    return "\n".join(out)


def _distribution(name: str, body: Any) -> tuple[str, str] | None:
    """(Optuna distribution, trial.suggest_* call) for one W&B parameter entry, or None."""
    if not isinstance(body, dict):
        return None
    choices = _choices(body)
    if choices is not None:
        literal = repr(choices)
        return (f"CategoricalDistribution({literal})",
                f"trial.suggest_categorical({name!r}, {literal})")
    dist = body.get("distribution", "uniform")
    low, high = body.get("min"), body.get("max")
    if low is None or high is None:
        return None
    q = body.get("q")
    whole = _whole(low) and _whole(high) and (q is None or _whole(q))
    if dist == "int_uniform" or (dist in ("q_uniform", "q_log_uniform_values") and whole):
        lo, hi = int(low), int(high)
        log = dist == "q_log_uniform_values"
        step = int(q) if q and not log else 1
        extra = ", log=True" if log else (f", step={step}" if step != 1 else "")
        return (f"IntDistribution({lo}, {hi}{extra})",
                f"trial.suggest_int({name!r}, {lo}, {hi}{extra})")
    if dist in ("uniform", "q_uniform", "log_uniform_values"):
        extra = ", log=True" if dist == "log_uniform_values" else (
            f", step={_plain(q)!r}" if dist == "q_uniform" and q else "")
        lo_text, hi_text = repr(float(low)), repr(float(high))
        return (f"FloatDistribution({lo_text}, {hi_text}{extra})",
                f"trial.suggest_float({name!r}, {lo_text}, {hi_text}{extra})")
    return None


def _grid(parameters: dict) -> list[tuple[str, list]]:
    return [(name, choices) for name, body in parameters.items()
            if isinstance(body, dict) and (choices := _choices(body)) is not None]


def _choices(body: dict) -> list | None:
    """The levels of a `values` (or constant `value`) entry, as Python values; else None."""
    if "values" in body:
        return [_plain(c) for c in body["values"]]
    return [_plain(body["value"])] if "value" in body else None


def _whole(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) \
        and float(x) == int(x)


def _plain(x: Any) -> Any:
    """numpy scalars as Python's (their repr is Python code)."""
    return x.item() if hasattr(x, "item") else x


def _brief(body: Any) -> str:
    return f"distribution {body.get('distribution')}" if isinstance(body, dict) else repr(body)
