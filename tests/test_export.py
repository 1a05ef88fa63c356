"""Exports: every format of the shipped corpus, keys declared and holding in SQLite and DuckDB."""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import write_corpus

import usc_events
from usc_events.build.builder import build
from usc_events.errors import ExportTargetExists
from usc_events.query.corpus import Corpus
from usc_events.schema.columns import columns, model
from usc_events.store.export import export, link_tables
from usc_events.store.parquet import write

TABLES = usc_events.tables()


@pytest.fixture(scope="module")
def shipped() -> Corpus:
    return usc_events.open(backend="arrow")


@pytest.fixture(scope="module")
def sqlite_file(shipped: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sqlite") / "usc_events.sqlite"
    (path,) = export(shipped.tables, "sqlite", out)
    assert path == out
    return path


def _declared_foreign_keys(table: str) -> set[tuple[str, str, str]]:
    return {(c.name, c.foreign_key, model(c.foreign_key).primary_key)
            for c in columns(table) if c.foreign_key and not c.is_list}


def test_the_sqlite_export_holds_with_foreign_keys_on(sqlite_file: Path) -> None:
    connection = sqlite3.connect(sqlite_file)
    connection.execute("PRAGMA foreign_keys=ON")
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_sqlite_export_declares_every_key_of_the_definitions(sqlite_file: Path) -> None:
    connection = sqlite3.connect(sqlite_file)
    for table in TABLES:
        info = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
        assert [row[1] for row in info] == [c.name for c in columns(table)]
        assert [row[1] for row in info if row[5]] == [model(table).primary_key]
        keys = connection.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
        assert {(row[3], row[2], row[4]) for row in keys} == _declared_foreign_keys(table)
        rows = connection.execute(f'select count(*) from "{table}"').fetchone()
        assert rows == (usc_events.manifest()["tables"][table]["rows"],)
    # The list of topics of a statement: JSON text in the table, and a checked link table.
    (link,) = link_tables("statements")
    keys = connection.execute(f'PRAGMA foreign_key_list("{link.name}")').fetchall()
    assert {(row[3], row[2]) for row in keys} == {("statement_id", "statements"),
                                                  ("topic_id", "topics")}
    pairs = connection.execute(f'select statement_id, topic_id from "{link.name}"').fetchall()
    from_json = [(s, t) for s, topics in connection.execute(
        "select statement_id, topic_ids from statements") for t in json.loads(topics)]
    assert sorted(pairs) == sorted(from_json)
    assert pairs


def test_the_sqlite_export_refuses_a_broken_key(sqlite_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(sqlite_file.read_bytes())
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA foreign_keys=ON")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        connection.execute("update meeting_participants set actor_id = 'nobody'")


def test_the_sqlite_schema_says_why_evidence_has_no_record_key(sqlite_file: Path) -> None:
    connection = sqlite3.connect(sqlite_file)
    (ddl,) = connection.execute("select sql from sqlite_master where name = 'evidence'").fetchone()
    assert "refers to the table named by record_type" in ddl


def test_the_duckdb_export_is_queried_with_its_keys(shipped: Corpus, tmp_path: Path) -> None:
    (path,) = export(shipped.tables, "duckdb", tmp_path / "corpus.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    met = connection.sql("""
        select p.actor_id from meeting_participants p join meetings m using (meeting_id)
        where m.meeting_id = 'han-vance-meeting' order by p.actor_id""").fetchall()
    assert met == [("han-zheng",), ("jd-vance",)]
    (topics,) = connection.sql("select topic_ids from statements where statement_id = "
                               "'han-extensive-common-interests'").fetchall()
    assert isinstance(topics[0], list) and topics[0]
    for table in TABLES:
        count = connection.sql(f'select count(*) from "{table}"').fetchall()
        assert count == [(usc_events.manifest()["tables"][table]["rows"],)]
        constraints = connection.sql(f"""
            select constraint_type, constraint_column_names, referenced_table
            from duckdb_constraints() where table_name = '{table}'""").fetchall()
        assert ("PRIMARY KEY", [model(table).primary_key], None) in constraints
        foreign = {(cols[0], ref) for kind, cols, ref in constraints if kind == "FOREIGN KEY"}
        assert foreign == {(name, target) for name, target, _ in _declared_foreign_keys(table)}
    connection.close()
    writable = duckdb.connect(str(path))
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        writable.execute("insert into meeting_participants "
                         "values ('han-vance-meeting.nobody', 'han-vance-meeting', 'nobody', "
                         "'guest', null)")
    writable.close()


def test_csv_json_and_parquet_keep_every_row(shipped: Corpus, tmp_path: Path) -> None:
    for fmt in ("csv", "json", "parquet"):
        written = export(shipped.tables, fmt, tmp_path / fmt)
        assert sorted(p.name for p in written) == sorted(f"{t}.{fmt}" for t in TABLES)
    for table in TABLES:
        expected = shipped.tables[table].to_pylist()
        with (tmp_path / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            from_csv = list(csv.DictReader(handle))
        from_json = json.loads((tmp_path / "json" / f"{table}.json").read_text(encoding="utf-8"))
        assert len(from_csv) == len(from_json) == len(expected)
        assert pq.read_table(tmp_path / "parquet" / f"{table}.parquet").equals(
            shipped.tables[table])
        key = model(table).primary_key
        assert [r[key] for r in from_csv] == [r[key] for r in from_json] == [
            r[key] for r in expected]
    statements = json.loads((tmp_path / "json" / "statements.json").read_text(encoding="utf-8"))
    assert all(isinstance(s["topic_ids"], list) for s in statements)
    with (tmp_path / "csv" / "meetings.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    assert first["date_earliest"] == shipped.tables["meetings"].column(
        "date_earliest")[0].as_py().isoformat()


def test_the_test_corpus_exports_with_its_keys_holding(tmp_path: Path) -> None:
    write(build(write_corpus(tmp_path)), tmp_path / "built")
    corpus = Corpus.from_folder(tmp_path / "built", backend="arrow")
    (path,) = export(corpus.tables, "sqlite", tmp_path / "out" / "test.sqlite")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys=ON")
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("select * from statements_topic_ids").fetchall() == [
        ("alpha-frank", "tariffs")]


def test_bad_format_or_target_leaves_nothing_behind(shipped: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'; choose csv, json, parquet"):
        export(shipped.tables, "xml", tmp_path / "out")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="exists and is not a folder"):
        export(shipped.tables, "csv", a_file)
    broken = dict(shipped.tables)
    broken["actors"] = broken["actors"].drop_columns(["name"])
    with pytest.raises(KeyError):
        export(broken, "csv", tmp_path / "partial")
    assert list((tmp_path / "partial").iterdir()) == []


# --- targets: a file for a database, a folder for the rest; nothing replaced unasked -------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("fmt", ["sqlite", "duckdb"])
@pytest.mark.usefixtures("usual_umask")
def test_a_database_export_is_the_file_out_names(shipped: Corpus, tmp_path: Path,
                                                  fmt: str) -> None:
    target = tmp_path / "nested" / f"x.{fmt}"
    assert export(shipped.tables, fmt, target) == [target]
    assert target.is_file() and _mode(target) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == [f"x.{fmt}"]
    before = target.read_bytes()
    with pytest.raises(ExportTargetExists, match=rf"^{re.escape(str(target))}: the file exists; "
                                                 r"pass force=True to replace it$"):
        export(shipped.tables, fmt, target)
    assert target.read_bytes() == before
    assert export(shipped.tables, fmt, target, force=True) == [target]
    assert sorted(p.name for p in target.parent.iterdir()) == [f"x.{fmt}"]
    with pytest.raises(ValueError, match=r"is a folder; the .* export is one file: name it"):
        export(shipped.tables, fmt, tmp_path, force=True)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "plover", "cameo-dyads", "popolo"])
@pytest.mark.usefixtures("usual_umask")
def test_a_folder_export_refuses_a_folder_that_holds_files(shipped: Corpus, tmp_path: Path,
                                                           fmt: str) -> None:
    out = tmp_path / "out"
    out.mkdir()  # an empty folder is no export to lose
    written = export(shipped.tables, fmt, out)
    assert written and all(p.parent == out and _mode(p) == 0o644 for p in written)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(ExportTargetExists, match="the folder exists and is not empty"):
        export(shipped.tables, fmt, out)
    mine = out / "notes.txt"
    mine.write_text("mine")
    assert export(shipped.tables, fmt, out, force=True) == written
    assert mine.read_text() == "mine"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p != mine} == before


def test_exports_follow_the_umask(shipped: Corpus, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        (database,) = export(shipped.tables, "sqlite", tmp_path / "db.sqlite")
        written = export(shipped.tables, "csv", tmp_path / "csv")
    finally:
        os.umask(old)
    assert _mode(database) == 0o640
    assert {_mode(p) for p in written} == {0o640}


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.mark.usefixtures("usual_umask")
def test_the_export_command_refuses_an_existing_target_without_force(tmp_path: Path) -> None:
    database = tmp_path / "x.sqlite"
    first = _cli("export", "--format", "sqlite", "--out", str(database), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"Wrote 1 file: {database}\n"
    assert database.is_file() and _mode(database) == 0o644
    again = _cli("export", "--format", "sqlite", "--out", str(database), cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr == (f"error: {database}: the file exists; nothing was written "
                            "(add --force to replace it)\n")
    assert again.stdout == ""
    forced = _cli("export", "--format", "sqlite", "--out", str(database), "--force",
                  cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.sqlite"]
    folder = _cli("export", "--format", "duckdb", "--out", str(tmp_path), cwd=tmp_path)
    assert folder.returncode == 2
    [line] = folder.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path}: is a folder; the duckdb export is one file")
    csv_out = tmp_path / "csv"
    assert _cli("export", "--format", "csv", "--out", str(csv_out), cwd=tmp_path).returncode == 0
    refused = _cli("export", "--format", "csv", "--out", str(csv_out), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (f"error: {csv_out}: the folder exists and is not empty; nothing "
                              "was written (add --force to replace it)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "x.sqlite"]
