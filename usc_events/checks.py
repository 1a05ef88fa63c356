"""The corpus rules, checked on whole Arrow columns at once.

Every rule works on columns with Arrow compute (no Python loop per row, except
the evidence-span check, which compares strings). The rules read the column
definitions of :mod:`usc_events.columns`, so a new column gets its checks for free.
Each failure is a :class:`Finding`: a table, a row number, a field and a message;
the caller turns it into a :class:`~usc_events.errors.Violation` with file and line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from usc_events.columns import EVIDENCED_TABLES, Column, columns, model

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Finding:
    """One rule broken by one row of one table."""

    table: str
    row: int
    field: str
    message: str
    code: str


def check_corpus(tables: Mapping[str, pa.Table]) -> list[Finding]:
    """Every rule over every table; all findings, not only the first."""
    findings: list[Finding] = []
    for table, data in tables.items():
        findings.extend(check_columns(table, data))
        findings.extend(check_intervals(table, data))
    findings.extend(check_foreign_keys(tables))
    findings.extend(check_table_rules(tables))
    return findings


def _rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Row numbers where a boolean mask is true (nulls count as false)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    filled = pc.fill_null(mask, False)
    indices = pc.indices_nonzero(filled)
    return pa.array(indices).to_pylist()  # type: ignore[no-any-return]


def _values(data: pa.Table, name: str, rows: list[int]) -> list[object]:
    return data.column(name).take(rows).to_pylist()  # type: ignore[no-any-return]


def check_columns(table: str, data: pa.Table) -> Iterator[Finding]:
    """Nulls, patterns, enum values, lengths, minimums and unique primary keys."""
    import pyarrow.compute as pc

    for column in columns(table):
        if column.name not in data.column_names:
            yield Finding(table, 0, column.name, "column is missing", "missing-column")
            continue
        values = data.column(column.name)
        if not column.nullable:
            nulls = _rows(pc.is_null(values))
            for row in nulls:
                yield Finding(table, row, column.name, "a value is required", "required")
        parents = None
        if column.is_list:
            parents = pc.list_parent_indices(values)
            values = pc.list_flatten(values)
            for i in _rows(pc.is_null(values)):
                yield Finding(
                    table, int(parents[i].as_py()), column.name, "a list item is null", "required"
                )
        yield from _check_scalars(table, column, values, parents)
        if column.primary_key:
            yield from _check_unique(table, column, data)


def _check_scalars(
    table: str, column: Column, values: pa.ChunkedArray | pa.Array, parents: object
) -> Iterator[Finding]:
    import pyarrow as pa
    import pyarrow.compute as pc

    def row_of(i: int) -> int:
        if parents is None:
            return i
        return int(pa.array(parents)[i].as_py())

    def bad(mask: object, message: str, code: str) -> Iterator[Finding]:
        for i in _rows(mask):
            value = values[i].as_py()
            yield Finding(table, row_of(i), column.name, f"{value!r} {message}", code)

    if column.pattern:
        yield from bad(
            pc.invert(pc.match_substring_regex(values, column.pattern)),
            f"does not match the pattern {column.pattern}",
            "pattern",
        )
    if column.enum:
        allowed = ", ".join(column.enum)
        yield from bad(
            pc.and_(
                pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pa.array(column.enum)))
            ),
            f"is not one of: {allowed}",
            "enum",
        )
    if column.min_length:
        yield from bad(
            pc.less(pc.utf8_length(values), column.min_length),
            f"is shorter than {column.min_length} character(s)",
            "min-length",
        )
    if column.minimum is not None:
        yield from bad(pc.less(values, column.minimum), f"is less than {column.minimum}", "minimum")


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
    counts = pc.value_counts(data.column(name))
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated) == 0:
        return
    for row in _rows(pc.is_in(data.column(name), value_set=repeated)):
        value = data.column(name)[row].as_py()
        first = pc.index(data.column(name), pa.scalar(value, data.schema.field(name).type))
        if first.as_py() != row:
            yield Finding(table, row, name, f"{value!r} {explain}", "duplicate-id")


def check_intervals(table: str, data: pa.Table) -> Iterator[Finding]:
    """Each ``X_earliest`` is at most ``X_latest``, both given or neither; ``start ≤ end``."""
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
        for row in _rows(pc.greater(lows, highs)):
            yield Finding(
                table,
                row,
                low,
                f"{lows[row].as_py()} is after {high} {highs[row].as_py()}; "
                f"expected {low} ≤ {high}",
                "interval-order",
            )
        if low.endswith("_earliest"):
            for row in _rows(pc.not_equal(pc.is_null(lows), pc.is_null(highs))):
                yield Finding(
                    table,
                    row,
                    low,
                    f"give both {low} and {high}, or neither",
                    "interval-incomplete",
                )


def check_foreign_keys(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """Every foreign key (scalar or list) names an existing record."""
    import pyarrow.compute as pc

    for table, data in tables.items():
        for column in columns(table):
            if column.foreign_key is None or column.name not in data.column_names:
                continue
            target = tables.get(column.foreign_key)
            if target is None:
                continue
            keys = target.column(model(column.foreign_key).primary_key)
            values = data.column(column.name)
            if column.is_list:
                parents = pc.list_parent_indices(values).to_pylist()
                values = pc.list_flatten(values)
            else:
                parents = None
            missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=keys)))
            for i in _rows(missing):
                row = parents[i] if parents is not None else i
                yield Finding(
                    table,
                    row,
                    column.name,
                    f"{values[i].as_py()!r} is not the id of any record in {column.foreign_key}",
                    "foreign-key",
                )


def check_table_rules(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """Rules that tie several columns or tables together."""
    yield from _check_evidence(tables)
    yield from _check_date_basis(tables)
    yield from _check_values_have_units(tables)
    yield from _check_direct_quotes(tables)
    yield from _check_record_refs(tables)


def _record_keys(tables: Mapping[str, pa.Table], table: str) -> pa.ChunkedArray:
    return tables[table].column(model(table).primary_key)


def _check_evidence(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    import pyarrow.compute as pc

    evidence = tables.get("evidence")
    if evidence is None:
        return
    # evidence -> its record
    for table in EVIDENCED_TABLES:
        if table not in tables:
            continue
        of_table = pc.equal(evidence.column("record_type"), table)
        keys = _record_keys(tables, table)
        dangling = pc.and_(
            of_table, pc.invert(pc.is_in(evidence.column("record_id"), value_set=keys))
        )
        for row in _rows(dangling):
            yield Finding(
                "evidence",
                row,
                "record_id",
                f"{evidence.column('record_id')[row].as_py()!r} is not the id of any "
                f"record in {table}",
                "foreign-key",
            )
        # every record that needs evidence has some
        if model(table).needs_evidence:
            supported = evidence.filter(of_table).column("record_id")
            for row in _rows(pc.invert(pc.is_in(keys, value_set=supported))):
                yield Finding(
                    table,
                    row,
                    "evidence",
                    "the record has no evidence; give at least one verbatim quote",
                    "no-evidence",
                )
    # each span is exactly the quote in its document
    documents = tables.get("documents")
    if documents is None:
        return
    texts = dict(
        zip(
            documents.column("document_id").to_pylist(),
            documents.column("text").to_pylist(),
            strict=True,
        )
    )
    doc_ids = evidence.column("document_id").to_pylist()
    starts = evidence.column("start").to_pylist()
    ends = evidence.column("end").to_pylist()
    quotes = evidence.column("quote").to_pylist()
    for row, (doc, start, end, quote) in enumerate(zip(doc_ids, starts, ends, quotes, strict=True)):
        text = texts.get(doc)
        if text is not None and text[start:end] != quote:
            yield Finding(
                "evidence",
                row,
                "quote",
                f"text[{start}:{end}] of {doc} is {text[start:end]!r}, not the quote",
                "span-mismatch",
            )


def _check_date_basis(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    import pyarrow.compute as pc

    for table, data in tables.items():
        if "date_basis" not in data.column_names:
            continue
        basis, dates = data.column("date_basis"), data.column("date_earliest")
        for row in _rows(pc.not_equal(pc.is_null(basis), pc.is_null(dates))):
            yield Finding(
                table,
                row,
                "date_basis",
                "give date_basis exactly when the record has dates",
                "date-basis",
            )
        inferred = pc.and_(pc.equal(basis, "inferred"), pc.is_null(data.column("note")))
        for row in _rows(inferred):
            yield Finding(
                table,
                row,
                "note",
                "an inferred date interval needs a note giving the reasoning",
                "inference-note",
            )


def _check_values_have_units(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    import pyarrow.compute as pc

    for table, data in tables.items():
        if not {"value", "unit"} <= set(data.column_names):
            continue
        mismatched = pc.not_equal(pc.is_null(data.column("value")), pc.is_null(data.column("unit")))
        for row in _rows(mismatched):
            yield Finding(
                table, row, "unit", "give value and unit together, or neither", "value-unit"
            )


def _check_direct_quotes(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """A direct quote's text appears verbatim in one of its evidence quotes."""
    statements, evidence = tables.get("statements"), tables.get("evidence")
    if statements is None or evidence is None:
        return
    quotes_of: dict[str, list[str]] = {}
    for record_type, record_id, quote in zip(
        evidence.column("record_type").to_pylist(),
        evidence.column("record_id").to_pylist(),
        evidence.column("quote").to_pylist(),
        strict=True,
    ):
        if record_type == "statements":
            quotes_of.setdefault(record_id, []).append(quote)
    for row, (statement_id, kind, text) in enumerate(
        zip(
            statements.column("statement_id").to_pylist(),
            statements.column("kind").to_pylist(),
            statements.column("text").to_pylist(),
            strict=True,
        )
    ):
        quotes = quotes_of.get(statement_id, [])
        if kind == "direct_quote" and quotes and not any(text in q for q in quotes):
            yield Finding(
                "statements",
                row,
                "text",
                "a direct quote's text must appear verbatim in one of its evidence quotes",
                "quote-not-in-evidence",
            )


def _check_record_refs(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    data = tables.get("discrepancies")
    if data is None:
        return
    keys = {t: set(_record_keys(tables, t).to_pylist()) for t in EVIDENCED_TABLES if t in tables}
    for row, refs in enumerate(data.column("record_refs").to_pylist()):
        for ref in refs or []:
            table, _, key = ref.partition(":")
            if table in keys and key not in keys[table]:
                yield Finding(
                    "discrepancies",
                    row,
                    "record_refs",
                    f"{ref!r} is not the id of any record in {table}",
                    "foreign-key",
                )
