"""The analysts' commands, run as a person runs them: a real process, its output and exit code."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "120"})


def test_show_a_record_with_its_evidence_as_json() -> None:
    result = _cli("show", "han-vance-meeting", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["table"] == "meetings"
    assert shown["record"]["meeting_id"] == "han-vance-meeting"
    assert sorted(p["actor_id"] for p in shown["related"]["participants"]) == [
        "han-zheng", "jd-vance"]
    assert shown["evidence"]
    for evidence in shown["evidence"]:
        assert evidence["quote"] in evidence["sentence"]


def test_show_an_actor_by_name_in_a_table() -> None:
    result = _cli("show", "Han Zheng")
    assert result.returncode == 0, result.stderr
    assert "actors: han-zheng" in result.stdout
    assert "han-vance-meeting" in result.stdout
    assert "Evidence (" in result.stdout


def test_search_finds_a_statement() -> None:
    result = _cli("search", "extensive common interests", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {"table": "statements", "record_id": "han-extensive-common-interests"}.items() <= \
        next(h for h in hits if h["table"] == "statements").items()


def test_the_timeline_of_january_2025_involving_musk() -> None:
    result = _cli("timeline", "--from", "2025-01", "--to", "2025-01", "--actor", "Musk",
                  "--json")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert "han-musk-meeting" in {e["record_id"] for e in events}
    assert all("elon-musk" in e["actors"] for e in events)
    assert all(e["date_earliest"] <= "2025-01-31" and e["date_latest"] >= "2025-01-01"
               for e in events)


def test_sql_prints_a_table() -> None:
    result = _cli("sql", "select actor_id from actors where actor_id = 'han-zheng'")
    assert result.returncode == 0, result.stderr
    assert "han-zheng" in result.stdout and "1 row" in result.stdout


def test_export_sqlite_declares_and_keeps_its_keys(tmp_path: Path) -> None:
    result = _cli("export", "--format", "sqlite", "--out", str(tmp_path / "db" / "x.sqlite"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote 1 file: {tmp_path / 'db' / 'x.sqlite'}\n"
    connection = sqlite3.connect(tmp_path / "db" / "x.sqlite")
    connection.execute("PRAGMA foreign_keys=ON")
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("what", ["timeline", "network"])
def test_plot_writes_a_png(what: str, tmp_path: Path) -> None:
    out = tmp_path / f"{what}.png"
    result = _cli("plot", what, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 20_000


@pytest.mark.parametrize(("args", "code", "message"), [
    (["show", "Han Zhen"], 1, "error: no record in any table has the id or name 'Han Zhen'; "
                              "did you mean: Han Zheng"),
    (["timeline", "--actor", "Nobody Atall"], 1, "error: no actor matches 'Nobody Atall'"),
    (["timeline", "--from", "2025-13-01"], 1, "error: invalid start date '2025-13-01': "
                                              "expected YYYY-MM-DD, YYYY-MM or YYYY"),
    (["timeline", "--from", "1900", "--to", "1900"], 1,
     "nothing in the timeline matches: "),
    (["search", "qqqzzz"], 1, "nothing matches 'qqqzzz'"),
    (["sql", "select * from meeting"], 1, "error: unknown table 'meeting'; the tables are:"),
    (["show", "han-vance-meeting", "--table", "meeting"], 1, "error: unknown table 'meeting'"),
    (["export", "--format", "xml", "--out", "x"], 2,
     "error: unknown format 'xml' for --format; choose csv, json, parquet, sqlite, duckdb"),
    (["plot", "pie", "--out", "x.png"], 2, "error: unknown plot 'pie'; choose timeline or network"),
    (["plot", "network", "--out", "x.txt"], 1, "error: x.txt: unsupported image format '.txt'"),
])
def test_bad_input_is_one_line_and_an_exit_code(args: list[str], code: int, message: str,
                                                tmp_path: Path) -> None:
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_importing_the_package_or_the_cli_loads_no_analysis_library() -> None:
    code = ("import sys, usc_events, usc_events.cli.app; print([m for m in ('duckdb', 'networkx', "
            "'matplotlib', 'pandas', 'pyarrow') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
