"""Tidy frames for notebooks: each record with its names, titles, dates and sources.

:func:`frame` answers :meth:`Corpus.frame`: one row per record of a table that takes
evidence, with the names a reader wants beside the ids (the view of
:mod:`usc_events.query.selections` where the table has one) and :data:`SOURCE_COLUMNS`,
the record's sources as list columns. :func:`with_sources` adds those columns to any
table whose rows are records of one table, so "which sources report Han Zheng's
statements" is a filter, not a join.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from usc_events.query import selections
from usc_events.query.lookup import check_value
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.vocabularies import RecordType

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pyarrow as pa

    from usc_events.query.engine import Engine

#: The list columns of a record's sources, and what each holds. The first three are
#: aligned (one item per document whose text supports the record, by document id), as
#: are the two of references (one item per reference cited for the record).
SOURCE_COLUMNS: dict[str, str] = {
    "document_ids": "the documents whose text supports the record (its evidence)",
    "outlets": "each document's outlet (null where the document names none)",
    "document_urls": "each document's URL (null where it has none)",
    "attributions": "whom the evidence credits (the Foreign Ministry, AP…), each once",
    "reference_ids": "the public reports cited for the record (its citations)",
    "reference_urls": "each reference's URL",
}

#: The tables :func:`frame` gives: those whose records evidence supports.
FRAME_TABLES: tuple[str, ...] = tuple(str(t) for t in RecordType)


def _sources(engine: Engine, table: str) -> dict[str, dict[str, list[Any]]]:
    """Each record of ``table`` that has sources: its id -> the lists of SOURCE_COLUMNS."""
    documents = engine.query("""
        with spans as (
            select e.record_id, e.document_id, d.outlet, d.url,
                   list(e.attribution) as credited
            from evidence e join documents d using (document_id)
            where e.record_type = $table
            group by e.record_id, e.document_id, d.outlet, d.url
        )
        select record_id,
               list(document_id order by document_id) as document_ids,
               list(outlet order by document_id) as outlets,
               list(url order by document_id) as document_urls,
               list_sort(list_distinct(flatten(list(credited)))) as attributions
        from spans group by record_id
    """, {"table": table}).to_pylist()
    references = engine.query("""
        select c.record_id,
               list(distinct c.reference_id order by c.reference_id) as reference_ids
        from citations c where c.record_type = $table group by c.record_id
    """, {"table": table}).to_pylist()
    urls = {r["reference_id"]: r["url"] for r in engine.rows("references",
                                                            ["reference_id", "url"])}
    found: dict[str, dict[str, list[Any]]] = {}
    for row in documents:
        found[row.pop("record_id")] = row
    for row in references:
        entry = found.setdefault(row["record_id"], {})
        entry["reference_ids"] = row["reference_ids"]
        entry["reference_urls"] = [urls[r] for r in row["reference_ids"]]
    return found


def with_sources(engine: Engine, data: pa.Table, table: str) -> pa.Table:
    """``data`` (rows that are records of ``table``) with :data:`SOURCE_COLUMNS` appended.

    A record without evidence or citations gets empty lists, never nulls.
    """
    import pyarrow as pa

    check_value("table", table, FRAME_TABLES, "a table whose records have sources")
    sources = _sources(engine, table)
    ids = data.column(TABLE_MODELS[table].primary_key).to_pylist()
    for column in SOURCE_COLUMNS:
        values = [sources.get(record_id, {}).get(column) or [] for record_id in ids]
        data = data.append_column(column, pa.array(values, pa.list_(pa.string())))
    return data


def _named(engine: Engine, table: str) -> pa.Table:
    """The records of ``table`` with the names a reader wants beside their ids."""
    if table == "meetings":
        return selections.meetings(engine)
    if table == "statements":
        return selections.statements(engine)
    if table == "positions":
        return selections.positions(engine)
    if table == "roles":
        return engine.query("""
            select r.*, a.name as actor_name, o.name as organization_name
            from roles r join actors a on a.actor_id = r.actor_id
            join actors o on o.actor_id = r.organization_id order by r.role_id""")
    if table == "meeting_participants":
        return engine.query("""
            select p.*, a.name as actor_name, m.title as meeting_title,
                   m.date_earliest, m.date_latest
            from meeting_participants p join actors a using (actor_id)
            join meetings m using (meeting_id) order by p.participant_id""")
    return engine.tables[table]


def frame(engine: Engine, table: str) -> pa.Table:
    """Every record of ``table`` with its names and its sources (see :meth:`Corpus.frame`)."""
    check_value("table", table, FRAME_TABLES, "a table whose records have sources")
    return with_sources(engine, _named(engine, table), table)


def html_summary(version: str, backend: str, tables: Mapping[str, pa.Table]) -> str:
    """A corpus as Jupyter shows it: its version, backend and tables with their rows."""
    import html

    rows = "".join(f"<tr><td><code>{html.escape(name)}</code></td>"
                   f"<td style='text-align:right'>{data.num_rows}</td></tr>"
                   for name, data in tables.items())
    return (f"<div><strong>usc-events corpus</strong>, data version "
            f"{html.escape(version)}, results as {html.escape(backend)}"
            f"<table><thead><tr><th>table</th><th>rows</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
