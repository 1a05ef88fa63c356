"""The Arrow schema, the pandera schema and the JSON Schema agree with the one definition."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from usc_events import TABLE_NAMES
from usc_events.schema.columns import (
    arrow_schema,
    columns,
    contribution_json_schema,
    contribution_key,
    contribution_model,
    model,
    pandera_schema,
)
from usc_events.schema.models import TABLE_MODELS

TABLES = list(TABLE_MODELS)


def test_the_light_table_list_matches_the_definitions() -> None:
    assert list(TABLE_NAMES) == TABLES


def test_the_light_list_of_dated_tables_matches_the_definitions() -> None:
    from usc_events.schema.names import DATED_TABLES

    dated = {t for t in TABLES if any(c.name == "date_earliest" for c in columns(t))}
    assert dated == DATED_TABLES


def test_every_table_has_a_unique_primary_key_column_first() -> None:
    for table in TABLES:
        first = columns(table)[0]
        assert first.name == model(table).primary_key
        assert first.primary_key and not first.nullable


def test_design_columns_are_present() -> None:
    design = {
        "documents": [
            "document_id",
            "file_name",
            "title",
            "outlet",
            "author",
            "published_earliest",
            "published_latest",
            "dateline",
            "kind",
            "language",
            "url",
            "text",
            "sha256",
        ],
        "actors": ["actor_id", "name", "kind", "country", "aliases", "description", "wikidata_id"],
        # The design's start and end, written in EDTF like every other date (issue 12).
        "roles": ["role_id", "actor_id", "organization_id", "title", "date_edtf",
                  "date_earliest", "date_latest", "end_edtf", "end_earliest", "end_latest",
                  "date_basis"],
        "meetings": [
            "meeting_id",
            "kind",
            "title",
            "location",
            "date_earliest",
            "date_latest",
            "summary",
            "plover_event",
            "cameo_code",
        ],
        "meeting_participants": ["meeting_id", "actor_id", "role"],
        "statements": [
            "statement_id",
            "speaker_id",
            "kind",
            "text",
            "meeting_id",
            "channel",
            "date_earliest",
            "date_latest",
            "topic_ids",
        ],
        "positions": [
            "position_id",
            "actor_id",
            "topic_id",
            "stance",
            "summary",
            "status",
            "value",
            "unit",
            "date_earliest",
            "date_latest",
        ],
        "topics": ["topic_id", "label", "description"],
        "discrepancies": ["discrepancy_id", "summary", "record_refs"],
        "evidence": [
            "evidence_id",
            "record_type",
            "record_id",
            "document_id",
            "start",
            "end",
            "quote",
            "attribution",
        ],
        "references": ["reference_id", "url", "title", "outlet", "author",
                       "published_earliest", "published_latest", "kind", "language", "accessed"],
        "citations": ["citation_id", "record_type", "record_id", "field", "reference_id",
                      "claim", "locator"],
    }
    for table, names in design.items():
        assert set(names) <= {c.name for c in columns(table)}, table


@pytest.mark.parametrize("table", TABLES)
def test_arrow_schema_agrees_with_the_definition(table: str) -> None:
    schema = arrow_schema(table)
    assert schema.names == [c.name for c in columns(table)]
    for column in columns(table):
        field = schema.field(column.name)
        assert field.nullable == column.nullable
        assert pa.types.is_list(field.type) == column.is_list
        assert field.metadata[b"description"].decode() == column.description != ""


@pytest.mark.parametrize("table", TABLES)
def test_pandera_schema_agrees_with_the_definition(table: str) -> None:
    schema = pandera_schema(table)
    assert list(schema.columns) == [c.name for c in columns(table)]
    for column in columns(table):
        pandera_column = schema.columns[column.name]
        assert pandera_column.nullable == column.nullable
        assert pandera_column.unique == column.primary_key
        assert pandera_column.dtype.type == pd.ArrowDtype(
            arrow_schema(table).field(column.name).type
        )
        described = " ".join(str(check) for check in pandera_column.checks)
        if column.enum and not column.is_list:
            assert "isin" in described
        if column.pattern and not column.is_list:
            assert "str_matches" in described


def _json_type(prop: dict[str, Any], defs: dict[str, Any]) -> tuple[set[str], bool, dict[str, Any]]:
    """The JSON types a property allows, whether null is allowed, and the non-null branch."""
    branches = prop.get("anyOf", [prop])
    nullable = any(b.get("type") == "null" for b in branches)
    (main,) = [b for b in branches if b.get("type") != "null"]
    if "$ref" in main:
        main = defs[main["$ref"].rsplit("/", 1)[1]]
    return {main.get("type", "")}, nullable, main


@pytest.mark.parametrize("table", TABLES)
def test_json_schema_agrees_with_the_definition(table: str) -> None:
    schema = contribution_json_schema(table)
    item = schema if table == "documents" else schema["items"]
    defs = schema.get("$defs", {})
    if "$ref" in item:
        item = defs[item["$ref"].rsplit("/", 1)[1]]
    properties = item["properties"]
    contributed = [c for c in columns(table) if c.derived is None]
    extras = {"evidence"} if model(table).takes_evidence else set()
    extras |= {"citations"} if model(table).takes_citations else set()
    extras |= {"passages"} if table == "documents" else set()
    assert set(properties) == {contribution_key(c) for c in contributed} | extras
    for column in contributed:
        types, nullable, main = _json_type(properties[contribution_key(column)], defs)
        assert nullable == column.nullable, column.name
        expected = {str: "string", int: "integer", float: "number", bool: "boolean"}.get(
            column.scalar, "string"
        )
        if column.is_list:
            assert types == {"array"}
            main = main["items"]
            if "$ref" in main:
                main = defs[main["$ref"].rsplit("/", 1)[1]]
        else:
            assert types == {expected}, column.name
        assert main.get("pattern") == column.pattern, column.name
        if column.enum:
            assert tuple(main["enum"]) == column.enum
        if column.pattern:
            re.compile(column.pattern)


def test_evidence_is_required_exactly_where_the_definition_says() -> None:
    for table in TABLES:
        definition = model(table)
        fields = contribution_model(table).model_fields
        if definition.needs_evidence:
            assert fields["evidence"].metadata[0].min_length == 1
        elif definition.takes_evidence:
            assert not any(getattr(m, "min_length", 0) for m in fields["evidence"].metadata)
        else:
            assert "evidence" not in fields
