"""The contribution files' JSON Schemas and commented templates of new records.

Both are derived from the contribution models of :mod:`usc_events.schema.columns`: one
schema per kind of contribution file (the records of each table under
``records/<table>/``, and a document's metadata under ``sources/``), and one
template per table listing every field a contributor writes, with what it means
and what it accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The kinds of contribution file: the tables contributors add records to, then documents.
SCHEMA_FOLDER = "schemas"


def contribution_kinds() -> tuple[str, ...]:
    """The tables with a contribution file kind: the record tables, then ``documents``."""
    from usc_events.build.layout import RECORD_TABLES

    return (*RECORD_TABLES, "documents")


def schema_file_name(table: str) -> str:
    """The name of the JSON Schema file of ``table``'s contribution files."""
    return f"{table}.schema.json"


def schema_header(table: str, depth: int) -> str:
    """The first line of a contribution file, pointing editors at its schema.

    ``depth`` is how many folders the file sits below the repository root
    (3 for ``data/records/<table>/x.yaml``, 2 for ``data/sources/x.yaml``).
    """
    target = f"{'../' * depth}{SCHEMA_FOLDER}/{schema_file_name(table)}"
    return f"# yaml-language-server: $schema={target}"


def schema_texts() -> dict[str, str]:
    """Every schema file's name and its exact text (sorted keys, two-space indent)."""
    from usc_events.schema.columns import contribution_json_schema

    return {
        schema_file_name(table): json.dumps(
            contribution_json_schema(table), indent=2, ensure_ascii=False, sort_keys=True
        )
        + "\n"
        for table in contribution_kinds()
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into ``folder`` (created if needed); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _describe(table: str, name: str, info: Any) -> str:
    """One comment line saying what a field is and what it accepts."""
    from usc_events.schema.columns import columns

    column = next((c for c in columns(table) if c.name == name), None)
    parts = [(info.description or "").rstrip(".")]
    if column is not None:
        if column.enum:
            parts.append(f"one of: {', '.join(column.enum)}")
        if column.foreign_key:
            parts.append(f"an id of {column.foreign_key}")
        if column.scalar.__name__ == "date":
            parts.append("YYYY-MM-DD")
        if column.scalar.__name__ == "datetime":
            parts.append("YYYY-MM-DDTHH:MM:SSZ")
        if column.is_list:
            parts.append("a list, e.g. [a, b]")
    if not info.is_required():
        parts.append("optional")
    elif column is not None and column.nullable:
        parts.append("required (null when there is none)")
    else:
        parts.append("required")
    return "; ".join(p for p in parts if p)


def template(table: str) -> str:
    """A commented YAML template of one new record of ``table``.

    Every field is listed empty (``null``), each with a comment saying what it
    means and what it accepts, so the template fails validation until filled in.

    Examples
    --------
    >>> print(template("topics"))  # doctest: +ELLIPSIS
    # yaml-language-server: $schema=../../../schemas/topics.schema.json
    # A new record of topics: An entry of the controlled vocabulary of policy issues.
    ...
    - topic_id:  # Stable identifier, e.g. 'tariffs'; required
    ...
    """
    from usc_events.schema.columns import (
        columns,
        contribution_model,
        evidence_item_model,
        model,
        passage_item_model,
    )

    if table not in contribution_kinds():
        raise ValueError(
            f"unknown table {table!r}; templates exist for: {', '.join(contribution_kinds())}"
        )
    documents = table == "documents"
    where = "data/sources/<name>.yaml, beside the text" if documents else f"data/records/{table}/"
    lines = [
        schema_header(table, 2 if documents else 3),
        f"# A new record of {table}: {model(table).about}",
        f"# Save it under {where}; fill in every field, then run 'usc-events validate'.",
    ]
    indent = "" if documents else "  "
    first = True
    for name, info in contribution_model(table).model_fields.items():
        lead = "- " if first and not documents else indent
        first = False
        if name in ("evidence", "passages"):
            item = evidence_item_model() if name == "evidence" else passage_item_model()
            lines.append(f"{lead}{name}:  # {(info.description or '').rstrip('.')}")
            sub = indent + "    "
            lead_item = indent + "  - "
            fields = sorted(item.model_fields.items(), key=lambda kv: kv[0] == "occurrence")
            for sub_first, (sub_name, sub_info) in enumerate(fields):
                sub_table = "evidence" if name == "evidence" else "passages"
                comment = _describe(sub_table, sub_name, sub_info)
                if sub_name == "occurrence":
                    comment = f"{(sub_info.description or '').rstrip('.')}; optional"
                prefix = lead_item if sub_first == 0 else sub
                lines.append(f"{prefix}{sub_name}:  # {comment}")
            continue
        empty = " []" if any(c.name == name and c.is_list for c in columns(table)) else ""
        lines.append(f"{lead}{name}:{empty}  # {_describe(table, name, info)}")
    return "\n".join(lines) + "\n"
