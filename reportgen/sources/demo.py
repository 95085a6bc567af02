"""The bundled demo: grid, random and bayes sweeps made by W&B's `sweeps` engine.

The data are W&B runs-table exports with their sweep configs (scripts/make_demo_data.py), so
the demo goes through the same reader as a user's export.
"""

from __future__ import annotations

from importlib import resources

from reportgen.errors import SourceError
from reportgen.model import LoadedSweep
from reportgen.sources import exports

NAMES = ("grid", "random", "bayes")


def load(source: str) -> list[LoadedSweep] | None:
    """`demo` (every demo sweep) or `demo:NAME`; decline anything else."""
    if source == "demo":
        wanted = list(NAMES)
    elif source.startswith("demo:"):
        wanted = [source.split(":", 1)[1]]
        if wanted[0] not in NAMES:
            choices = ", ".join(f"demo:{n}" for n in NAMES)
            raise SourceError(f"unknown demo '{wanted[0]}': use one of {choices}")
    else:
        return None
    import yaml

    data = resources.files("reportgen.sources") / "demo_data"
    out = []
    for name in wanted:
        with resources.as_file(data / f"{name}.csv") as path:
            (loaded,) = exports.load(str(path)) or []
        config = yaml.safe_load((data / f"{name}.yaml").read_text(encoding="utf-8"))
        loaded.source = f"demo:{name}"
        loaded.name = config["name"]
        loaded.config = config
        loaded.method = config["method"]
        loaded.notes = [f"demo sweep made by W&B's sweeps engine ({name} search)"]
        out.append(loaded)
    return out
