"""Export the corpus to other formats: CSV, JSON, Parquet, SQLite and DuckDB.

The SQLite and DuckDB schemas are derived from the table definitions
(:func:`usc_events.schema.columns.columns`): every primary key, every scalar foreign key,
every NOT NULL and every controlled vocabulary (as a CHECK) is declared there, and
nothing is written per table by hand.

Two kinds of reference cannot be declared as foreign keys, and are not:

- ``evidence.record_id`` refers to the table named in the same row's
  ``record_type`` (a polymorphic reference; SQL foreign keys name one table). The
  build checks it instead.
- ``discrepancies.record_refs`` holds ``table:id`` strings, checked by the build.

A list column with a foreign key (``statements.topic_ids``) is kept in its table
(JSON text in SQLite, a LIST in DuckDB) and is also written as a link table,
``<table>_<column>`` (``statements_topic_ids``: ``statement_id``, ``topic_id``),
whose two foreign keys the database can enforce.

The SQLite and DuckDB exports are one file each, and ``out`` names that file; the
other formats write several files, and ``out`` names their folder. A target that
exists (a file, or a folder holding anything) is refused unless ``force`` is given.
Files are written to a staging place first and moved into place only when all of
them are complete, so a failure leaves no partial export behind; each gets the
user's umask (0644 under the usual 022), like every file usc-events writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events._files import staged_file, write_files_into
from usc_events.errors import ExportTargetExists
from usc_events.extras import Feature, require
from usc_events.schema.columns import Column, columns, model
from usc_events.store.formats.common import spreadsheet_cell
from usc_events.store.formats.dyads import write_cameo_dyads, write_cameo_dyads_tsv
from usc_events.store.formats.plover import write_plover
from usc_events.store.formats.popolo import write_popolo

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS: tuple[str, ...] = ("csv", "json", "parquet", "sqlite", "duckdb",
                             "plover", "cameo-dyads", "cameo-dyads-tsv", "popolo")

#: The formats written as one database file, with the name suggested for that file.
DATABASE_FILE = {"sqlite": "usc_events.sqlite", "duckdb": "usc_events.duckdb"}

#: References SQL cannot declare (see the module's documentation), as column -> reason.
UNDECLARED_REFERENCES: dict[tuple[str, str], str] = {
    ("evidence", "record_id"): "refers to the table named by record_type; "
                               "not declarable as a foreign key, checked by the build",
    ("discrepancies", "record_refs"): "'table:id' references; checked by the build",
}


@dataclass(frozen=True)
class LinkTable:
    """A link table derived from a list column with a foreign key."""

    name: str
    table: str
    column: str
    owner_key: str
    item: str
    target: str

    @property
    def target_key(self) -> str:
        """The primary key of the table the items refer to."""
        return model(self.target).primary_key


def link_tables(table: str) -> list[LinkTable]:
    """The link tables derived from ``table``'s list columns that have a foreign key."""
    key = model(table).primary_key
    return [
        LinkTable(name=f"{table}_{c.name}", table=table, column=c.name, owner_key=key,
                  item=c.name[:-1] if c.name.endswith("s") else f"{c.name}_item",
                  target=c.foreign_key)
        for c in columns(table) if c.is_list and c.foreign_key
    ]


def table_order(tables: list[str]) -> list[str]:
    """``tables`` ordered so that every table comes after the tables it refers to."""
    ordered: list[str] = []
    pending = list(tables)
    while pending:
        ready = [t for t in pending if all(
            c.foreign_key in ordered or c.foreign_key == t or c.foreign_key not in tables
            for c in columns(t) if c.foreign_key)]
        if not ready:  # pragma: no cover - a cycle would be a definition error
            raise ValueError(f"foreign keys form a cycle among: {', '.join(pending)}")
        ordered.extend(ready)
        pending = [t for t in pending if t not in ready]
    return ordered


# --- DDL ---------------------------------------------------------------------------------

_SQLITE_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER",
                 dt.date: "TEXT", dt.datetime: "TEXT"}
_DUCKDB_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN",
                 dt.date: "DATE", dt.datetime: "TIMESTAMPTZ"}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column_sql(table: str, column: Column, dialect: str) -> str:
    if dialect == "sqlite":
        kind = "TEXT" if column.is_list else _SQLITE_TYPES[column.scalar]
    else:
        kind = _DUCKDB_TYPES[column.scalar] + ("[]" if column.is_list else "")
    parts = [_quoted(column.name), kind]
    if not column.nullable:
        parts.append("NOT NULL")
    if column.enum and not column.is_list:
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in column.enum)
        parts.append(f"CHECK ({_quoted(column.name)} IN ({values}))")
    line = " ".join(parts)
    note = UNDECLARED_REFERENCES.get((table, column.name))
    if column.is_list and dialect == "sqlite":
        note = "a JSON array" + (f"; {note}" if note else "")
    return f"{line}  -- {note}" if note else line


