"""The corpus rules, checked on whole Arrow columns at once.

Every rule works on columns with Arrow compute and NumPy; only rows that break a
rule cost Python code (evidence spans: :mod:`usc_events.build.span_kernels`; the one
exception is the direct-quote rule, which maps ``str.__contains__`` over
statement–quote pairs, as Arrow has no per-row substring kernel). The rules read the column
definitions of :mod:`usc_events.schema.columns`, so a new column gets its checks for free.
Each failure is a :class:`Finding`: a table, a row number, a field and a message;
the caller turns it into a :class:`~usc_events.errors.Violation` with file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from usc_events.build.column_kernels import has_repeats, may_hold_controls, missing
from usc_events.build.encoded import Encoded, encode
from usc_events.build.finding import Finding, closest, rows
from usc_events.build.table_rules import check_table_rules
from usc_events.matching import Choices
from usc_events.schema.columns import Column, arrow_type, columns, contribution_key, model
from usc_events.schema.dates import EDTF_OF_BOUND
from usc_events.schema.types import FREE_TEXT_PATTERN, PLAUSIBLE_YEARS

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T")

#: The first rows of a column that tell whether its values repeat (:func:`_encoded`).
SAMPLE = 10_000
#: A column whose sample has at most this share of distinct values is checked on them.
REPEATING = 0.5


def check_corpus(tables: Mapping[str, pa.Table]) -> list[Finding]:
    """Every rule over every table; all findings, not only the first.

    A column of another Arrow type than the schema's is a finding; the other rules then
    see it cast to the schema's type, or, where it cannot be cast, skip its table.
    The rules run on threads (Arrow's kernels release the GIL), each column's on one,
    and their findings come in the same order as when they run one after the other.
    """
    findings, tables = check_types(tables)
    tasks: dict[tuple[str, ...], Callable[[], Any]] = {}
    for table, data in tables.items():  # the longest first: each primary key's repeats
        for column in columns(table):
            if column.primary_key and column.name in data.column_names:
                tasks["unique", table, column.name] = partial(
                    _listed, partial(_check_unique_key, table, column, data))
    for table, data in tables.items():
        for column in columns(table):
            tasks["column", table, column.name] = partial(
                _column_and_key, table, column, data, tables)
        tasks["intervals", table] = partial(_listed, partial(check_intervals, table, data))
        tasks["plausible", table] = partial(
            _listed, partial(check_plausible_dates, table, data))
    tasks["rules",] = partial(_listed, partial(check_table_rules, tables))
    done = dict(zip(tasks, _on_threads(list(tasks.values())), strict=True))
    keys: list[Finding] = []
    for table in tables:
        for column in columns(table):
            found, dangling = done["column", table, column.name]
            findings += found + done.get(("unique", table, column.name), [])
            keys += dangling
        findings += done["intervals", table] + done["plausible", table]
    rules: list[Finding] = done["rules",]
    return findings + keys + rules


def _column_and_key(table: str, column: Column, data: pa.Table, tables: Mapping[str, pa.Table],
                    ) -> tuple[list[Finding], list[Finding]]:
    """The findings of one column's own rules, and of its foreign key."""
    if column.name not in data.column_names:
        return [Finding(table, 0, column.name, "column is missing", "missing-column")], []
    items = _items(column, data)
    encoded = encode(items.values) if _encoded(column, items) else None
    found = list(_check_column(table, column, data, items, encoded))
    dangling = list(_check_foreign_key(table, column, tables, items, encoded))
    return found, dangling


@dataclass(frozen=True)
class _Items:
    """A column's values, each list flattened into its items, and the row of each item."""

    values: pa.ChunkedArray | pa.Array
    #: The row each item is in; None where the values are the rows.
    parents: pa.Array | None

    def row(self, i: int) -> int:
        return i if self.parents is None else int(self.parents[i].as_py())


def _items(column: Column, data: pa.Table) -> _Items:
    import pyarrow.compute as pc

    values = data.column(column.name)
    if not column.is_list:
        return _Items(values, None)
    return _Items(pc.list_flatten(values), pc.list_parent_indices(values))


def _encoded(column: Column, items: _Items) -> bool:
    """Whether the rules check ``column`` on its distinct values (see :mod:`.encoded`).

    Only a column with a pattern or a foreign key whose values repeat, at most the share
    :data:`REPEATING` of them distinct: hashing every value costs more than checking each
    one where they seldom repeat, as in free text, ids and primary keys. A column with
    only a vocabulary is looked up as cheaply as it would be encoded.

    The distinct values are counted in the first :data:`SAMPLE` items and, in a longer
    column, estimated from them by Chao's estimator of the unseen, bias-corrected: the
    sample's distinct values plus f1(f1 - 1) / 2(f2 + 1), f1 of them seen once and f2
    twice, at most the column's values. Ten million speaker ids among 200,000 actors
    look all but distinct in their first 10,000, yet each is given fifty times.
    """
    import pyarrow.compute as pc

    if column.primary_key or not (column.pattern or column.foreign_key):
        return False
    values = items.values
    valid = len(values) - values.null_count
    sample = values.slice(0, SAMPLE)
    counts = pc.value_counts(pc.drop_null(sample)).field("counts")
    distinct = float(len(counts))
    if len(sample) < len(values):
        once, twice = (pc.sum(pc.equal(counts, n)).as_py() or 0 for n in (1, 2))
        distinct = min(valid, distinct + once * (once - 1) / (2 * (twice + 1)))
    return bool(distinct <= valid * REPEATING)


def _on_threads(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """What each task gives, in order; the tasks run on a thread per core."""
    workers = min(len(tasks), os.cpu_count() or 1)
    if workers <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda task: task(), tasks))


