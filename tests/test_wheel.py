"""The wheel carries the tables: build it, install it in a fresh environment, load every table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

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


def test_the_installed_wheel_loads_every_table(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    # The dependencies come from this environment (appended to sys.path, after the new
    # environment's own site-packages, and only once the wheel is in: were this
    # environment visible to pip, it would take usc-events as already installed here).
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "_deps.pth").write_text(
        "\n".join({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}) + "\n"
    )
    code = (
        "import json, usc_events\n"
        "print(json.dumps({'file': usc_events.__file__,\n"
        "  'rows': {t: usc_events.load(t, backend='arrow').num_rows for t in usc_events.tables()},\n"
        "  'records': {t: len(usc_events.records(t)) for t in usc_events.tables()}}))\n"
    )
    result = subprocess.run(
        [str(python), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert Path(loaded["file"]).is_relative_to(env_dir)
    manifest = json.loads((ROOT / "usc_events" / "data" / "manifest.json").read_text())
    expected = {t: entry["rows"] for t, entry in manifest["tables"].items()}
    assert loaded["rows"] == expected == loaded["records"]
    cli = subprocess.run(
        [str(env_dir / "bin" / "usc-events"), "info", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["tables"] == expected