def create_table_sql(table: str, dialect: str) -> str:
    """``CREATE TABLE`` for ``table`` in ``"sqlite"`` or ``"duckdb"``, from its definition."""
    cols = columns(table)
    lines = [_column_sql(table, c, dialect) for c in cols]
    lines.append(f"PRIMARY KEY ({_quoted(model(table).primary_key)})")
    for c in cols:
        if c.foreign_key and not c.is_list:
            target = model(c.foreign_key).primary_key
            lines.append(f"FOREIGN KEY ({_quoted(c.name)}) REFERENCES "
                         f"{_quoted(c.foreign_key)} ({_quoted(target)})")
    return _create(table, lines)


def create_link_sql(link: LinkTable, dialect: str) -> str:
    """``CREATE TABLE`` for a link table."""
    kind = "TEXT" if dialect == "sqlite" else "VARCHAR"
    owner, item = _quoted(link.owner_key), _quoted(link.item)
    lines = [
        f"{owner} {kind} NOT NULL",
        f"{item} {kind} NOT NULL",
        f"PRIMARY KEY ({owner}, {item})",
        f"FOREIGN KEY ({owner}) REFERENCES {_quoted(link.table)} ({owner})",
        f"FOREIGN KEY ({item}) REFERENCES {_quoted(link.target)} ({_quoted(link.target_key)})",
    ]
    return _create(link.name, lines)


def _create(name: str, lines: list[str]) -> str:
    # A comment must end its line, so the separating comma goes before it.
    body = []
    for i, line in enumerate(lines):
        comma = "," if i < len(lines) - 1 else ""
        code, _, note = line.partition("  -- ")
        body.append(f"  {code}{comma}" + (f"  -- {note}" if note else ""))
    return f"CREATE TABLE {_quoted(name)} (\n" + "\n".join(body) + "\n)"


# --- values ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _text_row(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with lists as JSON text and dates as ISO 8601 text (for CSV and SQLite)."""
    out: dict[str, Any] = {}
    for c in columns(table):
        value = row[c.name]
        if c.is_list:
            out[c.name] = json.dumps([_plain(v) for v in value or []], ensure_ascii=False)
        elif c.scalar is bool and value is not None:
            out[c.name] = int(value)
        else:
            out[c.name] = _plain(value)
    return out


def _link_rows(link: LinkTable, data: pa.Table) -> list[tuple[str, str]]:
    pairs = zip(data.column(link.owner_key).to_pylist(), data.column(link.column).to_pylist(),
                strict=True)
    return [(owner, item) for owner, items in pairs for item in items or []]


# --- writers -----------------------------------------------------------------------------


def _write_csv(tables: Mapping[str, pa.Table], folder: Path, raw: bool = False) -> None:
    """One CSV file per table; a cell a spreadsheet would run as a formula (it begins with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, unless
    ``raw``."""
    import csv

    for table, data in tables.items():
        names = [c.name for c in columns(table)]
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            for row in data.to_pylist():
                writer.writerow({k: spreadsheet_cell(v, raw)
                                 for k, v in _text_row(table, row).items()})