def _listed(check: Callable[[], Iterable[Finding]]) -> list[Finding]:
    return list(check())


def check_types(tables: Mapping[str, pa.Table]) -> tuple[list[Finding], dict[str, pa.Table]]:
    """A finding per column whose Arrow type is not the schema's, and the tables to check on.

    Each such column is cast to the schema's type for the other rules; a table with a column
    that cannot be cast is left out of them, so that no rule meets a type it does not expect.
    """
    import pyarrow as pa

    findings: list[Finding] = []
    typed: dict[str, pa.Table] = {}
    for table, data in tables.items():
        castable = True
        for column in columns(table):
            if column.name not in data.column_names:
                continue
            expected, found = arrow_type(column), data.schema.field(column.name).type
            if found.equals(expected):
                continue
            findings.append(Finding(
                table, 0, column.name, f"column has Arrow type {found}; expected {expected}",
                "column-type", value=str(found)))
            try:
                cast = data.column(column.name).cast(expected)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                castable = False
                continue
            index = data.column_names.index(column.name)
            data = data.set_column(index, data.schema.field(column.name).with_type(expected), cast)
        if castable:
            typed[table] = data
    return findings, typed


def _check_column(table: str, column: Column, data: pa.Table, items: _Items,
                  encoded: Encoded | None) -> Iterator[Finding]:
    """Nulls, patterns, enum values, lengths and minimums (uniqueness: _check_unique_key)."""
    import pyarrow.compute as pc

    values = data.column(column.name)
    if not column.nullable and values.null_count:
        for row in rows(pc.is_null(values)):
            yield Finding(table, row, column.name, "a value is required", "required")
    if column.is_list and items.values.null_count:
        for i in rows(pc.is_null(items.values)):
            yield Finding(table, items.row(i), column.name, "a list item is null", "required")
    yield from _check_scalars(table, column, items, encoded)


def _check_unique_key(table: str, column: Column, data: pa.Table) -> Iterator[Finding]:
    if column.primary_key and has_repeats(data.column(column.name)):
        yield from _check_unique(table, column, data)


