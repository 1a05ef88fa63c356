"""Everything derived from the table definitions in :mod:`usc_events.schema.models`.

:func:`columns` reads a model once into plain :class:`Column` descriptions; the Arrow
schema, the pandera schema and the contribution models (hence their JSON Schema)
are built from those, so a column is described in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from usc_events.extras import require
from usc_events.schema.models import TABLE_MODELS, Record
from usc_events.schema.types import Derived, ForeignKey, WrittenAs
from usc_events.schema.vocabularies import RecordType

if TYPE_CHECKING:
    import pandera.pandas as pa_schema
    import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """One column of a table, as the table definition states it."""

    name: str
    #: Python scalar type of the column or of each list item: str, int, float, date, datetime.
    scalar: type
    is_list: bool
    nullable: bool
    description: str
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    minimum: int | None = None
    foreign_key: str | None = None
    derived: str | None = None
    #: The key contributors write the column under, where it is not the column's name.
    written_as: str | None = None
    primary_key: bool = False
    #: The controlled vocabulary of an enum column (its values' meanings), else None.
    vocabulary: type[StrEnum] | None = None


def model(table: str) -> type[Record]:
    """The definition of ``table``; a clear error for an unknown name."""
    try:
        return TABLE_MODELS[table]
    except KeyError:
        known = ", ".join(TABLE_MODELS)
        raise ValueError(f"unknown table {table!r}; the tables are: {known}") from None


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _unwrap(annotation: Any, metadata: list[Any]) -> Any:
    """Peel ``Annotated`` layers, collecting their metadata."""
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        metadata.extend(args[1:])
    return annotation


@cache
def columns(table: str) -> tuple[Column, ...]:
    """The columns of ``table``, in order, read from its definition."""
    definition = model(table)
    result = []
    for name, field in definition.model_fields.items():
        metadata: list[Any] = list(field.metadata)
        annotation = _unwrap(field.annotation, metadata)
        annotation, nullable = _strip_optional(annotation)
        annotation = _unwrap(annotation, metadata)
        is_list = typing.get_origin(annotation) is list
        if is_list:
            (annotation,) = typing.get_args(annotation)
            annotation = _unwrap(annotation, metadata)
        enum = tuple(m.value for m in annotation) if _is_enum(annotation) else None
        scalar = str if enum else annotation
        if scalar not in (str, int, float, bool, dt.date, dt.datetime):
            if getattr(scalar, "__name__", "") == "AwareDatetime":
                scalar = dt.datetime
            else:  # pragma: no cover - a definition error, caught by the schema tests
                raise TypeError(f"{table}.{name}: unsupported type {annotation!r}")
        result.append(
            Column(
                name=name,
                scalar=scalar,
                is_list=is_list,
                nullable=nullable,
                description=field.description or "",
                pattern=_first(metadata, "pattern"),
                enum=enum,
                vocabulary=annotation if enum else None,
                min_length=_first(metadata, "min_length"),
                minimum=_first(metadata, "ge"),
                foreign_key=next((m.table for m in metadata if isinstance(m, ForeignKey)), None),
                derived=next((m.how for m in metadata if isinstance(m, Derived)), None),
                written_as=next((m.key for m in metadata if isinstance(m, WrittenAs)), None),
                primary_key=name == definition.primary_key,
            )
        )
    return tuple(result)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, StrEnum)


def _first(metadata: list[Any], attribute: str) -> Any:
    for item in metadata:
        value = getattr(item, attribute, None)
        if value is not None:
            return value
    return None


# --- Arrow ---------------------------------------------------------------------------


def _arrow_scalar(scalar: type) -> pa.DataType:
    import pyarrow as pa

    return {
        str: pa.string(),
        int: pa.int64(),
        float: pa.float64(),
        bool: pa.bool_(),
        dt.date: pa.date32(),
        dt.datetime: pa.timestamp("us", tz="UTC"),
    }[scalar]


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type of one column."""
    import pyarrow as pa

    item = _arrow_scalar(column.scalar)
    # Parquet names a list's item field "element"; use that name so tables round-trip unchanged.
    return pa.list_(pa.field("element", item)) if column.is_list else item


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``: column types, nullability and descriptions."""
    import pyarrow as pa

    fields = [
        pa.field(
            c.name,
            arrow_type(c),
            nullable=c.nullable,
            metadata={"description": c.description},
        )
        for c in columns(table)
    ]
    return pa.schema(fields, metadata={"table": table, "description": model(table).about})


# --- pandera ---------------------------------------------------------------------------


def pandera_schema(table: str) -> pa_schema.DataFrameSchema:
    """The pandera schema of ``table`` as :func:`usc_events.load` returns it with pandas."""
    require("pandera")
    import pandas as pd
    import pandera.pandas as pdr

    checks_of: dict[str, list[pdr.Check]] = {}
    for c in columns(table):
        checks = []
        if c.pattern and not c.is_list:
            checks.append(pdr.Check.str_matches(c.pattern))
        if c.enum and not c.is_list:
            checks.append(pdr.Check.isin(list(c.enum)))
        if c.min_length and not c.is_list:
            checks.append(pdr.Check.str_length(min_value=c.min_length))
        if c.minimum is not None:
            checks.append(pdr.Check.ge(c.minimum))
        checks_of[c.name] = checks
    return pdr.DataFrameSchema(
        {
            c.name: pdr.Column(
                pd.ArrowDtype(arrow_type(c)),
                checks=checks_of[c.name],
                nullable=c.nullable,
                unique=c.primary_key,
                description=c.description,
            )
            for c in columns(table)
        },
        name=table,
        strict=True,
        ordered=True,
    )


# --- contribution models (and so their JSON Schema) ------------------------------------


class EvidenceSpanBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    occurrence: int | None = Field(
        default=None,
        ge=1,
        description="Which occurrence of the quote is meant (1-based), "
        "when it occurs more than once.",
    )


def contribution_key(column: Column) -> str:
    """The key contributors write ``column`` under (``date`` for ``date_edtf``)."""
    return column.written_as or column.name


def _contributed_fields(table: str, omit: tuple[str, ...] = ()) -> dict[str, Any]:
    definition = model(table)
    return {
        contribution_key(c): (definition.model_fields[c.name].annotation,
                              definition.model_fields[c.name])
        for c in columns(table)
        if c.derived is None and c.name not in omit
    }


def contributed_keys(table: str) -> tuple[str, ...]:
    """The keys of a record of ``table`` as contributors write it (a citation's fields)."""
    return tuple(contribution_key(c) for c in columns(table) if c.derived is None)


@cache
def evidence_item_model() -> type[EvidenceSpanBase]:
    """One evidence item as contributors write it: a document, a quote, an attribution."""
    return create_model(
        "EvidenceItem",
        __base__=EvidenceSpanBase,
        __doc__="A verbatim quote from a shipped document that supports the record.",
        **_contributed_fields("evidence", omit=("record_type",)),
    )


@cache
def citation_item_model() -> type[BaseModel]:
    """One citation as contributors write it on a record: a reference, a field, a claim."""
    return create_model(
        "CitationItem",
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__="A public report (a reference) that supports one field of the record.",
        **_contributed_fields("citations", omit=("record_type",)),
    )


@cache
def passage_item_model() -> type[EvidenceSpanBase]:
    """One boilerplate passage as contributors write it in a document's metadata."""
    return create_model(
        "PassageItem",
        __base__=EvidenceSpanBase,
        __doc__="A boilerplate span of the document, given as a verbatim quote.",
        **_contributed_fields("passages", omit=("document_id",)),
    )


@cache
def contribution_model(table: str) -> type[BaseModel]:
    """The model of one record as contributors write it in YAML.

    It holds the table's columns less those the build derives, plus ``evidence``
    for tables that take it, plus ``passages`` for documents.
    """
    definition = model(table)
    fields = _contributed_fields(table)
    if definition.takes_evidence:
        minimum = 1 if definition.needs_evidence else 0
        fields["evidence"] = (
            list[evidence_item_model()],  # type: ignore[misc]
            Field(
                default_factory=list,
                min_length=minimum,
                description="Verbatim quotes from shipped documents that support this record.",
            ),
        )
    if definition.takes_citations:
        fields["citations"] = (
            list[citation_item_model()],  # type: ignore[misc]
            Field(
                default_factory=list,
                description="References (public reports, not shipped) that support fields of "
                "this record, each with the curator's account of what it reports.",
            ),
        )
    if table == "documents":
        fields["passages"] = (
            list[passage_item_model()],  # type: ignore[misc]
            Field(default_factory=list, description="Boilerplate spans of the document."),
        )
    name = "".join(part.title() for part in table.split("_")) + "Contribution"
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=definition.about,
        **fields,
    )


def contribution_json_schema(table: str) -> dict[str, Any]:
    """JSON Schema of a contribution file for ``table``: a list of records."""
    from pydantic import TypeAdapter

    item = contribution_model(table)
    if table == "documents":
        schema = item.model_json_schema()
    else:
        schema = TypeAdapter(list[item]).json_schema()  # type: ignore[valid-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"usc-events {table} contribution"
    return schema


EVIDENCED_TABLES: tuple[str, ...] = tuple(t.value for t in RecordType)
