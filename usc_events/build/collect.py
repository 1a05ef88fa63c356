"""What reading ``data/`` gathers: rows per table, where each came from, and violations."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from usc_events.build.lines import Lines, YamlPath
from usc_events.errors import Violation
from usc_events.schema.models import TABLE_MODELS

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Origin:
    """Where a row came from: the file, the line, and the line of each field (and columns)."""

    file: str
    line: int | None
    record: str | None
    lines: Mapping[str, int] = field(default_factory=dict)
    column: int | None = None
    columns: Mapping[str, int] = field(default_factory=dict)
    #: Where the row's item sits within its record (``citations.0``), for an item that is
    #: written inside another record; empty for a record of its own.
    within: str = ""


#: Rows of a table gathered as Python dicts before they become one Arrow record batch:
#: a large corpus is held in Arrow's compact form, not as a dict per row.
BATCH_ROWS = 65_536


@dataclass
class Collector:
    """Rows per table, the origin of each row, and the violations met on the way."""

    #: The rows of each table not yet in a batch, in the order added.
    pending: dict[str, list[Mapping[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in TABLE_MODELS})
    #: The rows of each table already made Arrow record batches, ``BATCH_ROWS`` at a time.
    batches: dict[str, list[pa.RecordBatch]] = field(
        default_factory=lambda: {t: [] for t in TABLE_MODELS})
    #: Where each row came from: its :class:`Origin`, or the :class:`Site` that gives it when
    #: asked (:meth:`origin`), so that the many rows no violation names cost nothing.
    origins: dict[str, Origins] = field(
        default_factory=lambda: {t: Origins() for t in TABLE_MODELS})
    violations: list[Violation] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    #: Documents whose text could not be read (already reported): quotes in them are not checked.
    unreadable: set[str] = field(default_factory=set)
    #: Items that failed validation, as written: later rules do not report them again.
    rejected: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Records (``table:id``) some of whose evidence was not added (already reported).
    incomplete: set[str] = field(default_factory=set)
    #: Tables some of whose records could not be read at all, so their ids are unknown.
    unread: set[str] = field(default_factory=set)

    def add(self, table: str, row: Mapping[str, Any], origin: Origin | Site) -> None:
        """Add ``row`` to ``table`` (a column it lacks is null), and where it came from."""
        pending = self.pending[table]
        pending.append(row)
        self.origins[table].append(origin)
        if len(pending) == BATCH_ROWS:
            self._seal(table)

    def _seal(self, table: str) -> None:
        """Make the rows of ``table`` not yet in a batch a record batch."""
        from usc_events.build.arrow import to_batch

        self.batches[table].append(to_batch(table, self.pending[table]))
        self.pending[table] = []

    def column(self, table: str, name: str) -> list[Any]:
        """Column ``name`` of every row of ``table`` added so far, as Python values."""
        sealed = [v for batch in self.batches[table] for v in batch.column(name).to_pylist()]
        return sealed + [row.get(name) for row in self.pending[table]]

    def seal(self) -> None:
        """Make the rows not yet in a batch record batches, table by table."""
        for table, pending in self.pending.items():
            if pending:
                self._seal(table)

    def tables(self) -> dict[str, pa.Table]:
        """Every table as Arrow, its rows in the order added; the collector gives them up."""
        from usc_events.build.arrow import to_table

        self.seal()
        tables = {t: to_table(t, self.batches[t]) for t in TABLE_MODELS}
        self.batches = {t: [] for t in TABLE_MODELS}
        return tables

    def origin(self, table: str, row: int) -> Origin:
        """Where row number ``row`` of ``table`` came from."""
        where = self.origins[table][row]
        return where if isinstance(where, Origin) else where.origin()

    def given_up(self) -> FileRows:
        """What was gathered, rows as Arrow record batches, to be merged into another collector.

        The document texts stay: the other collector has them already.
        """
        self.seal()
        gathered = FileRows(
            {t: batches for t, batches in self.batches.items() if batches},
            {t: self.origins[t] for t, batches in self.batches.items() if batches},
            self.violations, self.rejected, self.incomplete, self.unread,
        )
        self.batches = {t: [] for t in TABLE_MODELS}
        self.origins = {t: Origins() for t in TABLE_MODELS}
        return gathered

    def merge(self, rows: FileRows) -> None:
        """Add what another collector gathered (:meth:`given_up`), after the rows added so far."""
        for table, batches in rows.batches.items():
            if self.pending[table]:
                self._seal(table)
            self.batches[table] += batches
            self.origins[table].extend(rows.origins[table])
        self.violations += rows.violations
        self.rejected += rows.rejected
        self.incomplete |= rows.incomplete
        self.unread |= rows.unread


@dataclass
class FileRows:
    """What a collector gathered from some files: a worker's reply (see :meth:`Collector.merge`).

    Pickled, its rows are Arrow buffers and its origins two lists per file, so that it
    travels between processes at little cost.
    """

    batches: dict[str, list[pa.RecordBatch]]
    origins: dict[str, Origins]
    violations: list[Violation]
    rejected: list[tuple[str, dict[str, Any]]]
    incomplete: set[str]
    unread: set[str]


class Origins:
    """Where each row of one table came from, in the order of the rows.

    The sites of rows read one after another from one file share its name and its lines,
    so they are kept as one run of each row's path and record (:class:`_FileSites`): no
    object is kept per row, and a worker's rows travel as two lists per file.
    """

    __slots__ = ("_runs", "_size", "_starts")

    def __init__(self) -> None:
        self._runs: list[_FileSites | list[Origin]] = []
        self._starts: list[int] = []
        self._size = 0

    def append(self, origin: Origin | Site) -> None:
        last = self._runs[-1] if self._runs else None
        if isinstance(origin, Site):
            if not (isinstance(last, _FileSites) and last.lines is origin.lines
                    and last.display == origin.display):
                last = _FileSites(origin.display, origin.lines, [], [])
                self._start(last)
            last.paths.append(origin.path)
            last.labels.append(origin.label)
        else:
            if not isinstance(last, list):
                last = []
                self._start(last)
            last.append(origin)
        self._size += 1

    def _start(self, run: _FileSites | list[Origin]) -> None:
        self._starts.append(self._size)
        self._runs.append(run)

    def extend(self, other: Origins) -> None:
        """Add the origins of ``other``'s rows after these."""
        for run in other._runs:
            self._start(run)
            self._size += len(run)

    def __getitem__(self, row: int) -> Origin | Site:
        if not 0 <= row < self._size:
            raise IndexError(row)
        at = bisect_right(self._starts, row) - 1
        return self._runs[at][row - self._starts[at]]

    def __len__(self) -> int:
        return self._size


