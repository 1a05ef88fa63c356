"""The build stage depends only on the schema and the shared modules below it."""

from __future__ import annotations

import ast
from pathlib import Path

import usc_events.build

ALLOWED = (
    "usc_events.schema",
    "usc_events.errors",
    "usc_events.matching",
    "usc_events._files",
    "usc_events.settings",
    "usc_events.build",
)


def _imported(path: Path) -> list[tuple[int, str]]:
    """Every project module ``path`` imports, lazily inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}:{node.lineno}: relative import"
            module = node.module or ""
            if module == "usc_events":
                found += [(node.lineno, f"usc_events.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, name) for line, name in found if name.split(".")[0] == "usc_events"]


def test_build_imports_only_the_schema_the_shared_modules_and_itself() -> None:
    folder = Path(usc_events.build.__file__).parent
    wrong = [
        f"{path.name}:{line}: {name}"
        for path in sorted(folder.glob("*.py"))
        for line, name in _imported(path)
        if not any(name == a or name.startswith(f"{a}.") for a in ALLOWED)
    ]
    assert wrong == []
