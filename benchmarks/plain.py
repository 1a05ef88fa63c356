"""The corpus rules checked the plain way: row by row, with pydantic and Python sets.

This is the yardstick of the fast path: the benchmark times it against
:func:`usc_events.build.rules.check_corpus`, and the tests check that both find the
same problems (table, row, field and rule) on small corpora, broken or not.
It gives each finding as ``(table, row, field, code)``; it is not used by the
library itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from pydantic import ValidationError

from usc_events.schema.columns import EVIDENCED_TABLES, columns, model
from usc_events.schema.models import TABLE_MODELS

Key = tuple[str, int, str, str]

#: pydantic's error types, as the rule codes of :mod:`usc_events.build.rules`.
_CODES = {
    "string_pattern_mismatch": "pattern",
    "enum": "enum",
    "string_too_short": "min-length",
    "greater_than_equal": "minimum",
}


def check_rows(table: str, rows: list[dict[str, Any]]) -> list[Key]:
    """Validate each row with the table's pydantic model, one at a time."""
    definition = TABLE_MODELS[table]
    found: list[Key] = []
    for number, row in enumerate(rows):
        try:
            definition.model_validate(row)
        except ValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][0])
                code = "required" if problem["input"] is None else _CODES[problem["type"]]
                found.append((table, number, field, code))
    return found


def check_unique(table: str, rows: list[dict[str, Any]]) -> list[Key]:
    """Every primary key used once; the later rows are reported."""
    key = model(table).primary_key
    seen: set[Any] = set()
    found: list[Key] = []
    for number, row in enumerate(rows):
        value = row[key]
        if value is not None and value in seen:
            found.append((table, number, key, "duplicate-id"))
        seen.add(value)
    return found


def check_intervals(table: str, rows: list[dict[str, Any]]) -> list[Key]:
    """``X_earliest ≤ X_latest`` (both or neither) and ``start ≤ end``, row by row."""
    names = [c.name for c in columns(table)]
    pairs = [(n, n.removesuffix("_earliest") + "_latest") for n in names if n.endswith("_earliest")]
    if "start" in names and "end" in names:
        pairs.append(("start", "end"))
    found: list[Key] = []
    for number, row in enumerate(rows):
        for low, high in pairs:
            if row[low] is not None and row[high] is not None and row[low] > row[high]:
                found.append((table, number, low, "interval-order"))
            edtf = low.replace("_earliest", "_edtf")
            if low.endswith("_earliest") and edtf not in names \
                    and (row[low] is None) != (row[high] is None):
                found.append((table, number, low, "interval-incomplete"))
    return found


def check_corpus(tables: Mapping[str, pa.Table]) -> list[Key]:
    """Every rule of :func:`usc_events.build.rules.check_corpus`, checked row by row."""
    rows = {table: data.to_pylist() for table, data in tables.items()}
    found: list[Key] = []
    for table, data in rows.items():
        found += check_rows(table, data)
        found += check_unique(table, data)
        found += check_intervals(table, data)
    keys = {t: {r[model(t).primary_key] for r in data} for t, data in rows.items()}
    for table, data in rows.items():
        for column in columns(table):
            target = column.foreign_key
            if target is None or target not in keys:
                continue
            for number, row in enumerate(data):
                values = row[column.name] if column.is_list else [row[column.name]]
                found += [(table, number, column.name, "foreign-key")
                          for v in values or [] if v is not None and v not in keys[target]]
    found += _evidence_rules(rows, keys)
    found += _record_rules(rows, keys)
    found += _citation_rules(rows)
    return found


