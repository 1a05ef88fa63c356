"""Where every query helper computes: a corpus's Arrow tables and one DuckDB connection.

The helpers of :mod:`usc_events.query` take an :class:`Engine` and answer with Arrow
tables; only :class:`usc_events.query.corpus.Corpus` converts them to a backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from usc_events.errors import QueryError
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import TABLE_NAMES, check_table
from usc_events.schema.vocabularies import ParticipantRole

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

#: Participants are listed in the order of the roles' definition: hosts first.
ROLE_RANK = "list_position([{}], p.role)".format(
    ", ".join(f"'{role.value}'" for role in ParticipantRole))

_MISSING_TABLE = re.compile(r"Table with name (\S+) does not exist")


class LazyTables(Mapping[str, "pa.Table"]):
    """Every table of the data model, each read the first time it is asked for.

    A helper reads only the tables it uses; finding a record by id alone still looks in
    every table (see :func:`usc_events.query.lookup.find`).
    """

    def __init__(self, read: Callable[[str], pa.Table]) -> None:
        self._read = read
        self._tables: dict[str, pa.Table] = {}

    def __getitem__(self, name: str) -> pa.Table:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        if name not in self._tables:
            self._tables[name] = self._read(name)
        return self._tables[name]

    def __contains__(self, name: object) -> bool:
        return name in TABLE_NAMES

    def __iter__(self) -> Iterator[str]:
        return iter(TABLE_NAMES)

    def __len__(self) -> int:
        return len(TABLE_NAMES)

    def read(self) -> list[str]:
        """The tables read so far."""
        return list(self._tables)


class Engine:
    """Every table of the data model as Arrow, and DuckDB over them under their own names.

    Raises
    ------
    ValueError
        When a table of the data model is missing from ``tables``.
    """

    def __init__(self, tables: Mapping[str, pa.Table],
                 retired: Sequence[Mapping[str, Any]] = ()) -> None:
        #: The retired ids of the corpus's manifest: table, id, retired_in, replaced_by, reason.
        self.retired: tuple[Mapping[str, Any], ...] = tuple(retired)
        missing = [t for t in TABLE_NAMES if t not in tables]
        if missing:
            raise ValueError(f"a corpus needs every table; missing: {', '.join(missing)}")
        self.tables: Mapping[str, pa.Table] = (
            tables if isinstance(tables, LazyTables)
            else {name: tables[name] for name in TABLE_NAMES})
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._registered: set[str] = set()
        self._sandbox: duckdb.DuckDBPyConnection | None = None

    def _connect(self, *, files: bool) -> duckdb.DuckDBPyConnection:
        import duckdb

        config: dict[str, str | bool | int | float | list[str]] = (
            {} if files else {"enable_external_access": False})
        connection = duckdb.connect(":memory:", config=config)
        if not files:
            for name, data in self.tables.items():
                connection.register(name, data)
            connection.execute("SET lock_configuration = true")
        return connection

    def _with_tables(self, names: Iterable[str]) -> duckdb.DuckDBPyConnection:
        """The library's connection, with tables ``names`` registered (each once)."""
        if self._connection is None:
            self._connection = self._connect(files=True)
        for name in names:
            if name not in self._registered:
                self._connection.register(name, self.tables[name])
                self._registered.add(name)
        return self._connection

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection in which every table is a view of its own name."""
        return self._with_tables(TABLE_NAMES)

    @property
    def sandbox(self) -> duckdb.DuckDBPyConnection:
        """A connection for users' SQL: the corpus tables and nothing else.

        External access is off and the configuration locked, so a query cannot read or
        write files (``read_text``, ``COPY … TO``, ``ATTACH``), install extensions or
        turn that off again.
        """
        if self._sandbox is None:
            self._sandbox = self._connect(files=False)
        return self._sandbox

    def query(self, sql: str, parameters: dict[str, Any] | None = None) -> pa.Table:
        """The answer to the library's own ``sql``, with named ``$parameters``.

        Only the tables the query names are registered (and so read).
        """
        named = [name for name in TABLE_NAMES if re.search(rf"\b{name}\b", sql)]
        connection = self._with_tables(named)
        return connection.sql(sql, params=parameters or {}).to_arrow_table()

    def run(self, sql: str, allow_files: bool = False) -> pa.Table:
        """The answer to a user's ``sql``; what DuckDB rejects becomes a one-line error.

        The query sees only the corpus tables unless ``allow_files`` is true, which lets
        it read and write any file the user can (see docs/security.md).

        Raises
        ------
        UnknownTable
            The query names a table the data model does not have.
        QueryError
            DuckDB rejects the query for any other reason.
        """
        import duckdb

        try:
            connection = self.connection if allow_files else self.sandbox
            return connection.sql(sql).to_arrow_table()
        except duckdb.Error as error:
            message = _one_line(error)
            missing = _MISSING_TABLE.search(str(error))
        # Raised outside the except block: the one-line message stands alone.
        if missing:
            check_table(missing.group(1))
        raise QueryError(message)

    def table(self, name: str) -> pa.Table:
        """Table ``name``; :class:`~usc_events.errors.UnknownTable` if there is none."""
        return self.tables[check_table(name)]

    def rows(self, table: str, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The rows of ``table`` (only ``columns``, if given) as dicts."""
        data = self.tables[table]
        rows: list[dict[str, Any]] = (
            data.select(list(columns)) if columns is not None else data).to_pylist()
        return rows

    def ids(self, table: str) -> set[str]:
        """The primary keys of ``table``."""
        column = TABLE_MODELS[table].primary_key
        return set(self.tables[table].column(column).to_pylist())


def _one_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:1]) if lines else type(error).__name__