def _write_json(tables: Mapping[str, pa.Table], folder: Path) -> None:
    for table, data in tables.items():
        rows = [{k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
                 for k, v in row.items()} for row in data.to_pylist()]
        (folder / f"{table}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_parquet(tables: Mapping[str, pa.Table], folder: Path) -> None:
    import pyarrow.parquet as pq

    for table, data in tables.items():
        pq.write_table(data, folder / f"{table}.parquet", compression="zstd")


def _write_sqlite(tables: Mapping[str, pa.Table], path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            for table in table_order(list(tables)):
                connection.execute(create_table_sql(table, "sqlite"))
                names = [c.name for c in columns(table)]
                marks = ", ".join("?" for _ in names)
                connection.executemany(
                    f"INSERT INTO {_quoted(table)} VALUES ({marks})",
                    [tuple(_text_row(table, row)[n] for n in names)
                     for row in tables[table].to_pylist()])
                for link in link_tables(table):
                    connection.execute(create_link_sql(link, "sqlite"))
                    connection.executemany(f"INSERT INTO {_quoted(link.name)} VALUES (?, ?)",
                                           _link_rows(link, tables[table]))
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # pragma: no cover - the build guarantees the keys hold
            raise ValueError(f"foreign key check failed in the SQLite export: {problems[0]}")
    finally:
        connection.close()


def _write_duckdb(tables: Mapping[str, pa.Table], path: Path) -> None:
    import duckdb
    import pyarrow as pa

    connection = duckdb.connect(str(path))
    try:
        for table in table_order(list(tables)):
            connection.execute(create_table_sql(table, "duckdb"))
            source = tables[table]
            connection.register("incoming", source)
            names = ", ".join(_quoted(c.name) for c in columns(table))
            connection.execute(f"INSERT INTO {_quoted(table)} SELECT {names} FROM incoming")
            connection.unregister("incoming")
            for link in link_tables(table):
                connection.execute(create_link_sql(link, "duckdb"))
                pairs = _link_rows(link, source)
                links = pa.table({link.owner_key: [p[0] for p in pairs],
                                  link.item: [p[1] for p in pairs]},
                                 schema=pa.schema([(link.owner_key, pa.string()),
                                                   (link.item, pa.string())]))
                connection.register("incoming", links)
                connection.execute(f"INSERT INTO {_quoted(link.name)} SELECT * FROM incoming")
                connection.unregister("incoming")
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


#: The formats written as CSV or TSV, whose writers take ``raw`` (see :func:`export`).
SPREADSHEET_FORMATS = frozenset({"csv", "cameo-dyads", "cameo-dyads-tsv"})

#: Each format's writer, ``(tables, target) -> None`` (the CSV formats' also take
#: ``raw``): the target is the database file for the formats of
#: :data:`DATABASE_FILE`, and a folder to fill for the others.
WRITERS: dict[str, Callable[..., None]] = {
    "csv": _write_csv,
    "json": _write_json,
    "parquet": _write_parquet,
    "sqlite": _write_sqlite,
    "duckdb": _write_duckdb,
    # The event-data field's formats (usc_events.store.formats).
    "plover": write_plover,
    "cameo-dyads": write_cameo_dyads,
    "cameo-dyads-tsv": write_cameo_dyads_tsv,
    "popolo": write_popolo,
}

#: The formats that need an optional extra (see :mod:`usc_events.extras`), checked before
#: anything is written.
NEEDS: dict[str, Feature] = {"plover": "formats", "cameo-dyads": "formats",
                             "cameo-dyads-tsv": "formats"}


def is_single_file(fmt: str) -> bool:
    """Whether format ``fmt`` is one database file (``out`` names it) or a folder of files."""
    return fmt in DATABASE_FILE


def export(tables: Mapping[str, pa.Table], fmt: str, out: Path, *,
           force: bool = False, raw: bool = False) -> list[Path]:
    """Write ``tables`` in format ``fmt`` to ``out``; return the files written.

    Parameters
    ----------
    tables:
        Table name to Arrow table, e.g. ``Corpus.tables``.
    fmt:
        One of :data:`FORMATS`.
    out:
        For ``sqlite`` and ``duckdb``, the database file to write (e.g.
        ``usc_events.sqlite``); for the other formats, the folder to write into
        (created if missing).
    force:
        Replace an existing database file, or the files of the same names in an
        existing folder (nothing else in it is touched). Without it, a file that
        exists, or a folder that holds anything, is refused and nothing is written.
    raw:
        For the CSV formats (:data:`SPREADSHEET_FORMATS`): write cells exactly as they
        are. By default a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
        carriage return gets a leading ``'``, so that a spreadsheet shows it as text
        instead of running it as a formula (CSV injection).

    Raises
    ------
    ValueError
        For an unknown format, a folder given as a database file, or a file given as
        the folder of a format of several files.
    usc_events.errors.MissingExtra
        For a format whose extra is not installed (nothing is written).
    ExportTargetExists
        ``out`` exists (a folder: holds something) and ``force`` is not given.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
    if fmt in NEEDS:
        require(NEEDS[fmt])
    if raw and fmt not in SPREADSHEET_FORMATS:
        raise ValueError(f"raw applies to {', '.join(sorted(SPREADSHEET_FORMATS))} only, "
                         f"not {fmt}")
    options = {"raw": raw} if fmt in SPREADSHEET_FORMATS else {}
    writer = WRITERS[fmt]
    if is_single_file(fmt):
        if out.is_dir():
            raise ValueError(f"{out}: is a folder; the {fmt} export is one file: name it, "
                             f"e.g. {out / DATABASE_FILE[fmt]}")
        if out.exists() and not force:
            raise ExportTargetExists(f"{out}: the file exists")
        out.parent.mkdir(parents=True, exist_ok=True)
        with staged_file(out) as staging:
            writer(tables, staging)
        return [out]
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: exists and is not a folder; the {fmt} export is a folder "
                         "of files")
    if out.is_dir() and not force and any(out.iterdir()):
        raise ExportTargetExists(f"{out}: the folder exists and is not empty")
    return write_files_into(out, lambda staging: writer(tables, staging, **options))
