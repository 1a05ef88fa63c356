"""The rules that tie several columns or tables together, each over whole Arrow columns.

Evidence spans, reviewed drafts, date bases, values with units, direct quotes inside
their evidence, discrepancies' record references, and the citations of references.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from usc_events.build.finding import Finding, closest, rows
from usc_events.matching import Choices
from usc_events.schema.columns import EVIDENCED_TABLES, model
from usc_events.schema.models import TABLE_MODELS

if TYPE_CHECKING:
    import pyarrow as pa


def check_table_rules(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """Rules that tie several columns or tables together."""
    yield from _check_evidence(tables)
    yield from _check_reviewed(tables)
    yield from _check_date_basis(tables)
    yield from _check_values_have_units(tables)
    yield from _check_direct_quotes(tables)
    yield from _check_record_refs(tables)
    yield from _check_citations(tables)
    yield from _check_quote_words(tables)


def _check_quote_words(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """A quote (of evidence or of a passage) holds at least one letter or digit."""
    import pyarrow.compute as pc

    for table in ("evidence", "passages"):
        data = tables.get(table)
        if data is None or "quote" not in data.column_names:
            continue
        quotes = data.column("quote")
        for row in rows(pc.invert(pc.match_substring_regex(quotes, r"[\pL\pN]"))):
            yield Finding(table, row, "quote",
                          f"{quotes[row].as_py()!r} has no letter or digit; a quote is words "
                          "of the document", "quote-word", value=quotes[row].as_py())


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
        for row in rows(dangling):
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
            for row in rows(pc.invert(pc.is_in(keys, value_set=supported))):
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
        basis, dates = data.column("date_basis"), data.column("date_edtf")
        for row in rows(pc.not_equal(pc.is_null(basis), pc.is_null(dates))):
            yield Finding(
                table,
                row,
                "date_basis",
                "give date_basis exactly when the record has dates",
                "date-basis",
            )
        inferred = pc.and_(pc.equal(basis, "inferred"), pc.is_null(data.column("note")))
        for row in rows(inferred):
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
        for row in rows(mismatched):
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
    keys: dict[str, Choices] = {}
    for i in rows(missing):
        row, ref = parents[i].as_py(), flat[i].as_py()
        table = ref.partition(":")[0]
        if table not in keys:
            names = sorted(_record_keys(tables, table).to_pylist()) if table in tables else []
            keys[table] = Choices(f"{table}:{k}" for k in names)
        yield Finding(
            "discrepancies",
            row,
            "record_refs",
            f"{ref!r} is not the id of any record in {table}",
            "foreign-key",
            value=ref,
            hint=closest(ref, keys[table]),
        )


#: How a draft written by ``usc-events propose`` marks what a person must still check.
NEEDS_REVIEW = "NEEDS REVIEW"


def _check_reviewed(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """No note still carries the mark of an unreviewed draft."""
    import pyarrow.compute as pc

    for table, data in tables.items():
        if "note" not in data.column_names:
            continue
        for row in rows(pc.starts_with(data.column("note"), NEEDS_REVIEW)):
            yield Finding(
                table,
                row,
                "note",
                f"the record is an unreviewed draft (its note starts with {NEEDS_REVIEW!r}); "
                "check every field against the source, then replace the note",
                "needs-review",
                value=data.column("note")[row].as_py(),
            )


#: Fields whose value, wherever it is given, rests on a reference (the shipped texts do
#: not print them): each needs a citation for that field. A date needs one when its
#: ``date_basis`` is ``reference``.
CITED_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("url",),
    "actors": ("wikidata_id",),
}


def _check_citations(tables: Mapping[str, pa.Table]) -> Iterator[Finding]:
    """Each citation names a field of its record; each field resting on a reference is cited."""
    import pyarrow.compute as pc

    from usc_events.schema.columns import contributed_keys

    if "citations" not in tables:
        return
    citations = tables["citations"].select(["record_type", "record_id", "field"]).to_pylist()
    cited = {(c["record_type"], c["record_id"], c["field"]) for c in citations}
    for row, citation in enumerate(citations):
        field, table = citation["field"], citation["record_type"]
        if field is None or table not in TABLE_MODELS:
            continue  # an unknown record type is reported by its own column rule
        keys = contributed_keys(table)
        if field not in keys:
            yield Finding("citations", row, "field",
                          f"{field!r} is not a field of {citation['record_type']}",
                          "citation-field", value=field, hint=closest(field, keys))
    for table, data in tables.items():
        needed = {field: pc.is_valid(data.column(field)) for field in CITED_FIELDS.get(table, ())}
        if "date_basis" in data.column_names:
            needed["date"] = pc.equal(data.column("date_basis"), "reference")
        keys_of = data.column(model(table).primary_key)
        for field, mask in needed.items():
            for row in rows(mask):
                if (table, keys_of[row].as_py(), field) not in cited:
                    yield Finding(table, row, field,
                                  f"{field} rests on a reference, so the record's citations "
                                  f"need one for field {field!r}", "citation-missing")