def _check_scalars(
    table: str, column: Column, items: _Items, encoded: Encoded | None,
) -> Iterator[Finding]:
    """Each rule on the distinct values where ``encoded`` has them, else on every value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = items.values
    checked = encoded.distinct if encoded is not None else values

    def bad(mask: Any, message: str, code: str) -> Iterator[Finding]:
        for i in encoded.rows_where(mask) if encoded is not None else rows(mask):
            value = values[i].as_py()
            hint = closest(value, column.enum) if code == "enum" and column.enum else None
            yield Finding(
                table, items.row(i), column.name, f"{value!r} {message}", code, value=value,
                hint=hint
            )

    if column.pattern and (column.pattern != FREE_TEXT_PATTERN or may_hold_controls(checked)):
        yield from bad(
            pc.invert(pc.match_substring_regex(checked, column.pattern)),
            f"does not match the pattern {column.pattern}",
            "pattern",
        )
    if column.enum:
        allowed = ", ".join(column.enum)
        yield from bad(
            pc.and_(
                pc.is_valid(checked), pc.invert(pc.is_in(checked, value_set=pa.array(column.enum)))
            ),
            f"is not one of: {allowed}",
            "enum",
        )
    if column.min_length:
        yield from bad(
            pc.less(pc.utf8_length(checked), column.min_length),
            f"is shorter than {column.min_length} character(s)",
            "min-length",
        )
    if column.minimum is not None:
        yield from bad(pc.less(checked, column.minimum), f"is less than {column.minimum}",
                       "minimum")


def _check_unique(table: str, column: Column, data: pa.Table) -> Iterator[Finding]:
    import pyarrow as pa
    import pyarrow.compute as pc

    name = column.name
    explain = (
        f"is the {name} of an earlier row too: {name} is derived from "
        f"{column.derived}, and two rows give the same"
        if column.derived
        else "is already the id of an earlier record; ids must be unique"
    )
    values = data.column(name)  # reached only when has_repeats found a value given twice
    counts = pc.value_counts(values)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    first_row: dict[Any, int] = {}
    found = rows(pc.is_in(values, value_set=repeated))
    for row, value in zip(found, values.take(pa.array(found, pa.int64())).to_pylist(), strict=True):
        if value is None:  # reported as required, not as a duplicate
            continue
        first = first_row.setdefault(value, row)
        if first != row:
            yield Finding(
                table,
                row,
                name,
                f"{value!r} {explain}",
                "duplicate-id",
                value=value,
                related=first,
            )


def check_intervals(table: str, data: pa.Table) -> Iterator[Finding]:
    """Each ``X_earliest`` is at most ``X_latest``; both given or neither unless EDTF-derived."""
    import pyarrow.compute as pc

    names = set(data.column_names)
    pairs = [
        (name, name.removesuffix("_earliest") + "_latest")
        for name in data.column_names
        if name.endswith("_earliest")
    ]
    if {"start", "end"} <= names:
        pairs.append(("start", "end"))
    for low, high in pairs:
        if high not in names:
            continue
        lows, highs = data.column(low), data.column(high)
        for row in rows(pc.greater(lows, highs)):
            yield Finding(
                table,
                row,
                low,
                f"{lows[row].as_py()} is after {high} {highs[row].as_py()}; "
                f"expected {low} ≤ {high}",
                "interval-order",
            )
        # Bounds derived from an EDTF date may be open on either side.
        if low.endswith("_earliest") and low.replace("_earliest", "_edtf") not in names:
            for row in rows(pc.not_equal(pc.is_null(lows), pc.is_null(highs))):
                yield Finding(
                    table,
                    row,
                    low,
                    f"give both {low} and {high}, or neither",
                    "interval-incomplete",
                )


def check_plausible_dates(table: str, data: pa.Table) -> Iterator[Finding]:
    """Dates outside :data:`~usc_events.schema.types.PLAUSIBLE_YEARS` need a ``date_override``.

    Each record is reported once per date as the contributor wrote it (``date``, ``end``,
    ``published``…), not once per bound derived from it.
    """
    import datetime as dt

    import pyarrow.compute as pc

    low, high = PLAUSIBLE_YEARS
    by_name = {column.name: column for column in columns(table)}
    waived = (pc.is_valid(data.column("date_override"))
              if "date_override" in data.column_names else None)
    reported: set[tuple[int, str]] = set()
    for column in by_name.values():
        if column.scalar not in (dt.date, dt.datetime) or column.name not in data.column_names:
            continue
        years = pc.year(data.column(column.name))
        outside = pc.or_(pc.less(years, low), pc.greater(years, high))
        if waived is not None:
            outside = pc.and_(outside, pc.invert(waived))
        edtf_name = EDTF_OF_BOUND.get(column.name)  # a bound is reported at its EDTF's key
        edtf = by_name.get(edtf_name) if edtf_name else None
        field = contribution_key(edtf) if edtf is not None else column.name
        for row in rows(outside):
            if (row, field) in reported:
                continue
            reported.add((row, field))
            value = data.column(edtf.name if edtf else column.name)[row].as_py()
            shown = value.isoformat() if isinstance(value, dt.date) else value
            yield Finding(
                table, row, field,
                f"{shown!r} falls in the year {years[row].as_py()}, outside {low}–{high}: a typo? "
                "If the date is right, say why in date_override",
                "date-range", value=shown)


def _check_foreign_key(table: str, column: Column, tables: Mapping[str, pa.Table],
                       items: _Items, encoded: Encoded | None) -> Iterator[Finding]:
    """The column's distinct values (``encoded``, if given) are looked up in the keys of
    the table it refers to; only the rows of a missing one are visited."""
    import pyarrow.compute as pc

    if column.foreign_key is None:
        return
    target = tables.get(column.foreign_key)
    if target is None:
        return
    keys = target.column(model(column.foreign_key).primary_key)
    values = items.values
    if encoded is not None:
        failing = encoded.rows_where(pc.invert(pc.is_in(encoded.distinct, value_set=keys)))
    else:
        failing = missing(values, keys)
    known: Choices | None = None  # built once per column, when a key is missing
    hints: dict[Any, str | None] = {}  # one per missing value, however many rows give it
    for i in failing:
        row = items.row(i)
        value = values[i].as_py()
        if known is None:
            known = Choices(k for k in keys.to_pylist() if k is not None)
        if value not in hints:
            hints[value] = closest(value, known)
        yield Finding(
            table,
            row,
            column.name,
            f"{value!r} is not the id of any record in {column.foreign_key}",
            "foreign-key",
            value=value,
            hint=hints[value],
        )
