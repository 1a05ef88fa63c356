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

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.matching import closest as most_alike
from usc_events.schema.columns import EVIDENCED_TABLES, Column, columns, model

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
    #: The offending value, when the rule is about one value (not compared).
    value: Any = dataclasses.field(default=None, compare=False)
    #: How to fix it, where one helps, e.g. the closest existing id (not compared).
    hint: str | None = dataclasses.field(default=None, compare=False)
    #: Another row of the same table the finding is about, e.g. the first use of an id.
    related: int | None = dataclasses.field(default=None, compare=False)


def closest(value: object, choices: Iterable[str]) -> str | None:
    """``did you mean 'x'?`` for the choice most like ``value``, or None when none is close.

    Examples
    --------
    >>> closest("han-zeng", ["han-zheng", "elon-musk"])
    "did you mean 'han-zheng'?"
    """
    found = most_alike(str(value), choices, limit=1)
    return f"did you mean {found[0]!r}?" if found else None


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
        return int(parents[i].as_py())  # type: ignore[index]

    def bad(mask: object, message: str, code: str) -> Iterator[Finding]:
        for i in _rows(mask):
            value = values[i].as_py()
            hint = closest(value, column.enum) if code == "enum" and column.enum else None
            yield Finding(
                table, row_of(i), column.name, f"{value!r} {message}", code, value=value, hint=hint
            )

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
    values = data.column(name)
    if len(pc.unique(values)) == len(values):
        return
    counts = pc.value_counts(values)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    first_row: dict[Any, int] = {}
    rows = _rows(pc.is_in(values, value_set=repeated))
    for row, value in zip(rows, values.take(pa.array(rows, pa.int64())).to_pylist(), strict=True):
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
                parents = pc.list_parent_indices(values)
                values = pc.list_flatten(values)
            else:
                parents = None
            missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=keys)))
            known: list[str] | None = None
            for i in _rows(missing):
                row = parents[i].as_py() if parents is not None else i
                value = values[i].as_py()
                known = [k for k in keys.to_pylist() if k is not None] if known is None else known
                yield Finding(
                    table,
                    row,
                    column.name,
                    f"{value!r} is not the id of any record in {column.foreign_key}",
                    "foreign-key",
                    value=value,
                    hint=closest(value, known),
                )


def check_table_rules(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """Rules that tie several columns or tables together."""
    yield from _check_evidence(tables)
    yield from _check_reviewed(tables)
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
    from usc_events.build.span_kernels import span_mismatches

    document = pc.index_in(evidence.column("document_id"),
                           value_set=documents.column("document_id"))
    texts = documents.column("text")
    mismatched = span_mismatches(texts, document, evidence.column("start"),
                                 evidence.column("end"), evidence.column("quote"))
    for row in mismatched.nonzero()[0].tolist():
        doc = evidence.column("document_id")[row].as_py()
        start, end = evidence.column("start")[row].as_py(), evidence.column("end")[row].as_py()
        text = texts[document[row].as_py()].as_py()
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
    import numpy as np
    import pyarrow.compute as pc

    from usc_events.build.span_kernels import contains_pairwise

    statements, evidence = tables.get("statements"), tables.get("evidence")
    if statements is None or evidence is None:
        return
    # Pair each evidence row of a statement with the first statement row of that id.
    of_statements = evidence.filter(pc.equal(evidence.column("record_type"), "statements"))
    row_of = pc.index_in(of_statements.column("record_id"),
                         value_set=statements.column("statement_id"))
    pairs = of_statements.append_column("row", row_of).filter(pc.is_valid(row_of))
    rows = pairs.column("row")
    quoted = pc.equal(statements.column("kind").take(rows), "direct_quote")
    pairs, rows = pairs.filter(quoted), rows.filter(quoted)
    texts = statements.column("text").take(rows)
    contained = contains_pairwise(pairs.column("quote"), texts)
    row_numbers = rows.to_numpy()
    quoted_rows = np.zeros(statements.num_rows, dtype=bool)
    quoted_rows[row_numbers] = True
    found = np.zeros(statements.num_rows, dtype=bool)
    found[row_numbers[np.asarray(contained, dtype=bool)]] = True
    for row in np.flatnonzero(quoted_rows & ~found).tolist():
        yield Finding(
            "statements",
            row,
            "text",
            "a direct quote's text must appear verbatim in one of its evidence quotes",
            "quote-not-in-evidence",
        )


def _check_record_refs(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    import pyarrow as pa
    import pyarrow.compute as pc

    data = tables.get("discrepancies")
    if data is None:
        return
    refs = data.column("record_refs")
    parents = pc.list_parent_indices(refs)
    flat = pc.list_flatten(refs)
    if len(flat) == 0:
        return
    # 'table:key', split at the first colon; without one, the key is empty.
    parts = pc.extract_regex(flat, r"(?s)^(?P<table>[^:]*)(?::(?P<key>.*))?$")
    ref_tables, ref_keys = pc.struct_field(parts, "table"), pc.struct_field(parts, "key")
    known = [t for t in EVIDENCED_TABLES if t in tables]
    missing = pc.is_in(ref_tables, value_set=pa.array(known, pa.string()))
    for table in known:
        found = pc.and_(pc.equal(ref_tables, table),
                        pc.is_in(ref_keys, value_set=_record_keys(tables, table)))
        missing = pc.and_(missing, pc.invert(found))
    keys: dict[str, list[str]] = {}
    for i in _rows(missing):
        row, ref = parents[i].as_py(), flat[i].as_py()
        table = ref.partition(":")[0]
        if table not in keys:
            keys[table] = sorted(_record_keys(tables, table).to_pylist())
        yield Finding(
            "discrepancies",
            row,
            "record_refs",
            f"{ref!r} is not the id of any record in {table}",
            "foreign-key",
            value=ref,
            hint=closest(ref, [f"{table}:{k}" for k in keys[table]]),
        )


#: How a draft written by ``usc-events propose`` marks what a person must still check.
NEEDS_REVIEW = "NEEDS REVIEW"


def _check_reviewed(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """No note still carries the mark of an unreviewed draft."""
    import pyarrow.compute as pc

    for table, data in tables.items():
        if "note" not in data.column_names:
            continue
        for row in _rows(pc.starts_with(data.column("note"), NEEDS_REVIEW)):
            yield Finding(
                table,
                row,
                "note",
                f"the record is an unreviewed draft (its note starts with {NEEDS_REVIEW!r}); "
                "check every field against the source, then replace the note",
                "needs-review",
                value=data.column("note")[row].as_py(),
            )