@dataclass(frozen=True, slots=True)
class Site:
    """Where an item sits in a file: the file as shown, its lines, the item's path, its record.

    ``label`` names the record the item belongs to, as in violations (``table:id``).
    """

    display: str
    lines: Lines
    path: YamlPath
    label: str

    def at(self, *steps: str | int) -> Site:
        """The site of an item below this one."""
        return Site(self.display, self.lines, (*self.path, *steps), self.label)

    def field_name(self, key: str) -> str:
        """The dotted name of ``key`` of this item, within its record."""
        within = self.path[1:] if self.path and isinstance(self.path[0], int) else self.path
        return dotted((*within, key))

    def origin(self) -> Origin:
        """The origin of a row made from this item: its line and the line of each field.

        The fields' lines are looked up when asked for, not copied for every row.
        """
        columns = self.lines.columns
        return Origin(
            self.display,
            self.lines.get(self.path, 1),
            self.label,
            _Fields(self.lines, self.path, self.lines),
            column=columns.get(self.path),
            columns=_Fields(columns, self.path, self.lines),
            within=self.field_name("")[:-1] if len(self.path) > 1 else "",
        )

    def violation(
        self, key: str, message: str, code: str, *, value: Any, hint: str | None = None
    ) -> Violation:
        """A violation at field ``key`` of this item."""
        where = (*self.path, key)
        return Violation(
            self.display,
            self.lines.get(where),
            self.label,
            self.field_name(key),
            message,
            code,
            column=self.lines.columns.get(where),
            value=value,
            hint=hint,
        )


def dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(p) for p in path)


class _Fields(Mapping[str, int]):
    """The line (or column) of each field of the item at ``path``, read from ``source``."""

    def __init__(self, source: Mapping[YamlPath, int], path: YamlPath, lines: Lines) -> None:
        self._source, self._path, self._lines = source, path, lines

    def __getitem__(self, name: str) -> int:
        return self._source[(*self._path, name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (*self._path, name) in self._source

    def __iter__(self) -> Iterator[str]:
        return (str(p[-1]) for p in self._lines.children(self._path) if p in self._source)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(slots=True)
class _FileSites:
    """The sites of consecutive rows of one file: each row's path in the file and record."""

    display: str
    lines: Lines
    paths: list[YamlPath]
    labels: list[str]

    def __getitem__(self, row: int) -> Site:
        return Site(self.display, self.lines, self.paths[row], self.labels[row])

    def __len__(self) -> int:
        return len(self.paths)
