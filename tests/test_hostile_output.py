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


# --- item 8: CSV cells a spreadsheet would run ----------------------------------------------

_FORMULAS = {
    "records/actors/test.yaml": ("description: An envoy.",
                                 "description: '=HYPERLINK(\"http://evil.example\",\"x\")'"),
    "records/meetings/test.yaml": ("title: Alpha meets Beta", "title: '@SUM(1+1)'"),
    "records/positions/test.yaml": ("summary: Beta wants tariffs to stay.",
                                    "summary: \"-2+3+cmd|' /C calc'!A0\""),
    "records/topics/test.yaml": ("label: Tariffs", "label: \"+Tariffs\""),
}


def _formula_tables(tmp_path: Path) -> dict[str, object]:
    from conftest import FILES

    changes: dict[str, str | None] = {name: FILES[name].replace(old, new)
                                      for name, (old, new) in _FORMULAS.items()}
    changes["records/actors/test.yaml"] = changes["records/actors/test.yaml"].replace(  # type: ignore[union-attr]
        "name: Beta Envoy", "name: \"=Beta\"")
    return dict(build(write_corpus(tmp_path, changes)).tables)


def _cells(path: Path) -> list[str]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle, delimiter="\t" if path.suffix == ".tsv"
                                           else ",") for cell in row]


@pytest.mark.parametrize("raw", [False, True])
def test_csv_cells_that_spreadsheets_run_are_neutralised_unless_raw(
    tmp_path: Path, raw: bool
) -> None:
    from usc_events.store.export import export

    tables = _formula_tables(tmp_path)
    csv, dyads = tmp_path / "csv", tmp_path / "dyads"
    export(tables, "csv", csv, raw=raw)  # type: ignore[arg-type]
    export(tables, "cameo-dyads", dyads, raw=raw)  # type: ignore[arg-type]
    cells = {cell for out in (csv, dyads) for path in out.iterdir() for cell in _cells(path)}
    written = ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(1+1)",
               "-2+3+cmd|' /C calc'!A0", "+Tariffs", "=Beta"]
    for value in written:
        assert (value in cells) is raw
        assert (f"'{value}" in cells) is not raw
    if not raw:
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "2025-03-03" in cells  # other cells as they were


def test_cli_raw_is_for_csv_formats_only(tmp_path: Path) -> None:
    result = _cli("export", "--format", "json", "--raw", "--out", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: --raw applies to the CSV formats only: cameo-dyads, cameo-dyads-tsv, csv"]
    assert not (tmp_path / "x").exists()
    done = _cli("export", "--format", "csv", "--raw", "--out", "x", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


# --- item 8: the terminal -------------------------------------------------------------------

_HOSTILE = ("Han\x1b]0;pwned\x07 Zheng\x1b[2J\x1b[31m said\x08\x00 [bold red]:thumbs_up:"
            "[/bold red] \x9b31m")


def test_show_and_search_print_data_as_plain_text() -> None:
    """Every way the explore commands lay out data (field lists, entries, tables) prints
    it as plain text: no escape sequence, no markup, no emoji code turned into a picture."""
    import io

    from rich.console import Console

    from usc_events.cli import render

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=300,
                      emoji=False, highlight=False)
    console.print(render.fields([("name", _HOSTILE), ("list", [_HOSTILE])]))
    for line in render.entry(_HOSTILE, [_HOSTILE], aside=_HOSTILE):
        console.print(line)
    console.print(render.table("t", ["field", "value"], [["name", _HOSTILE]]))
    shown = buffer.getvalue()
    for sequence in ("\x1b]", "\x07", "\x1b[2J", "\x1b[31m", "\x08", "\x00", "\x9b", "👍"):
        assert sequence not in shown
    assert "[bold red]:thumbs_up:[/bold red]" in shown
    assert "Han Zheng said" in shown


def test_validate_prints_data_as_plain_text(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    contribution = tmp_path / "contrib" / "records" / "topics" / "new.yaml"
    contribution.parent.mkdir(parents=True)
    contribution.write_text("- topic_id: ':thumbs_up: [bold]x[/bold]'\n"
                            "  label: Fine\n  description: Fine.\n", encoding="utf-8")
    result = _cli("validate", str(contribution), "--data", "data", cwd=tmp_path)
    assert result.returncode == 1
    assert "':thumbs_up: [bold]x[/bold]'" in result.stdout
    assert "👍" not in result.stdout and "\x1b" not in result.stdout
