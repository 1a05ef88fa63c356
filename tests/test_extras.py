"""The optional extras: stated once in usc_events.extras, agreeing with pyproject, and used.

Each optional feature is run in a real subprocess in which its packages cannot be
imported (an import hook hides them), so the error people meet without the extra is
checked as they meet it: one line naming the packages and the extra, exit code 2 from
the command line, no traceback, nothing written.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import get_args

import pytest

from usc_events.errors import ERROR_CODES, MissingExtra, UsageProblem
from usc_events.extras import (
    DEVELOPMENT_EXTRAS,
    EXTRAS,
    FEATURES,
    Feature,
    install_command,
    message,
    require,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "usc_events"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OPTIONAL = PYPROJECT["optional-dependencies"]


def _name(requirement: str) -> str:
    """The distribution a requirement names: ``dask[dataframe]>=2024.8`` → ``dask``."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower()


# --- one statement, agreeing with pyproject -------------------------------------------


def test_pyproject_declares_exactly_the_extras_of_the_helper() -> None:
    assert set(OPTIONAL) == {*EXTRAS, "all", *DEVELOPMENT_EXTRAS}
    for name, extra in EXTRAS.items():
        assert OPTIONAL[name] == list(extra.requirements), name
    in_all = ",".join(name for name, extra in EXTRAS.items() if extra.in_all)
    assert OPTIONAL["all"] == [f"usc-events[{in_all}]"]
    for name in DEVELOPMENT_EXTRAS:
        assert "usc-events[all]" in OPTIONAL[name], name


def test_exploring_needs_no_extra_and_no_extra_repeats_a_core_dependency() -> None:
    core = {_name(r) for r in PYPROJECT["dependencies"]}
    assert {"pandas", "duckdb", "pyarrow"} <= core
    for extra in EXTRAS.values():
        assert not {_name(r) for r in extra.requirements} & core, extra.name


def test_each_feature_names_modules_its_extra_installs() -> None:
    assert set(FEATURES) == set(get_args(Feature))
    for feature, need in FEATURES.items():
        installs = {_name(r) for r in EXTRAS[need.extra].requirements}
        assert set(need.modules) <= installs, feature


def test_the_message_names_the_packages_and_the_extra() -> None:
    assert message("plots") == ("drawing plots needs matplotlib and networkx: "
                                "pip install 'usc-events[plots]'")
    assert message("polars") == "the polars backend needs polars: pip install 'usc-events[polars]'"
    assert install_command("formats") == "pip install 'usc-events[formats]'"
    assert "missing-extra" in ERROR_CODES and MissingExtra.code == "missing-extra"
    assert issubclass(MissingExtra, UsageProblem) and issubclass(MissingExtra, ImportError)


def test_require_passes_when_the_packages_are_installed() -> None:
    for feature in FEATURES:
        require(feature)


# --- every import of an optional package goes through require ----------------------------


