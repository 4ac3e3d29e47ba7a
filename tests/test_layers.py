"""The package's layers: imports only go downward, and no module imports itself in a circle.

Every ``import``/``from ... import`` in ``src/airace`` counts, function-level ones included
(a cycle kept alive only by imports inside functions is still a cycle); imports under
``if TYPE_CHECKING:`` are annotations and do not count. The top-level
``airace`` package is the public facade and may import anything; nothing may import it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "airace"

# Lowest first. A module may import its own layer and any lower one, never a higher one.
LAYERS: list[set[str]] = [
    {"errors", "files", "version", "schema"},
    {"catalog", "analysis", "scenarios"},
    {"importers"},
    {"service"},
    {"render"},
    {"cli", "report", "web", "__main__"},
]


def layer_of(module: str) -> int | None:
    """The layer of ``airace.x.y`` (None for the facade ``airace`` itself)."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    for index, names in enumerate(LAYERS):
        if parts[1] in names:
            return index
    raise AssertionError(f"{module} is in no layer; add its package to LAYERS")


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> set[str]:
    """Every airace module a file imports (absolute and relative, at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "airace")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "airace":
                continue
            found.add(target)
            for alias in node.names:  # `from airace.service import claims` is a module
                found.add(f"{target}.{alias.name}")
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations, not imports)."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {t for t in imports_of(path, name) if t in modules and t != name}
    return edges


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Imports from a lower layer to a higher one, and imports of the facade."""
    out = []
    for source, targets in sorted(edges.items()):
        low = layer_of(source)
        for target in sorted(targets):
            high = layer_of(target)
            if high is None and low is not None:
                out.append(f"{source} imports the facade {target}")
            elif low is not None and high is not None and high > low:
                out.append(f"{source} (layer {low}) imports {target} (layer {high})")
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _without_package_inits(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package __init__ that re-exports its own submodules is not a cycle with them."""
    return {
        s: {t for t in ts if not (s.startswith(f"{t}.") or t.startswith(f"{s}."))}
        for s, ts in edges.items()
    }


def test_imports_only_go_downward():
    assert violations(graph()) == []


def test_no_import_cycles():
    assert cycles(_without_package_inits(graph())) == []


def test_the_contract_fails_on_a_forbidden_import(tmp_path: Path):
    """Copy the package, add one upward import and one cycle: both checks must fail."""
    import shutil

    root = tmp_path / "airace"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("data", "__pycache__"))
    with (root / "analysis" / "cadence.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef _bad():\n    from airace.cli.common import emit  # noqa\n")
    edges = graph(root)
    assert violations(edges) == [
        "airace.analysis.cadence (layer 1) imports airace.cli.common (layer 5)"
    ]
    with (root / "schema" / "cells.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef _loop():\n    from airace.schema import periods  # noqa\n")
    with (root / "schema" / "periods.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef _loop():\n    from airace.schema.cells import as_list  # noqa\n")
    assert ["airace.schema.cells", "airace.schema.periods"] in cycles(
        _without_package_inits(graph(root))
    )


@pytest.mark.parametrize("module", ["airace", "airace.cli"])
def test_light_modules_do_not_import_pandas_or_duckdb(module: str):
    """`import airace` and `airace --help` stay fast: no pandas or DuckDB at import time."""
    import subprocess
    import sys

    code = (
        f"import sys, {module}; heavy = [m for m in ('pandas', 'duckdb', 'numpy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_no_service_module_shadows_a_public_function():
    """`airace.service.X` must not be both a facade function and a submodule: importing the
    submodule would replace the function on the package."""
    import airace.service as service

    modules = {p.stem for p in (PACKAGE / "service").glob("*.py")}
    assert sorted(modules & set(service.__all__)) == []