def _citation_rules(rows: dict[str, list[dict[str, Any]]]) -> list[Key]:
    from usc_events.build.table_rules import CITED_FIELDS
    from usc_events.schema.columns import contributed_keys

    found: list[Key] = []
    if "citations" not in rows:
        return found
    cited = set()
    for number, row in enumerate(rows["citations"]):
        cited.add((row["record_type"], row["record_id"], row["field"]))
        if row["field"] is not None and row["record_type"] in TABLE_MODELS \
                and row["field"] not in contributed_keys(row["record_type"]):
            found.append(("citations", number, "field", "citation-field"))
    for table, data in rows.items():
        key = model(table).primary_key
        for number, row in enumerate(data):
            needed = [f for f in CITED_FIELDS.get(table, ()) if row[f] is not None]
            if row.get("date_basis") == "reference":
                needed.append("date")
            found += [(table, number, f, "citation-missing") for f in needed
                      if (table, row[key], f) not in cited]
    return found


def _evidence_rules(rows: dict[str, list[dict[str, Any]]], keys: dict[str, set[Any]]) -> list[Key]:
    found: list[Key] = []
    evidence = rows.get("evidence")
    if evidence is None:
        return found
    for table in EVIDENCED_TABLES:
        if table not in rows:
            continue
        supported = set()
        for number, row in enumerate(evidence):
            if row["record_type"] == table:
                supported.add(row["record_id"])
                if row["record_id"] not in keys[table]:
                    found.append(("evidence", number, "record_id", "foreign-key"))
        if model(table).needs_evidence:
            key = model(table).primary_key
            found += [(table, number, "evidence", "no-evidence")
                      for number, row in enumerate(rows[table]) if row[key] not in supported]
    texts: dict[Any, Any] = {}
    for document in rows.get("documents", []):
        texts.setdefault(document["document_id"], document["text"])
    if "documents" in rows:
        for number, row in enumerate(evidence):
            text, start, end, quote = (texts.get(row["document_id"]), row["start"], row["end"],
                                       row["quote"])
            if None in (text, start, end, quote):
                continue
            if not (0 <= start <= end <= len(text) and text[start:end] == quote):
                found.append(("evidence", number, "quote", "span-mismatch"))
    for table in ("evidence", "passages"):
        found += [(table, number, "quote", "quote-word") for number, row in
                  enumerate(rows.get(table, [])) if row.get("quote") is not None
                  and not any(ch.isalnum() for ch in row["quote"])]
    return found


def _record_rules(rows: dict[str, list[dict[str, Any]]], keys: dict[str, set[Any]]) -> list[Key]:
    found: list[Key] = []
    for table, data in rows.items():
        for number, row in enumerate(data):
            note = row.get("note")
            if note is not None and note.startswith("NEEDS REVIEW"):
                found.append((table, number, "note", "needs-review"))
            if "date_basis" in row:
                if (row["date_basis"] is None) != (row["date_edtf"] is None):
                    found.append((table, number, "date_basis", "date-basis"))
                if row["date_basis"] == "inferred" and note is None:
                    found.append((table, number, "note", "inference-note"))
            if "value" in row and "unit" in row and (row["value"] is None) != (row["unit"] is None):
                found.append((table, number, "unit", "value-unit"))
    statements, evidence = rows.get("statements"), rows.get("evidence")
    if statements is not None and evidence is not None:
        first_row: dict[Any, int] = {}
        for number, row in enumerate(statements):
            first_row.setdefault(row["statement_id"], number)
        quotes: dict[int, list[str]] = {}
        for row in evidence:
            number = first_row.get(row["record_id"])
            if row["record_type"] == "statements" and number is not None:
                quotes.setdefault(number, []).append(row["quote"])
        for number, row in enumerate(statements):
            if row["kind"] != "direct_quote" or number not in quotes:
                continue
            if not any(q is not None and row["text"] is not None and row["text"] in q
                       for q in quotes[number]):
                found.append(("statements", number, "text", "quote-not-in-evidence"))
    for number, row in enumerate(rows.get("discrepancies", [])):
        for ref in row["record_refs"] or []:
            if ref is None:
                continue
            table, _, key = ref.partition(":")
            if table in keys and table in EVIDENCED_TABLES and key not in keys[table]:
                found.append(("discrepancies", number, "record_refs", "foreign-key"))
    return found