OPTIONAL_MODULES = {module for need in FEATURES.values() for module in need.modules}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def unguarded_imports(path: Path) -> list[str]:
    """Imports of an optional module not preceded, in their function, by ``require(...)``
    of a feature that needs it (imports under ``TYPE_CHECKING`` aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = _type_checking_lines(tree)
    wrong: list[tuple[int, str]] = []
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            if top not in OPTIONAL_MODULES or node.lineno in checking:
                continue
            inside = [f for f in functions if f.lineno <= node.lineno <= (f.end_lineno or 0)]
            required = set()
            if inside:
                for call in ast.walk(inside[-1]):
                    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                            and call.func.id == "require" and call.lineno < node.lineno
                            and call.args and isinstance(call.args[0], ast.Constant)):
                        required.update(FEATURES[call.args[0].value].modules)
            if top not in required:
                wrong.append((node.lineno, f"{path.name}:{node.lineno} imports {module}"))
    return [text for _line, text in sorted(wrong)]


def test_every_import_of_an_optional_package_is_preceded_by_require() -> None:
    found = [line for path in sorted(PACKAGE.rglob("*.py")) for line in unguarded_imports(path)]
    assert found == []


def test_the_import_rule_finds_an_import_without_require(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import polars\n"          # fine: types only
        "def good():\n    require('network')\n    import networkx\n"
        "def wrong_feature():\n    require('polars')\n    import matplotlib.pyplot\n"
        "def bad():\n    import pycountry\n"
        "import pandera\n",
        encoding="utf-8")
    assert unguarded_imports(planted) == ["planted.py:9 imports matplotlib.pyplot",
                                          "planted.py:11 imports pycountry",
                                          "planted.py:12 imports pandera"]


# --- without the extra, as people meet it ----------------------------------------------------

#: Hides modules from imports, as if they were not installed; then runs the code after it.
HIDE = """\
import sys, importlib.abc
HIDDEN = set(sys.argv.pop(1).split(","))
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Hide())
"""


def _without(hidden: str, code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", HIDE + code, hidden, *args], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


CLI = "import runpy; sys.argv[0] = 'usc-events'; runpy.run_module('usc_events.cli', run_name='__main__')"


@pytest.mark.parametrize(("hidden", "args", "feature", "made"), [
    ("matplotlib", ["plot", "timeline", "--out", "t.png"], "plots", "t.png"),
    ("networkx", ["plot", "network", "--out", "n.svg"], "plots", "n.svg"),
    ("pycountry", ["export", "--format", "plover", "--out", "plover"], "formats", "plover"),
])
def test_the_cli_says_which_extra_in_one_line_and_exits_2(
    hidden: str, args: list[str], feature: Feature, made: str, tmp_path: Path
) -> None:
    result = _without(hidden, CLI, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"error: {message(feature)}"]
    assert result.stdout == ""
    assert not (tmp_path / made).exists()


@pytest.mark.parametrize(("hidden", "code", "feature"), [
    ("polars", "usc_events.load('actors', backend='polars')", "polars"),
    ("polars", "usc_events.open(backend='polars')", "polars"),
    ("polars", "usc_events.scan('statements', backend='polars')", "polars"),
    ("networkx", "usc_events.open().network()", "network"),
    ("matplotlib", "from usc_events.query import plots; "
                   "from pathlib import Path; plots.timeline(usc_events.open(backend='arrow').timeline(), Path('x.png'))", "plots"),
    ("pandera", "from usc_events.schema.columns import pandera_schema; pandera_schema('actors')",
     "pandera"),
])
def test_python_raises_missing_extra_naming_the_extra(
    hidden: str, code: str, feature: Feature, tmp_path: Path
) -> None:
    script = ("import usc_events\nfrom usc_events.errors import MissingExtra\n"
              f"try:\n    {code}\nexcept MissingExtra as error:\n"
              "    print(error.extra, error.missing, str(error), sep='|')\n")
    result = _without(hidden, script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{FEATURES[feature].extra}|{hidden}|{message(feature)}"
    assert not (tmp_path / "x.png").exists()


def test_the_core_install_explores_with_every_extra_hidden(tmp_path: Path) -> None:
    """pandas and DuckDB are core: the loaders, helpers and SQL need no extra."""
    hidden = ",".join(sorted(OPTIONAL_MODULES))
    code = ("import usc_events\n"
            "corpus = usc_events.open()\n"
            "print(usc_events.load('meetings').shape[0], len(corpus.meetings('Han Zheng')),\n"
            "      corpus.sql('select count(*) as n from statements')['n'][0])\n")
    result = _without(hidden, code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows, meetings, statements = (int(v) for v in result.stdout.split())
    assert rows > 0 and meetings > 0 and statements > 0


# --- the install commands of the README and the docs ------------------------------------------

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: ``pip install`` and what follows, up to the end of the command (a backtick, a line end,
#: ``&&``, ``;``, ``|`` or a comment).
COMMAND = re.compile(r"pip install((?:(?!&&|[`;|#\n]).)*)")
WHEEL = re.compile(r"^(?:\S+/)?usc_events-[^/\[]+\.whl(?:\[([^\]]*)\])?$")


def install_commands(text: str) -> list[list[str]]:
    """The targets of every ``pip install`` command in ``text`` (options left out)."""
    import shlex

    commands = []
    for match in COMMAND.finditer(text):
        tokens = shlex.split(match.group(1))
        commands.append([t for t in tokens if not t.startswith("-")])
    return commands


def install_problems(targets: list[str]) -> list[str]:
    """What would not work as written: an extra pyproject lacks, or usc-events from an index."""
    problems = []
    for target in targets:
        if target == "." or target.startswith(".["):
            extras = target[2:-1] if target.startswith(".[") else ""
        elif (wheel := WHEEL.match(target)) is not None:
            extras = wheel.group(1) or ""
        elif target.startswith("usc-events["):  # the extras of an installed copy
            extras = target[len("usc-events["):-1]
        elif _name(target).replace("_", "-") == "usc-events":
            problems.append(f"{target}: usc-events is on no package index yet")
            continue
        else:
            continue  # another package (build, cffconvert): from the index, as written
        problems += [f"{target}: no extra {name!r} in pyproject.toml"
                     for name in filter(None, (e.strip() for e in extras.split(",")))
                     if name not in OPTIONAL]
    return problems


def test_every_install_command_of_the_docs_works_as_written() -> None:
    found = {}
    for page in PAGES:
        for targets in install_commands(page.read_text(encoding="utf-8")):
            found.setdefault(page.relative_to(ROOT).as_posix(), []).append(targets)
            assert install_problems(targets) == [], (page.name, targets)
    assert ["."] in found["README.md"] and [".[plots]"] in found["docs/installation.md"]
    assert ["dist/usc_events-*.whl"] in found["docs/installation.md"]
    assert install_problems(install_commands(message("plots"))[0]) == []


def test_the_install_rule_refuses_what_would_not_work() -> None:
    text = ('pip install "usc-events[all]" && pip install usc-events\n'
            "`pip install '.[analysis]'`; pip install -e \".[test,nope]\" # a comment\n"
            "pip install dist/usc_events-0.1.0-py3-none-any.whl[plots] build\n")
    commands = install_commands(text)
    assert commands == [["usc-events[all]"], ["usc-events"], [".[analysis]"], [".[test,nope]"],
                        ["dist/usc_events-0.1.0-py3-none-any.whl[plots]", "build"]]
    assert [install_problems(c) for c in commands] == [
        [], ["usc-events: usc-events is on no package index yet"],
        [".[analysis]: no extra 'analysis' in pyproject.toml"],
        [".[test,nope]: no extra 'nope' in pyproject.toml"], []]


def test_the_installation_page_lists_every_extra() -> None:
    page = (ROOT / "docs" / "installation.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z-]+)` \|", page, flags=re.MULTILINE)
    assert listed == [*EXTRAS, "all", *DEVELOPMENT_EXTRAS]


@pytest.mark.parametrize("module", ["usc_events.extras", "usc_events.releases.versions"])
def test_examples_in_docstrings_run(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
