"""What usc-events writes and deletes: only its own folders, with the user's umask (issue 17).

``build --out`` never replaces a folder it did not write nor the data folder; a folder is
replaced in one step, so a reader (a real process) always finds a complete folder, and a
build killed midway leaves the previous tables and nothing the next build does not clean.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_corpus

from usc_events._files import exchange, remove_leftovers, replace_folder
from usc_events.build.builder import build
from usc_events.errors import UnsafeOutput
from usc_events.store.parquet import write


def _cli(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "300"},
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_out_refuses_a_folder_of_the_users(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    project = tmp_path / "myproject"
    project.mkdir()
    (project / "thesis.tex").write_text("three years of work")
    result = _cli("build", "--out", "myproject", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: myproject: not empty and holds no manifest.json, so it is no folder that "
        "'usc-events build' wrote; it was left alone: choose a new or empty folder"]
    assert _tree(project) == {"thesis.tex": b"three years of work"}


@pytest.mark.parametrize(("out", "where"), [("data", "is"), (".", "holds"),
                                           ("data/records/tables", "is inside")])
def test_build_out_refuses_the_data_folder(tmp_path: Path, out: str, where: str) -> None:
    data = write_corpus(tmp_path)
    before = _tree(data)
    result = _cli("build", "--out", out, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {out}: {where} the data folder data; the tables are never written there, as "
        "replacing it would delete the records: choose another --out"]
    assert _tree(data) == before


def test_build_out_replaces_its_own_folder_but_not_one_with_a_users_file(
    tmp_path: Path
) -> None:
    data = write_corpus(tmp_path)
    out = tmp_path / "tables"
    write(build(data), out, data)
    write(build(data), out, data)  # a folder of a build is replaced
    (out / "notes.md").write_text("mine")
    with pytest.raises(UnsafeOutput, match=r"holds files a build does not write \(notes\.md\)"):
        write(build(data), out, data)
    assert (out / "notes.md").read_text() == "mine"


def test_build_folders_and_files_get_the_users_umask(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    result = _cli("build", "--out", "tables", cwd=tmp_path, umask=0o022)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "tables"
    assert out.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o644}


# --- one complete folder always in place ----------------------------------------------------

_SWAPPER = """
import sys, pathlib
from usc_events._files import replace_folder
target = pathlib.Path(sys.argv[1])
def fill(folder):
    for i in range(20):
        (folder / f"t{i}.parquet").write_bytes(b"x" * 1000)
    (folder / "manifest.json").write_text("{}")
for _ in range(int(sys.argv[2])):
    replace_folder(target, fill)
"""

_READER = """
import os, sys, time
target = sys.argv[1]
end = time.monotonic() + float(sys.argv[2])
misses = reads = 0
while time.monotonic() < end:
    reads += 1
    if not os.path.isfile(os.path.join(target, "manifest.json")):
        misses += 1
print(reads, misses)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_reader_never_finds_the_folder_missing_while_it_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "data"
    probe_a, probe_b = tmp_path / "a", tmp_path / "b"
    probe_a.mkdir()
    probe_b.mkdir()
    assert exchange(probe_a, probe_b)  # the file system can swap in one step
    swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(target), "1"])
    assert swapper.wait(timeout=60) == 0
    reader = subprocess.Popen([sys.executable, "-c", _READER, str(target), "4"],
                              stdout=subprocess.PIPE, text=True)
    swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(target), "300"])
    assert swapper.wait(timeout=120) == 0
    reads, misses = map(int, reader.communicate(timeout=60)[0].split())
    assert reads > 1000
    assert misses == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")] == []


def test_a_killed_build_leaves_a_complete_folder_and_the_next_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "data"
    for delay in (0.35, 0.5, 0.65, 0.8, 0.95):
        swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(target), "100000"])
        time.sleep(delay)
        swapper.send_signal(signal.SIGKILL)
        swapper.wait(timeout=30)
        if target.exists():
            assert (target / "manifest.json").is_file()
            assert len(list(target.glob("*.parquet"))) == 20
    replace_folder(target, lambda folder: (folder / "manifest.json").write_text("{}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert json.loads((target / "manifest.json").read_text()) == {}


def test_the_staging_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = tmp_path / f".build-{sleeper.pid}-abc"
        theirs.mkdir()
        gone = tmp_path / ".build-999999999-abc"  # no such process
        gone.mkdir()
        assert remove_leftovers(tmp_path, ".build-") == [gone]
        assert theirs.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()
