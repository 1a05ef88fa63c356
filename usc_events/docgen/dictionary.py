"""The data dictionary, rendered as Markdown from the table definitions.

Every table, column, storage type, constraint, key and controlled vocabulary is read
from :mod:`usc_events.schema.models` through :func:`usc_events.schema.columns.columns`; nothing
here restates a column. The documentation build writes the result as the
"Data dictionary" page.

Examples
--------
>>> from usc_events.docgen.dictionary import render_markdown
>>> page = render_markdown()
>>> page.splitlines()[0]
'# Data dictionary'
>>> "`actor_id`" in page
True
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from usc_events.schema.columns import Column, arrow_type, columns
from usc_events.schema.models import SCHEMA_VERSION, TABLE_MODELS
from usc_events.schema.vocabularies import RecordType


def type_name(column: Column) -> str:
    """The column's storage type as Arrow (and so Parquet) names it, e.g. ``list<string>``.

    Examples
    --------
    >>> from usc_events.schema.columns import columns
    >>> [type_name(c) for c in columns("actors") if c.name in ("actor_id", "aliases")]
    ['string', 'list<string>']
    """
    if column.is_list:
        item = arrow_type(column).value_type
        return f"list<{item}>"
    return str(arrow_type(column))


def vocabulary_anchor(vocabulary: type[StrEnum]) -> str:
    """The id of a vocabulary's section on the page, e.g. ``vocabulary-actorkind``."""
    return f"vocabulary-{vocabulary.__name__.lower()}"


def _code(text: str) -> str:
    """``text`` as an inline code span that is safe inside a Markdown table cell."""
    # Python-Markdown's tables do not split a row at a pipe inside a code span.
    fence = "`` " if "`" in text else "`"
    return f"{fence}{text}{fence[::-1]}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _key(column: Column) -> str:
    keys = []
    if column.primary_key:
        keys.append("primary key")
    if column.foreign_key:
        target = TABLE_MODELS[column.foreign_key]
        item = "each item → " if column.is_list else "→ "
        keys.append(f"{item}[`{target.table}`](#table-{target.table}).`{target.primary_key}`")
    return "<br>".join(keys)


def _constraints(column: Column) -> str:
    rules = []
    prefix = "each item: " if column.is_list else ""
    if column.vocabulary is not None and column.enum is not None:
        values = ", ".join(_code(value) for value in column.enum)
        link = f"[{column.vocabulary.__name__}](#{vocabulary_anchor(column.vocabulary)})"
        rules.append(f"{prefix}one of {values} ({link})")
    if column.pattern:
        rules.append(f"{prefix}matches {_code(column.pattern)}")
    if column.min_length:
        rules.append(f"{prefix}at least {column.min_length} character(s)")
    if column.minimum is not None:
        rules.append(f"{prefix}≥ {column.minimum}")
    if column.primary_key:
        rules.append("unique")
    if column.derived:
        rules.append(f"built, not written by contributors: {_cell(column.derived)}")
    return "<br>".join(rules)


def _table_section(table: str) -> list[str]:
    definition = TABLE_MODELS[table]
    lines = [
        f"## `{table}` {{#table-{table}}}",
        "",
        _cell(definition.about),
        "",
        f"- Primary key: `{definition.primary_key}`.",
        "- Every record must be supported by at least one evidence row: "
        f"{'yes' if definition.needs_evidence else 'no'}.",
        "",
        "| column | type | null allowed | key | constraints | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in columns(table):
        lines.append(
            f"| `{c.name}` | `{type_name(c)}` | {'yes' if c.nullable else 'no'} | "
            f"{_key(c)} | {_constraints(c)} | {_cell(c.description)} |"
        )
    lines.append("")
    return lines


def _relationships() -> list[str]:
    lines = [
        "## Relationships {#relationships}",
        "",
        "Every foreign key; the build checks that each value exists in the table it names.",
        "",
        "| from | to |",
        "|---|---|",
    ]
    for table, definition in TABLE_MODELS.items():
        for c in columns(table):
            if c.foreign_key:
                target = TABLE_MODELS[c.foreign_key]
                each = " (each item)" if c.is_list else ""
                source = f"`{definition.table}.{c.name}`{each}"
                lines.append(f"| {source} | `{target.table}.{target.primary_key}` |")
    evidenced = ", ".join(f"`{t.value}`" for t in RecordType)
    lines += [
        "",
        "An evidence row points at the record it supports through two columns: "
        "`evidence.record_type` names the table and `evidence.record_id` holds that "
        f"table's primary key. The tables it can point at are {evidenced}. "
        "A discrepancy names the records it concerns in `discrepancies.record_refs`, "
        "each written `table:id`.",
        "",
    ]
    return lines


def _vocabularies() -> dict[type[StrEnum], list[str]]:
    """Each controlled vocabulary in use, with the columns that use it, in table order."""
    used: dict[type[StrEnum], list[str]] = {}
    for table in TABLE_MODELS:
        for c in columns(table):
            if c.vocabulary is not None:
                used.setdefault(c.vocabulary, []).append(f"{table}.{c.name}")
    return used


def _vocabulary_section(vocabulary: type[StrEnum], used_by: Iterable[str]) -> list[str]:
    where = ", ".join(f"`{name}`" for name in used_by)
    lines = [
        f"### {vocabulary.__name__} {{#{vocabulary_anchor(vocabulary)}}}",
        "",
        _cell(vocabulary.__doc__ or ""),
        f"Used by {where}.",
        "",
        "| value | meaning |",
        "|---|---|",
    ]
    for member in vocabulary:
        meaning = getattr(member, "meaning", "")
        lines.append(f"| `{member.value}` | {_cell(meaning)} |")
    lines.append("")
    return lines


def render_markdown() -> str:
    """The whole data dictionary as one Markdown page.

    Returns
    -------
    str
        An overview of the tables, one section per table with every column (name,
        storage type, nullability, keys, constraints, meaning), the foreign keys, and
        every controlled vocabulary with the meaning of each value.
    """
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated by usc_events.docgen.dictionary.render_markdown(); do not edit. -->",
        "",
        "This page is generated from the table definitions in `usc_events.schema.models` each "
        f"time the documentation is built (schema version {SCHEMA_VERSION}). The same "
        "definitions give the Arrow schema of the Parquet files, the pandera schema and "
        "the JSON Schema of the contribution files, so this page cannot drift from the data.",
        "",
        "Types are the Arrow types stored in the Parquet files. Timestamps are in UTC. "
        "Columns marked *built* are computed by `usc-events build`; contributors never "
        "write them. Offsets (`start`, `end`) count Unicode code points of the document "
        "text exactly as shipped.",
        "",
        "## Tables {#tables}",
        "",
        "| table | one row is | primary key | evidence required |",
        "|---|---|---|---|",
    ]
    for table, definition in TABLE_MODELS.items():
        lines.append(
            f"| [`{table}`](#table-{table}) | {_cell(definition.about)} | "
            f"`{definition.primary_key}` | {'yes' if definition.needs_evidence else 'no'} |"
        )
    lines.append("")
    for table in TABLE_MODELS:
        lines += _table_section(table)
    lines += _relationships()
    lines += [
        "## Controlled vocabularies {#vocabularies}",
        "",
        "The values an enum column may hold, and what each means.",
        "",
    ]
    for vocabulary, used_by in _vocabularies().items():
        lines += _vocabulary_section(vocabulary, used_by)
    return "\n".join(lines).rstrip("\n") + "\n"
