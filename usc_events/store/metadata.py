"""Metadata that other tools read, generated from the table definitions at build time.

:func:`datapackage` gives a Frictionless Data Package (``datapackage.json``): every
table with its fields, types, descriptions, constraints, primary key and foreign
keys. :func:`croissant` gives the same tables as a Croissant JSON-LD description
(``croissant.json``) for machine-learning tools. Both are derived from
:func:`usc_events.schema.columns.columns` and from the build manifest (file names, sizes,
hashes), so they never restate a column by hand and they change only when the
tables or their definitions do: building twice gives the same bytes.

Examples
--------
>>> from usc_events.store.metadata import table_schema
>>> schema = table_schema("roles")
>>> schema["primaryKey"], schema["foreignKeys"][0]["reference"]
(['role_id'], {'resource': 'actors', 'fields': ['actor_id']})
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from usc_events.schema.columns import Column, columns, model

BUILD_MANIFEST = "manifest.json"
DATAPACKAGE = "datapackage.json"
CROISSANT = "croissant.json"

NAME = "usc-events"
AUTHOR = "The usc-events developers"
KEYWORDS = ["US-China relations", "diplomacy", "events", "evidence", "quotations"]
TITLE = "usc-events: an evidence-linked dataset of US–China diplomatic events"
DESCRIPTION = (
    "Hand-curated records of US–China diplomatic events (actors, roles, meetings, "
    "participants, statements, positions, topics and discrepancies between sources), "
    "each supported by verbatim quotes located by character offsets in the source texts "
    "shipped with it."
)
#: The data version CITATION.cff describes and the day it was released (its
#: ``version`` and ``date-released``; the release index's ``created`` day).
CITED_RELEASE = ("1.1.1", "2026-12-02")
LICENSE_ID = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_NOTE = (
    "The curated records are licensed under CC BY 4.0. The source texts (the text "
    "column of the documents table) remain the property of their publishers and "
    "authors; they are shipped verbatim for research, criticism and verification "
    "of the quotations, and are not licensed under CC BY 4.0."
)
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
CROISSANT_PARQUET = "application/x-parquet"

#: Why some references are not declared as foreign keys (Table Schema cannot say them).
UNDECLARED_REFERENCES: Mapping[tuple[str, str], str] = {
    ("evidence", "record_id"): (
        "Refers to the primary key of the table named in record_type; a reference whose "
        "target table varies by row cannot be declared as a foreign key."
    ),
    ("discrepancies", "record_refs"): (
        "Each item names a record as 'table:id'; such references to several tables cannot "
        "be declared as foreign keys."
    ),
}

_FRICTIONLESS_TYPES: Mapping[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    dt.date: "date",
    dt.datetime: "datetime",
}
_SCHEMA_ORG_TYPES: Mapping[type, str] = {
    str: "sc:Text",
    int: "sc:Integer",
    float: "sc:Float",
    bool: "sc:Boolean",
    dt.date: "sc:Date",
    dt.datetime: "sc:DateTime",
}


def _table_names() -> list[str]:
    from usc_events.schema.models import TABLE_MODELS

    return list(TABLE_MODELS)


def field_description(table: str, column: Column) -> str:
    """The column's description, plus what a reader needs about references it holds."""
    parts = [column.description]
    if column.is_list and column.foreign_key:
        parts.append(
            f"Each item refers to {column.foreign_key}.{model(column.foreign_key).primary_key}; "
            "a list column cannot be declared as a foreign key."
        )
    note = UNDECLARED_REFERENCES.get((table, column.name))
    if note:
        parts.append(note)
    if column.derived:
        parts.append(f"Computed by the build ({column.derived}).")
    return " ".join(parts)


def xsd_pattern(pattern: str) -> str:
    """``pattern`` as Table Schema wants it: XML Schema syntax, implicitly anchored.

    The definitions anchor their patterns (``^…$``) and use non-capturing groups;
    XML Schema has neither, and matches the whole value anyway.

    Examples
    --------
    >>> xsd_pattern(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    '[a-z0-9]+(-[a-z0-9]+)*'
    """
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern.replace("(?:", "(")


