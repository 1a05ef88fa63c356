"""What records connect to: their evidence, related records, the timeline and the network.

Each function answers one helper of :class:`usc_events.query.corpus.Corpus`, which
documents its parameters and columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from usc_events.query import selections
from usc_events.query.engine import ROLE_RANK
from usc_events.query.lookup import Found, actor_ids
from usc_events.query.sentences import sentence_around
from usc_events.query.windows import Window

if TYPE_CHECKING:
    import networkx as nx
    import pyarrow as pa

    from usc_events.query.engine import Engine
    from usc_events.query.selections import Day

#: The kinds of record a timeline holds.
TIMELINE_KINDS: tuple[str, ...] = ("meeting", "statement", "position")


def evidence(engine: Engine, records: Iterable[tuple[str, str]]) -> pa.Table:
    """The evidence spans of ``records`` (``(table, id)`` pairs), each with its sentence."""
    from usc_events.store.python_values import strings

    wanted = [f"{t}:{i}" for t, i in records]
    data = engine.query("""
        select e.evidence_id, e.record_type, e.record_id, e.document_id, d.file_name,
               d.outlet, d.title, e.start, e."end", e.quote, d.text, e.attribution
        from evidence e join documents d using (document_id)
        where list_contains($wanted, e.record_type || ':' || e.record_id)
        order by e.record_type, e.record_id, e.document_id, e.start, e.evidence_id
    """, {"wanted": wanted})
    sentences = [sentence_around(text, start, end) for text, start, end in zip(
        data.column("text").to_pylist(), data.column("start").to_pylist(),
        data.column("end").to_pylist(), strict=True)]
    position = data.schema.get_field_index("text")
    return data.set_column(position, "sentence", strings(sentences))


def citations(engine: Engine, records: Iterable[tuple[str, str]]) -> pa.Table:
    """The citations of references behind ``records`` (``(table, id)`` pairs)."""
    wanted = [f"{t}:{i}" for t, i in records]
    return engine.query("""
        select c.citation_id, c.record_type, c.record_id, c.field, c.reference_id, r.outlet,
               r.title, r.url, r.published_earliest, r.published_latest, r.kind, c.claim,
               c.locator
        from citations c join "references" r using (reference_id)
        where list_contains($wanted, c.record_type || ':' || c.record_id)
        order by c.record_type, c.record_id, c.field nulls first, c.reference_id
    """, {"wanted": wanted})


def related(engine: Engine, found: Found) -> dict[str, pa.Table]:
    """What ``found`` connects to: one table per relation (see :meth:`Corpus.related`)."""
    rid = found.record_id
    if found.table == "actors":
        return {"meetings": selections.meetings(engine, rid),
                "statements": selections.statements(engine, rid),
                "positions": selections.positions(engine, rid)}
    if found.table == "meetings":
        return {"participants": selections.participants(engine, rid),
                "statements": selections.statements(engine, meeting=rid)}
    if found.table == "topics":
        return {"statements": selections.statements(engine, topic=rid),
                "positions": selections.positions(engine, topic=rid)}
    return {}


def timeline(engine: Engine, *, start: Day = None, end: Day = None,
             actor: str | Sequence[str] | None = None, within: bool = False,
             kinds: Sequence[str] = TIMELINE_KINDS) -> pa.Table:
    """Meetings, statements and positions in date order (see :meth:`Corpus.timeline`)."""
    unknown = [k for k in kinds if k not in TIMELINE_KINDS]
    if unknown:
        raise ValueError(f"unknown timeline kind {unknown[0]!r}; "
                         "choose meeting, statement or position")
    ids = actor_ids(engine, actor)
    window = Window.of(start, end, within)
    sql = f"""
        with events as (
            select m.date_earliest, m.date_latest, m.date_edtf, m.end_edtf, m.end_earliest,
                   m.end_latest, m.date_basis, 'meeting' as kind,
                   m.meeting_id as record_id, m.title,
                   list(p.actor_id order by {ROLE_RANK}, p.actor_id) as actors,
                   list(a.name order by {ROLE_RANK}, p.actor_id) as actor_names
            from meetings m join meeting_participants p using (meeting_id)
            join actors a on a.actor_id = p.actor_id
            group by all
            union all
            select s.date_earliest, s.date_latest, s.date_edtf, null, null, null, s.date_basis,
                   'statement',
                   s.statement_id,
                   s.text, [s.speaker_id], [a.name]
            from statements s join actors a on a.actor_id = s.speaker_id
            union all
            select p.date_earliest, p.date_latest, p.date_edtf, null, null, null, p.date_basis,
                   'position',
                   p.position_id,
                   p.summary, [p.actor_id], [a.name]
            from positions p join actors a on a.actor_id = p.actor_id
        )
        select e.*
        from events e
        where (e.date_earliest is not null or e.date_latest is not null)
          and list_contains($kinds, e.kind)
          and (len($ids) = 0 or len(list_intersect(e.actors, $ids)) > 0)
          and {window.sql("e.date_earliest", "e.date_latest")}
        order by coalesce(e.date_earliest, e.date_latest), e.date_latest nulls last, e.kind,
                 e.record_id
    """
    return engine.query(sql, {"ids": ids, "kinds": list(kinds)})


def network(engine: Engine, *, start: Day = None, end: Day = None, within: bool = False,
            actor: str | Sequence[str] | None = None) -> nx.Graph:
    """Who met whom, as a networkx graph (see :meth:`Corpus.network`)."""
    import networkx as nx

    rows = selections.meetings(engine, actor, start=start, end=end, within=within,
                               match="any")
    graph = nx.Graph()
    actors = {a["actor_id"]: a for a in engine.rows("actors")}
    for meeting in rows.select(["meeting_id", "participants"]).to_pylist():
        people = meeting["participants"]
        for person in people:
            a = actors[person]
            graph.add_node(person, name=a["name"], kind=a["kind"], country=a["country"])
        for i, left in enumerate(people):
            for right in people[i + 1:]:
                if graph.has_edge(left, right):
                    edge = graph.edges[left, right]
                    edge["weight"] += 1
                    edge["meetings"] = sorted([*edge["meetings"], meeting["meeting_id"]])
                else:
                    graph.add_edge(left, right, weight=1, meetings=[meeting["meeting_id"]])
    return graph
