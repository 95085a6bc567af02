"""The demo data is what scripts/make_demo_data.py makes with W&B's sweeps engine."""

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "reportgen" / "sources" / "demo_data"


@pytest.fixture(scope="module")
def script():
    if importlib.util.find_spec("sweeps") is None:
        if os.environ.get("REPORTGEN_REQUIRE_ALL") == "1":
            raise RuntimeError("the sweeps package is required (pip install --no-deps sweeps)")
        pytest.skip("needs W&B's sweeps package: pip install --no-deps sweeps==0.3.0")
    spec = importlib.util.spec_from_file_location("make_demo_data",
                                                  ROOT / "scripts" / "make_demo_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["grid", "random"])
def test_regenerating_gives_the_shipped_files(script, tmp_path, monkeypatch, name):
    monkeypatch.setattr(script, "OUT", tmp_path)
    script.run_sweep(name)
    assert (tmp_path / f"{name}.csv").read_text() == (SHIPPED / f"{name}.csv").read_text()
    assert (tmp_path / f"{name}.yaml").read_text() == (SHIPPED / f"{name}.yaml").read_text()


def test_the_grid_covers_every_cell_and_the_objective_has_the_stated_optimum(script):
    import numpy as np

    from reportgen.sources import load_source

    (grid,) = load_source("demo:grid")
    assert len(grid.runs) == 3 * 2 * 2 * 2
    cells = grid.runs[["learning_rate", "batch_size", "dropout", "optimizer"]].drop_duplicates()
    assert len(cells) == 24
    rng = np.random.default_rng(0)
    best = script.objective({**script.OPTIMUM, "weight_decay": 1e-4, "warmup_steps": 300}, rng)
    for lr in (1e-4, 1e-3, 1e-2):
        other = script.objective({**script.OPTIMUM, "learning_rate": lr, "weight_decay": 1e-4,
                                  "warmup_steps": 300}, rng)
        assert other["val_loss"] > best["val_loss"]