def _field(table: str, column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.name,
        "type": "any" if column.is_list else _FRICTIONLESS_TYPES[column.scalar],
        "description": field_description(table, column),
    }
    constraints: dict[str, Any] = {}
    if not column.nullable:
        constraints["required"] = True
    if column.primary_key:
        constraints["unique"] = True
    if not column.is_list:
        if column.enum:
            constraints["enum"] = list(column.enum)
        if column.pattern:
            constraints["pattern"] = xsd_pattern(column.pattern)
        if column.min_length is not None:
            constraints["minLength"] = column.min_length
        if column.minimum is not None:
            constraints["minimum"] = column.minimum
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(table: str) -> dict[str, Any]:
    """The Frictionless Table Schema of ``table``."""
    cols = columns(table)
    foreign_keys = [
        {
            "fields": [c.name],
            "reference": {"resource": c.foreign_key, "fields": [model(c.foreign_key).primary_key]},
        }
        for c in cols
        if c.foreign_key and not c.is_list
    ]
    schema: dict[str, Any] = {
        "fields": [_field(table, c) for c in cols],
        "primaryKey": [model(table).primary_key],
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def datapackage(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The Frictionless Data Package describing the tables listed in ``manifest``.

    Parameters
    ----------
    manifest:
        The build manifest: ``dataset_version``, ``schema_version`` and, per table,
        ``file``, ``bytes`` and ``sha256``.
    """
    resources = []
    for table in _table_names():
        entry = manifest["tables"][table]
        resources.append({
            "name": table,
            "profile": "tabular-data-resource",
            "path": entry["file"],
            "format": "parquet",
            "mediatype": PARQUET_MEDIATYPE,
            "sha256": entry["sha256"],
            "description": model(table).about,
            "schema": table_schema(table),
        })
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": f"{DESCRIPTION} {LICENSE_NOTE}",
        "version": manifest["dataset_version"],
        "contributors": [{"title": AUTHOR, "role": "author"}],
        "licenses": [{"name": LICENSE_ID, "path": LICENSE_URL,
                      "title": "Creative Commons Attribution 4.0 International"}],
        "keywords": KEYWORDS,
        "schema_version": manifest["schema_version"],
        "resources": resources,
    }


def _croissant_context() -> dict[str, Any]:
    return {
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "equivalentProperty": "cr:equivalentProperty",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform",
    }


def _croissant_field(table: str, column: Column, file_id: str) -> dict[str, Any]:
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{table}/{column.name}",
        "name": column.name,
        "description": field_description(table, column),
        "dataType": _SCHEMA_ORG_TYPES[column.scalar],
        "source": {"fileObject": {"@id": file_id}, "extract": {"column": column.name}},
    }
    if column.is_list:
        field["repeated"] = True
    elif column.foreign_key:
        target = f"{column.foreign_key}/{model(column.foreign_key).primary_key}"
        field["references"] = {"field": {"@id": target}}
    return field


def bibtex(version: str) -> str:
    """A BibTeX entry citing data version ``version`` (the same facts as CITATION.cff)."""
    key = "usc_events_" + version.replace(".", "_")
    return (f"@misc{{{key},\n  author = {{{{{AUTHOR}}}}},\n  title = {{{{{TITLE}}}}},\n"
            f"  version = {{{version}}},\n  note = {{Dataset; records licensed {LICENSE_ID}}}\n}}")


def croissant(manifest: Mapping[str, Any], date_published: str | None = None) -> dict[str, Any]:
    """The Croissant (1.0) JSON-LD description of the tables listed in ``manifest``.

    File URLs are relative to the folder holding the description, so it stays valid
    wherever the folder is copied (the package, a release, a mirror).

    Parameters
    ----------
    manifest:
        The build manifest (see :func:`datapackage`).
    date_published:
        ISO date of publication; a release sets it, the build (which must give the
        same bytes every time) leaves it out.
    """
    distribution = []
    record_sets = []
    for table in _table_names():
        entry = manifest["tables"][table]
        file_id = entry["file"]
        distribution.append({
            "@type": "cr:FileObject",
            "@id": file_id,
            "name": file_id,
            "description": f"The {table} table.",
            "contentUrl": entry["file"],
            "contentSize": f"{entry['bytes']} B",
            "encodingFormat": CROISSANT_PARQUET,
            "sha256": entry["sha256"],
        })
        record_sets.append({
            "@type": "cr:RecordSet",
            "@id": table,
            "name": table,
            "description": model(table).about,
            "key": {"@id": f"{table}/{model(table).primary_key}"},
            "field": [_croissant_field(table, c, file_id) for c in columns(table)],
        })
    description: dict[str, Any] = {
        "@context": _croissant_context(),
        "@type": "sc:Dataset",
        "name": NAME,
        "description": f"{DESCRIPTION} {LICENSE_NOTE}",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "license": LICENSE_URL,
        "version": manifest["dataset_version"],
        "citeAs": bibtex(manifest["dataset_version"]),
        "keywords": KEYWORDS,
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if date_published:
        description["datePublished"] = date_published
    return description


def _dump(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_metadata(folder: Path, manifest: Mapping[str, Any]) -> list[str]:
    """Write ``datapackage.json`` and ``croissant.json`` into ``folder``; return their names."""
    (folder / DATAPACKAGE).write_text(_dump(datapackage(manifest)), encoding="utf-8")
    (folder / CROISSANT).write_text(_dump(croissant(manifest)), encoding="utf-8")
    return [DATAPACKAGE, CROISSANT]


def stale_metadata(folder: Path, manifest: Mapping[str, Any]) -> list[str]:
    """How ``datapackage.json`` and ``croissant.json`` in ``folder`` differ from what
    :func:`write_metadata` would write for ``manifest``; empty when they agree."""
    problems = []
    try:
        expected = {DATAPACKAGE: datapackage(manifest), CROISSANT: croissant(manifest)}
    except KeyError as error:
        return [f"{DATAPACKAGE}: cannot be checked, {BUILD_MANIFEST} lists no table {error}"]
    for name, wanted in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing; run 'usc-events build'")
        elif json.loads(path.read_text(encoding="utf-8")) != wanted:
            problems.append(f"{name} is out of date with {BUILD_MANIFEST} and the table "
                            "definitions; run 'usc-events build'")
    return problems


__all__ = ["bibtex", "croissant", "datapackage", "stale_metadata", "table_schema",
           "write_metadata", "xsd_pattern"]
