"""Exports: every format of the shipped corpus, keys declared and holding in SQLite and DuckDB."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import write_corpus

import usc_events
from usc_events.build.builder import build
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
    out = tmp_path_factory.mktemp("sqlite")
    (path,) = export(shipped.tables, "sqlite", out)
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
    (path,) = export(shipped.tables, "duckdb", tmp_path)
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
    (path,) = export(corpus.tables, "sqlite", tmp_path / "out")
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
