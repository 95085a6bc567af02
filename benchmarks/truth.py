"""How often the report's words are true: diagnostics measured on sweeps of known truth.

    python benchmarks/truth.py                 # the whole benchmark (about 400 sweeps)
    python benchmarks/truth.py --seeds 1 --sizes 30,80 --only tpe,qmc

Sweeps are proposed by the real engines — W&B's `sweeps` (grid, random, bayes) and Optuna
(random, QMC/Sobol, TPE, CMA-ES) — on five objectives whose truth is known by construction
(strong, weak and no-effect parameters, an optimum inside the range and one on a bound, a
categorical that matters and a conditional parameter, a noisy one), plus designed
experiments (a grid with seeds, one-factor-at-a-time ablations with seeds, k-fold repeats of
random configurations). Every sweep is given to reportgen with its declared method replaced
by a wrong one and its parameter order reversed, so everything must come from the runs.

These objectives and seeds are not the tests' (tests/ground_truth.py): the benchmark is held
out. Proposals are cached in benchmarks/.truth-cache (W&B's bayes engine takes ~30 s for a
200-run sweep); delete it to draw them again.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CACHE = Path(__file__).with_name(".truth-cache")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # float | int | cat
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    choices: tuple = ()
    when: tuple[str, str] | None = None  # conditional: (parameter, level) it is active under


@dataclass(frozen=True)
class Problem:
    name: str
    params: tuple[Param, ...]
    objective: Callable[[dict, random.Random], float]
    strong: tuple[str, ...]
    none: tuple[str, ...]  # parameters without any effect
    optimum: dict[str, Any]  # the best value of each parameter with an effect


def _bowl(c: dict, r: random.Random) -> float:
    return (math.log10(c["lr"] / 1e-3) ** 2 + 8 * (c["dropout"] - 0.15) ** 2
            + r.gauss(0, 0.02))


def _catcond(c: dict, r: random.Random) -> float:
    v = {"sgd": 0.8, "adam": 0.3, "adamw": 0.0}[c["optimizer"]]
    v += 0.6 * math.log10(c["lr"] / 3e-3) ** 2
    if c["optimizer"] == "sgd":
        v += 0.5 * (c["momentum"] - 0.9) ** 2
    return v + r.gauss(0, 0.02)


def _edge(c: dict, r: random.Random) -> float:
    return 1.5 * c["dropout"] + 0.5 * math.log10(1e-2 / c["lr"]) + r.gauss(0, 0.02)


def _weak(c: dict, r: random.Random) -> float:
    return 0.02 * (c["layers"] - 6) ** 2 + 0.1 * (math.log10(c["lr"]) + 4) / 3 \
        + r.gauss(0, 0.02)


def _noisy(c: dict, r: random.Random) -> float:
    return 0.5 * math.log10(c["lr"] / 1e-3) ** 2 + 1e-5 * (c["batch"] - 64) ** 2 \
        + r.gauss(0, 0.25)


PROBLEMS = {p.name: p for p in (
    Problem("bowl", (Param("lr", "float", 1e-5, 1e-1, log=True),
                     Param("dropout", "float", 0.0, 0.5),
                     Param("warmup", "float", 0.0, 1.0),
                     Param("beta2", "float", 0.9, 0.999)),
            _bowl, ("lr", "dropout"), ("warmup", "beta2"), {"lr": 1e-3, "dropout": 0.15}),
    Problem("catcond", (Param("optimizer", "cat", choices=("sgd", "adam", "adamw")),
                        Param("lr", "float", 1e-4, 1e-1, log=True),
                        Param("momentum", "float", 0.0, 0.99, when=("optimizer", "sgd")),
                        Param("weight_decay", "float", 1e-6, 1e-2, log=True)),
            _catcond, ("optimizer", "lr"), ("weight_decay",),
            {"optimizer": "adamw", "lr": 3e-3}),
    Problem("edge", (Param("dropout", "float", 0.0, 0.6),
                     Param("lr", "float", 1e-4, 1e-2, log=True),
                     Param("depth", "int", 2, 12),
                     Param("mix", "float", 0.0, 1.0)),
            _edge, ("dropout", "lr"), ("depth", "mix"), {"dropout": 0.0, "lr": 1e-2}),
    Problem("weak", (Param("layers", "int", 1, 16),
                     Param("lr", "float", 1e-4, 1e-1, log=True),
                     Param("act", "cat", choices=("relu", "gelu", "tanh")),
                     Param("p1", "float", 0.0, 1.0)),
            _weak, ("layers",), ("act", "p1"), {"layers": 6, "lr": 1e-4}),
    Problem("noisy", (Param("lr", "float", 1e-5, 1e-1, log=True),
                      Param("batch", "int", 16, 256),
                      Param("z1", "float", 0.0, 1.0),
                      Param("z2", "float", -1.0, 1.0)),
            _noisy, ("lr",), ("z1", "z2"), {"lr": 1e-3}),
)}

#: the sampler → what reportgen should infer, and the wrong method it is told
TRUTH = {"wandb-grid": "grid", "wandb-random": "random", "optuna-random": "random",
         "optuna-qmc": "quasi-random", "wandb-bayes": "adaptive", "optuna-tpe": "adaptive",
         "optuna-cmaes": "adaptive", "grid-seeds": "grid", "ablation": "one-factor",
         "kfold": "random"}
WRONG = {"grid": "random", "random": "bayes", "quasi-random": "bayes", "adaptive": "random",
         "one-factor": "random"}
FAMILY = {"wandb-bayes": "W&B bayes", "optuna-tpe": "TPE", "optuna-cmaes": "CMA-ES",
          "wandb-random": "W&B random", "optuna-random": "Optuna random",
          "optuna-qmc": "QMC (Sobol)", "wandb-grid": "grid", "grid-seeds": "grid × seeds",
          "ablation": "one-factor ablation × seeds", "kfold": "random × 5 folds"}


# ---------------------------------------------------------------- proposing the runs

def wandb_params(problem: Problem, grid_levels: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in problem.params:
        if p.kind == "cat":
            out[p.name] = {"values": list(p.choices)}
        elif grid_levels:
            out[p.name] = {"values": _levels(p, grid_levels)}
        elif p.kind == "int":
            out[p.name] = {"distribution": "int_uniform", "min": int(p.low), "max": int(p.high)}
        elif p.log:
            out[p.name] = {"distribution": "log_uniform_values", "min": p.low, "max": p.high}
        else:
            out[p.name] = {"distribution": "uniform", "min": p.low, "max": p.high}
    return out


def _levels(p: Param, k: int) -> list:
    if p.kind == "cat":
        return list(p.choices)
    t = np.linspace(0, 1, k)
    if p.log:
        values = [float(f"{10 ** (math.log10(p.low) + x * math.log10(p.high / p.low)):.3g}")
                  for x in t]
    else:
        values = [float(f"{p.low + x * (p.high - p.low):.3g}") for x in t]
    return [int(round(v)) for v in values] if p.kind == "int" else values


def _active(problem: Problem, cfg: dict) -> dict:
    return {k: v for k, v in cfg.items()
            if not (_spec(problem, k) and _spec(problem, k).when
                    and cfg.get(_spec(problem, k).when[0]) != _spec(problem, k).when[1])}


def _spec(problem: Problem, name: str) -> Param | None:
    return next((p for p in problem.params if p.name == name), None)


def propose_wandb(problem: Problem, method: str, n: int, seed: int) -> list[dict]:
    from ground_truth import wandb_rows

    cfg = {"method": method, "metric": {"name": "loss", "goal": "minimize"},
           "parameters": wandb_params(problem, 3 if method == "grid" else None)}
    return wandb_rows(cfg, problem.objective, n, seed)  # W&B logs every proposed key


def propose_optuna(problem: Problem, sampler: str, n: int, seed: int) -> list[dict]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    r = random.Random(seed + 1)
    make = {"optuna-random": lambda: optuna.samplers.RandomSampler(seed=seed),
            "optuna-qmc": lambda: optuna.samplers.QMCSampler(
                qmc_type="sobol", scramble=True, seed=seed, warn_independent_sampling=False),
            "optuna-tpe": lambda: optuna.samplers.TPESampler(seed=seed),
            "optuna-cmaes": lambda: optuna.samplers.CmaEsSampler(
                seed=seed, warn_independent_sampling=False)}
    study = optuna.create_study(sampler=make[sampler]())
    rows: list[dict] = []

    def trial_fn(trial):  # type: ignore[no-untyped-def]
        values: dict[str, Any] = {}
        for p in problem.params:
            if p.when and values.get(p.when[0]) != p.when[1]:
                continue
            if p.kind == "cat":
                values[p.name] = trial.suggest_categorical(p.name, list(p.choices))
            elif p.kind == "int":
                values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high))
            else:
                values[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
        loss = problem.objective(values, r)
        rows.append({**values, "loss": loss})
        return loss

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(trial_fn, n_trials=n)
    return rows


def propose_design(problem: Problem, design: str, n: int, seed: int) -> list[dict]:
    r = random.Random(seed + 1)
    rows: list[dict] = []
    if design == "grid-seeds":  # a 3-level grid (all levels of categoricals) × 3 seeds
        from itertools import product

        levels = [_levels(p, 3) for p in problem.params]
        for values in product(*levels):
            cfg = dict(zip([p.name for p in problem.params], values))
            for s in range(3):
                rows.append({**_active(problem, cfg), "seed": s,
                             "loss": problem.objective(cfg, r)})
    elif design == "ablation":  # a baseline, each factor over 4 levels alone, × 4 seeds
        base = {p.name: _levels(p, 4)[1] if p.kind != "cat" else p.choices[0]
                for p in problem.params}
        configs = [base]
        for p in problem.params:
            for v in _levels(p, 4):
                if v != base[p.name]:
                    configs.append({**base, p.name: v})
        for cfg in configs:
            for s in range(4):
                rows.append({**_active(problem, cfg), "seed": 1000 + s,
                             "loss": problem.objective(cfg, r)})
    elif design == "kfold":  # random configurations, each run on 5 folds
        rng = np.random.default_rng(seed)
        for _ in range(max(6, n // 5)):
            cfg: dict[str, Any] = {}
            for p in problem.params:
                if p.kind == "cat":
                    cfg[p.name] = str(rng.choice(p.choices))
                elif p.log:
                    cfg[p.name] = float(10 ** rng.uniform(math.log10(p.low), math.log10(p.high)))
                elif p.kind == "int":
                    cfg[p.name] = int(rng.integers(int(p.low), int(p.high) + 1))
                else:
                    cfg[p.name] = float(rng.uniform(p.low, p.high))
            for fold in range(5):
                rows.append({**_active(problem, cfg), "fold": fold,
                             "loss": problem.objective(cfg, r)})
    return rows


def propose(problem: Problem, sampler: str, n: int, seed: int) -> list[dict]:
    path = CACHE / f"{problem.name}-{sampler}-{n}-{seed}.json"
    if path.exists():
        return json.loads(path.read_text())
    if sampler.startswith("wandb-"):
        rows = propose_wandb(problem, sampler.split("-")[1], n, seed)
    elif sampler.startswith("optuna-"):
        rows = propose_optuna(problem, sampler, n, seed)
    else:
        rows = propose_design(problem, sampler, n, seed)
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(rows))
    return rows


# ---------------------------------------------------------------- judging the report

def as_sweep(problem: Problem, sampler: str, rows: list[dict], name: str):  # type: ignore[no-untyped-def]
    """The runs as reportgen gets them: one after another, with the declared space under a
    wrong method (tests/ground_truth.py makes the frame)."""
    from ground_truth import _sweep

    truth = TRUTH[sampler]
    params = wandb_params(problem, 3 if sampler == "wandb-grid" else None)
    if sampler == "grid-seeds":
        params = {p.name: {"values": _levels(p, 3)} for p in problem.params}
        params["seed"] = {"values": [0, 1, 2]}
    elif sampler == "ablation":
        params = {p.name: {"values": _levels(p, 4)} for p in problem.params}
        params["seed"] = {"values": [1000, 1001, 1002, 1003]}
    elif sampler == "kfold":
        params["fold"] = {"values": [0, 1, 2, 3, 4]}
    cfg = {"method": WRONG[truth], "metric": {"name": "loss", "goal": "minimize"},
           "parameters": dict(reversed(list(params.items())))}
    order = list(reversed(list(params))) + ["loss"]  # the parameter order reversed
    reordered = [{k: row.get(k, float("nan")) for k in order} for row in rows]
    return _sweep(reordered, cfg, name)


def judge(job: tuple[str, str, int, int]) -> dict[str, Any]:
    from reportgen.diagnostics.analyse import analyse
    from reportgen.suggest import bounds_contain, suggest

    problem_name, sampler, n, seed = job
    problem = PROBLEMS[problem_name]
    rows = propose(problem, sampler, n, seed)
    sweep = as_sweep(problem, sampler, rows, f"{problem_name}-{sampler}-{n}-{seed}")
    t0 = time.perf_counter()
    d = analyse(sweep)
    proposal = suggest(sweep, d)
    seconds = time.perf_counter() - t0
    truth = TRUTH[sampler]
    if len(d.prep.distinct) < 20 and sampler == "kfold":  # too few configurations to tell
        truth = "insufficient evidence"
    ranks = {p.name: p.rank for p in d.importance.params}
    strong = [ranks[p] for p in problem.strong if p in ranks]
    none = [ranks[p] for p in problem.none if p in ranks]
    ranked = bool(strong and none) and max(strong) < min(none)
    changed = {c.param: c for c in proposal.changed()}
    narrowed_none = [p for p in problem.none if p in changed
                     and not changed[p].reason.startswith("widened")]
    lost = [k for k, v in problem.optimum.items()
            if not bounds_contain(proposal.config, k, _nearest(problem, sweep, k, v))]
    said_extend = [f.evidence.get("param") for f in d.findings if f.kind == "region_bound"]
    contradictions = [p for p in said_extend
                      if not (p in changed and changed[p].reason.startswith("widened"))]
    return {"problem": problem_name, "sampler": sampler, "n": len(rows), "size": n,
            "seed": seed, "truth": truth, "inferred": d.strategy.inferred,
            "concentrating": bool(d.convergence.concentrating),
            "concentration_p": d.convergence.concentration_pvalue,
            "ranked": ranked if strong and none and truth != "insufficient evidence" else None,
            "unranked_flagged": None if truth != "insufficient evidence"
            else not d.importance.reliable,
            "reliable": d.importance.reliable, "method": d.importance.method,
            "narrowed_none": narrowed_none, "lost_optimum": lost,
            "contradictions": contradictions, "seconds": seconds}


def _nearest(problem: Problem, sweep, name: str, value: Any) -> Any:  # type: ignore[no-untyped-def]
    """The optimum, or on a grid (a `values` list) the level nearest to it."""
    from reportgen.suggest import _body

    body = _body(sweep.config, name) or {}
    levels = body.get("values")
    if not levels or isinstance(value, str):
        return value
    spec = _spec(problem, name)
    t = (lambda x: math.log10(x)) if spec and spec.log else (lambda x: x)
    return min(levels, key=lambda x: abs(t(x) - t(value)))


def jobs(seeds: int, sizes: list[int], only: list[str] | None) -> list[tuple[str, str, int, int]]:
    out = []
    for sampler in TRUTH:
        if only and not any(o in sampler for o in only):
            continue
        for problem in PROBLEMS:
            if sampler in ("wandb-grid", "grid-seeds", "ablation"):
                out.append((problem, sampler, 1000, 100))  # their size is the design's
                continue
            for n in sizes:
                for seed in range(seeds):
                    if sampler == "kfold" and seed > 0:
                        continue
                    out.append((problem, sampler, n, 100 + seed))
    return out


def table(results: list[dict]) -> str:
    def share(rows: list[dict], ok: Callable[[dict], bool]) -> str:
        if not rows:
            return "–"
        k = sum(1 for r in rows if ok(r))
        return f"{k}/{len(rows)} ({k / len(rows):.0%})"

    adaptive = [r for r in results if r["truth"] == "adaptive"]
    randomish = [r for r in results if r["truth"] in ("random", "quasi-random")]
    by_family: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        by_family[FAMILY[r["sampler"]]].append(r)
    ranked = [r for r in results if r["ranked"] is not None]
    unranked = [r for r in results if r["unranked_flagged"] is not None]

    def adaptive_families(key: str) -> list[str]:
        """A row per adaptive sampler: the share of its judged sweeps where `key` holds."""
        rows = []
        for family in ("W&B bayes", "TPE", "CMA-ES"):
            judged = [r for r in by_family[family] if r[key] is not None]
            rows.append(f"| … {family} | {share(judged, lambda r: bool(r[key]))} |")
        return rows

    lines = ["| what | measured |", "|---|---|",
             f"| strategy right | {share(results, lambda r: r['inferred'] == r['truth'])} |"]
    for family, rows in by_family.items():
        lines.append(f"| … {family} | {share(rows, lambda r: r['inferred'] == r['truth'])} |")
    lines += [
        f"| false \"adaptive\" on random and QMC sweeps | "
        f"{share(randomish, lambda r: r['inferred'] == 'adaptive')} |",
        f"| proposals concentrating, seen on adaptive sweeps | "
        f"{share(adaptive, lambda r: r['concentrating'])} |", *adaptive_families("concentrating"),
        f"| … said of random and QMC sweeps (false) | "
        f"{share(randomish, lambda r: r['concentrating'])} |",
        f"| every no-effect parameter ranked below every strong one | "
        f"{share(ranked, lambda r: r['ranked'])} |", *adaptive_families("ranked"),
        f"| … below 50 runs | "
        f"{share([r for r in ranked if r['n'] < 50], lambda r: r['ranked'])} |",
        f"| … wrong rankings marked reliable | "
        f"{share([r for r in ranked if not r['ranked']], lambda r: r['reliable'])} |",
        f"| … too few configurations to rank (kfold), ranking flagged | "
        f"{share(unranked, lambda r: r['unranked_flagged'])} |",
        f"| next sweep narrows a no-effect parameter | "
        f"{share(results, lambda r: bool(r['narrowed_none']))} |",
        f"| next sweep keeps every known optimum | "
        f"{share(results, lambda r: not r['lost_optimum'])} |",
        f"| summary says \"extend\" where the proposal does not | "
        f"{share(results, lambda r: bool(r['contradictions']))} |"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--sizes", default="30,80,200")
    parser.add_argument("--only", default="", help="comma-separated sampler substrings")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--json", help="write every sweep's verdicts here")
    parser.add_argument("--failures", action="store_true", help="list the wrong verdicts")
    args = parser.parse_args()
    todo = jobs(args.seeds, [int(s) for s in args.sizes.split(",")],
                [o for o in args.only.split(",") if o] or None)
    t0 = time.perf_counter()
    if args.workers > 1:
        from multiprocessing import Pool

        with Pool(args.workers) as pool:
            results = pool.map(judge, todo, chunksize=1)
    else:
        results = [judge(j) for j in todo]
    print(f"{len(results)} sweeps in {time.perf_counter() - t0:.0f} s "
          f"(analysis + proposal: median {np.median([r['seconds'] for r in results]):.2f} s)")
    print(table(results))
    if args.failures:
        for r in results:
            wrong = []
            if r["inferred"] != r["truth"]:
                wrong.append(f"strategy {r['inferred']}")
            if r["truth"] == "adaptive" and not r["concentrating"]:
                wrong.append("no concentration")
            if r["truth"] != "adaptive" and r["concentrating"]:
                wrong.append("false concentration")
            if r["ranked"] is False:
                wrong.append(f"ranking ({'reliable' if r['reliable'] else 'flagged'})")
            for key in ("narrowed_none", "lost_optimum", "contradictions"):
                if r[key]:
                    wrong.append(f"{key} {r[key]}")
            if wrong:
                print(f"{r['problem']}-{r['sampler']}-{r['size']}-{r['seed']} "
                      f"(n={r['n']}): {'; '.join(wrong)}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    main()
