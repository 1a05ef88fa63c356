"""The wheel, installed alone, is complete for exploring.

The wheel is built once and installed with its dependencies, and no extra, into one
fresh virtual environment shared by this module; there the README's Python example and
each explore command run as a new user would run them, from a folder with no data in it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from usc_events.extras import EXTRAS, FEATURES, message

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (path,) = out.glob("usc_events-*.whl")
    return path


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment of a new user: nothing of this checkout on the path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "USC_EVENTS_DATA_URL")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def env_dir(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel and its dependencies, no extra."""
    env_dir = tmp_path_factory.mktemp("env") / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
         "-q", str(wheel)],
        capture_output=True, text=True, check=False, env=_clean_env(),
    )
    assert installed.returncode == 0, installed.stderr
    return env_dir


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty working folder, with a cache folder of its own."""
    return tmp_path_factory.mktemp("user")


def _run(env_dir: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=home, capture_output=True, text=True, check=False,
                          env=_clean_env(USC_EVENTS_CACHE_DIR=str(home / "cache"),
                                         PATH=f"{env_dir / 'bin'}{os.pathsep}"
                                              f"{os.environ.get('PATH', '')}"))


def test_the_wheel_is_installed_alone(env_dir: Path, home: Path) -> None:
    """The environment sees this wheel and no extra, so what passes here needs none."""
    optional = sorted({m for need in FEATURES.values() for m in need.modules})
    code = ("import importlib.util, json, usc_events\n"
            f"print(json.dumps([usc_events.__file__, [m for m in {optional!r} "
            "if importlib.util.find_spec(m)]]))")
    result = _run(env_dir, home, str(env_dir / "bin" / "python"), "-c", code)
    assert result.returncode == 0, result.stderr
    where, found = json.loads(result.stdout)
    assert Path(where).is_relative_to(env_dir)
    assert found == []


def test_the_installed_wheel_loads_every_table(env_dir: Path, home: Path) -> None:
    code = (
        "import json, usc_events\n"
        "print(json.dumps({'file': usc_events.__file__,\n"
        "  'rows': {t: usc_events.load(t, backend='arrow').num_rows for t in usc_events.tables()},\n"
        "  'records': {t: len(usc_events.records(t)) for t in usc_events.tables()}}))\n"
    )
    result = _run(env_dir, home, str(env_dir / "bin" / "python"), "-c", code)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert Path(loaded["file"]).is_relative_to(env_dir)
    manifest = json.loads((ROOT / "usc_events" / "data" / "manifest.json").read_text())
    expected = {t: entry["rows"] for t, entry in manifest["tables"].items()}
    assert loaded["rows"] == expected == loaded["records"]
    cli = _run(env_dir, home, "usc-events", "info", "--json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["tables"] == expected


def test_the_readme_python_example_runs(env_dir: Path, home: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert "usc_events.load(" in example and "usc_events.open()" in example
    result = _run(env_dir, home, str(env_dir / "bin" / "python"), "-c", example)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "han-zheng Han Zheng" in result.stdout  # the loop over the actors printed


@pytest.mark.parametrize("args", [
    ["info"],
    ["show", "han-zheng"],
    ["search", "Musk"],
    ["timeline"],
    ["sql", "select count(*) from meetings"],
    ["export", "--format", "csv", "--out", "exported"],
    ["cite", "han-vance-meeting", "--format", "bibtex"],
    ["versions"],
], ids=lambda args: args[0])
def test_each_explore_command_runs(env_dir: Path, home: Path, args: list[str]) -> None:
    result = _run(env_dir, home, "usc-events", *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip()
    if args[0] == "export":
        assert (home / "exported" / "meetings.csv").is_file()
    if args[0] == "cite":
        assert "han-vance-meeting" in result.stdout and result.stdout.lstrip().startswith("@")
    if args[0] == "versions":  # no release host configured: the bundled version, offline
        assert "bundled" in result.stdout
        assert result.stderr.startswith("note: no release host is configured")


def test_a_plot_without_its_extra_is_one_line_and_exit_2(env_dir: Path, home: Path) -> None:
    result = _run(env_dir, home, "usc-events", "plot", "timeline", "--out", "timeline.png")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {message('plots')}"]
    assert "Traceback" not in result.stdout + result.stderr
    assert not (home / "timeline.png").exists()


def test_the_command_the_message_gives_installs_the_extra(env_dir: Path, home: Path) -> None:
    """``pip install 'usc-events[plots]'`` works for a wheel's install: pip keeps the
    installed usc-events (on no index) and adds only the extra's packages."""
    (command,) = re.findall(r"pip install '([^']+)'", message("plots"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
         "--dry-run", "--report", "-", "-q", command],
        cwd=home, capture_output=True, text=True, check=False, env=_clean_env(),
    )
    assert result.returncode == 0, result.stderr
    wanted = {item["metadata"]["name"].lower() for item in json.loads(result.stdout)["install"]}
    assert {re.match(r"[\w.-]+", r).group(0).lower()  # type: ignore[union-attr]
            for r in EXTRAS["plots"].requirements} <= wanted
    assert "usc-events" not in wanted
