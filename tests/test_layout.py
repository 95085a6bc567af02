"""The code's layout holds: stages import only downward (no circle), analysis never draws and
drawing never computes, modules stay small, every public function says what it does."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "reportgen"
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module this file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _ours(names: set[str]) -> set[str]:
    return {n for n in names if n in MODULES}


GRAPH = {name: _ours(_imports(path)) - {name} for name, path in MODULES.items()}


def test_no_import_circle():
    """Package __init__ files are skipped as nodes: importing `reportgen.x.y` runs them, but
    an import of a sibling through its package is not a dependency of the package."""
    seen: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        path.append(node)
        for dep in sorted(GRAPH[node]):
            if MODULES[dep].name == "__init__.py":
                continue
            if seen.get(dep) == 1:
                raise AssertionError("import circle: " + " → ".join(
                    path[path.index(dep):] + [dep]))
            if dep not in seen:
                visit(dep)
        path.pop()
        seen[node] = 2

    for name in MODULES:
        if name not in seen:
            visit(name)


def _importing(prefix: str) -> dict[str, set[str]]:
    return {name: _imports(path) for name, path in MODULES.items()
            if name == prefix or name.startswith(prefix + ".")}


def _reaches(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)}


@pytest.mark.parametrize("layer, forbidden", [
    # analysis never draws, renders, reads a source or resolves a column
    ("reportgen.diagnostics", ("bokeh", "jinja2", "reportgen.plots", "reportgen.render",
                               "reportgen.sections", "reportgen.sources", "reportgen.resolve",
                               "reportgen.pipeline")),
    # drawing and rendering never compute statistics, read sources or resolve
    ("reportgen.plots", ("scipy", "sklearn", "reportgen.sources", "reportgen.resolve",
                         "reportgen.render", "reportgen.pipeline", "jinja2")),
    ("reportgen.render", ("scipy", "sklearn", "reportgen.sources", "reportgen.resolve",
                          "reportgen.pipeline")),
    # the views are pure: no figure, no template
    ("reportgen.sections", ("bokeh", "jinja2", "scipy", "sklearn", "reportgen.plots",
                            "reportgen.render", "reportgen.sources", "reportgen.resolve",
                            "reportgen.pipeline")),
    # sources read data; they know nothing of what is made of it
    ("reportgen.sources", ("bokeh", "jinja2", "reportgen.diagnostics", "reportgen.plots",
                           "reportgen.render", "reportgen.sections", "reportgen.pipeline")),
])
def test_layers_import_only_what_they_may(layer, forbidden):
    bad = {name: sorted(_reaches(names, forbidden))
           for name, names in _importing(layer).items() if _reaches(names, forbidden)}
    assert bad == {}


def test_the_index_and_the_cli_sit_beside_the_pipeline_not_above_it():
    assert "reportgen.pipeline" not in GRAPH["reportgen.index"]
    cli = _imports(MODULES["reportgen.cli"])
    # the command line parses options, calls the library and maps errors: it writes nothing
    assert not _reaches(cli, ("reportgen.output", "reportgen.render", "reportgen.sources"))


def test_no_module_is_over_450_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_module_and_public_function_has_a_docstring():
    missing = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(name)
        scopes = [(name, tree)] + [(f"{name}.{c.name}", c) for c in tree.body
                                   if isinstance(c, ast.ClassDef) and not c.name.startswith("_")]
        for where, scope in scopes:
            for node in scope.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        not node.name.startswith("_") and not ast.get_docstring(node):
                    missing.append(f"{where}.{node.name}")
    assert missing == []
