"""The package's layout, checked from its source: the dependency rule of docs/architecture.md.

The import graph is read with :mod:`ast` from every module, imports inside functions
and under ``TYPE_CHECKING`` included, so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "usc_events"

#: The stages of the data flow, lowest first; a stage may import only stages below it
#: (and the root's shared modules). Stages on one level may import each other, without
#: a cycle.
LEVELS: dict[str, int] = {
    "schema": 1, "build": 2, "store": 3,
    "releases": 4, "query": 4, "contrib": 4, "docgen": 4,
    "cli": 5,
}
#: Modules at the root that every stage may use; they import no stage.
SHARED = {"errors", "settings", "_files", "matching", "text", "_version", "extras"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported or None, line) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name, node.lineno) for alias in node.names)
    return [item for item in found if item[0].split(".")[0] == "usc_events"]


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(module: str, name: str | None, modules: dict[str, Path]) -> str:
    """The module an import statement binds: ``from a import b`` is module ``a.b`` if it is one."""
    if name is not None and f"{module}.{name}" in modules:
        return f"{module}.{name}"
    return module


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _where(path: Path, line: int) -> str:
    shown = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path.name
    return f"{shown}:{line}"


def cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Import cycles between modules (a package importing its own submodules aside)."""
    graph = nx.DiGraph()
    for module, path in modules.items():
        graph.add_node(module)
        for imported, name, _line in _imports(path):
            graph.add_edge(module, _target(imported, name, modules))
    graph.remove_edges_from(nx.selfloop_edges(graph))
    graph.remove_nodes_from([m for m, p in modules.items() if p.name == "__init__.py"])
    return list(nx.simple_cycles(graph))


def upward_imports(modules: dict[str, Path]) -> list[str]:
    """Imports of a stage above the importer's (or of any stage by a shared module)."""
    wrong = []
    for module, path in modules.items():
        stage = _stage(module)
        for imported, name, line in _imports(path):
            target = _stage(_target(imported, name, modules))
            if target is None or target == stage or target in SHARED or module == "usc_events":
                continue
            where = f"{_where(path, line)} imports {imported}"
            if stage is None or stage in SHARED:
                wrong.append(f"{where} (a shared root module imports a stage)")
            elif LEVELS[target] > LEVELS[stage]:
                wrong.append(f"{where} ({target} is above {stage})")
    return wrong


def root_imports(modules: dict[str, Path]) -> list[str]:
    """Imports of the package root by a module below the CLI."""
    wrong = []
    for module, path in modules.items():
        if module == "usc_events" or _stage(module) == "cli":
            continue
        for imported, name, line in _imports(path):
            if imported == "usc_events" and (name is None or f"usc_events.{name}" not in modules):
                wrong.append(_where(path, line))
    return wrong


def private_imports(modules: dict[str, Path]) -> list[str]:
    """Private names (``_x``) imported from another stage."""
    wrong = []
    for module, path in modules.items():
        for imported, name, line in _imports(path):
            if name is None or not name.startswith("_") or name == "__version__":
                continue
            if _stage(_target(imported, name, modules)) != _stage(module):
                wrong.append(f"{_where(path, line)} imports {name}")
    return wrong


def test_the_root_holds_at_most_ten_modules_and_no_module_is_over_500_lines() -> None:
    root = [p.name for p in PACKAGE.glob("*.py")]
    assert len(root) <= 10, root
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


@pytest.mark.parametrize("rule", [cycles, upward_imports, root_imports, private_imports])
def test_the_package_keeps_the_dependency_rule(rule: object) -> None:
    assert rule(MODULES) == []  # type: ignore[operator]


#: For each rule, modules that break it (name → source).
OFFENDERS = {
    cycles: {"usc_events.schema.loop": "from usc_events.build import back\n",
             "usc_events.build.back": "def f():\n    from usc_events.schema import loop\n"},
    upward_imports: {"usc_events.schema.loop": "def f():\n    from usc_events.cli import app\n"},
    root_imports: {"usc_events.store.loop": "def f():\n    import usc_events\n"},
    private_imports: {"usc_events.query.loop":
                      "from usc_events.build.builder import _display\n"},
}


@pytest.mark.parametrize("rule", list(OFFENDERS))
def test_each_rule_finds_a_module_that_breaks_it(rule: object, tmp_path: Path) -> None:
    """A rule that cannot fail proves nothing: plant offending modules and see them found."""
    modules = dict(MODULES)
    for name, source in OFFENDERS[rule].items():  # type: ignore[index]
        path = tmp_path / f"{name.rsplit('.', 1)[1]}.py"
        path.write_text(source, encoding="utf-8")
        modules[name] = path
    assert rule(modules) != []  # type: ignore[operator]
