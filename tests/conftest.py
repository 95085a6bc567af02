"""Shared fixtures: real W&B offline runs written by wandb itself, the CLI, headless Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


def write_offline_runs(directory: Path, runs: list[dict], sweep_id: str | None = None,
                       project: str = "proj") -> Path:
    """Run wandb in offline mode in a subprocess (its own environment) to write real runs."""
    directory.mkdir(parents=True, exist_ok=True)
    spec = directory / f"spec-{sweep_id or 'none'}.json"
    spec.write_text(json.dumps({"dir": str(directory), "sweep_id": sweep_id, "project": project,
                                "runs": runs}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")}
    env.update({"HOME": str(directory), "WANDB_CONFIG_DIR": str(directory / ".config"),
                "WANDB_CACHE_DIR": str(directory / ".cache")})
    subprocess.run([sys.executable, str(HERE / "offline_runs.py"), str(spec)], check=True,
                   env=env, capture_output=True, timeout=300)
    spec.unlink()
    return directory / "wandb"


def sweep_runs(n: int, seed: int, crash_every: int = 0) -> list[dict]:
    """n runs of a small objective with a config of nested and flat keys and a history."""
    import random

    rng = random.Random(seed)
    runs = []
    for i in range(n):
        lr = 10 ** rng.uniform(-5, -1)
        opt = rng.choice(["adam", "sgd"])
        dropout = round(rng.uniform(0, 0.5), 4)
        final = (abs(lr - 3e-3) * 50 + dropout + (0.3 if opt == "sgd" else 0)) + 0.1
        history = [{"val_loss": final * (1 + 0.5 / (s + 1))} for s in range(4)]
        history.append({"val_loss": final})
        run = {"config": {"lr": lr, "optim": {"name": opt}, "dropout": dropout, "seed": 7},
               "name": f"run-{seed}-{i:02d}", "history": history}
        if crash_every and i % crash_every == crash_every - 1:
            run["exit_code"] = 1
        runs.append(run)
    return runs


@pytest.fixture(scope="session")
def offline_sweeps(tmp_path_factory) -> Path:
    """A project folder: 12 runs of sweep 'swpaaa1' (one failed) and 8 of sweep 'swpbbb2'."""
    root = tmp_path_factory.mktemp("offline")
    write_offline_runs(root, sweep_runs(12, seed=1, crash_every=12), sweep_id="swpaaa1")
    write_offline_runs(root, sweep_runs(8, seed=2), sweep_id="swpbbb2")
    return root / "wandb"


@pytest.fixture()
def cli():
    """Run `reportgen` in-process; returns click's Result."""
    from click.testing import CliRunner

    from reportgen.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
