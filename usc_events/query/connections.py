"""What records connect to: their evidence, related records, the timeline and the network.

Each function answers one helper of :class:`usc_events.query.corpus.Corpus`, which
documents its parameters and columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from usc_events.extras import require
from usc_events.query import selections
from usc_events.query.engine import ROLE_RANK
from usc_events.query.lookup import Found, actor_ids, check_value, record
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


def related(engine: Engine, found: Found | str, table: str | None = None
            ) -> dict[str, pa.Table]:
    """What ``found`` (a record, its id or an actor's name) connects to: one table per
    relation (see :meth:`Corpus.related`)."""
    if not isinstance(found, Found):
        found = record(engine, found, table)
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
             kinds: str | Sequence[str] = TIMELINE_KINDS) -> pa.Table:
    """Meetings, statements and positions in date order, the undated last.

    See :meth:`Corpus.timeline`; a date window leaves the undated out (they are in no
    window).
    """
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    for kind in kinds:
        check_value("kinds", kind, TIMELINE_KINDS, "a kind of timeline record")
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
        where list_contains($kinds, e.kind)
          and (len($ids) = 0 or len(list_intersect(e.actors, $ids)) > 0)
          and {window.sql("e.date_earliest", "e.date_latest")}
        order by coalesce(e.date_earliest, e.date_latest) nulls last, e.date_latest nulls last,
                 e.kind, e.record_id
    """
    return engine.query(sql, {"ids": ids, "kinds": list(kinds)})


#: The participant roles that are one side of a meeting: two of one country in the same one
#: of them came as one party (a visitor and his delegation), and did not meet each other.
ONE_SIDE = ("guest", "host")


def network(engine: Engine, *, start: Day = None, end: Day = None, within: bool = False,
            actor: str | Sequence[str] | None = None,
            organizations: bool = False) -> nx.Graph:
    """Who met whom, and who belongs to whom, as a networkx graph (see :meth:`Corpus.network`).

    Two participants of one meeting are a meeting edge unless the data says they were on
    one side of it: a pair linked by a role (a person and the organisation he holds a post
    in) is a membership edge; two of one country in the same role of :data:`ONE_SIDE` (a
    visitor and his delegation, both guests) are a party edge; two attendees of a ceremony
    are no edge, the sources saying only that both were there.
    """
    require("network")
    import networkx as nx

    rows = selections.meetings(engine, actor, start=start, end=end, within=within,
                               match="any")
    graph = nx.Graph()
    actors = {a["actor_id"]: a for a in engine.rows("actors")}
    roles: dict[frozenset[str], list[dict[str, str]]] = {}
    for role in engine.rows("roles", ["role_id", "actor_id", "organization_id", "title"]):
        roles.setdefault(frozenset((role["actor_id"], role["organization_id"])), []).append(role)
    together: dict[frozenset[str], list[str]] = {}  # a member and his organisation's meetings
    part = {(p["meeting_id"], p["actor_id"]): p["role"]
            for p in engine.rows("meeting_participants", ["meeting_id", "actor_id", "role"])}

    def side(meeting_id: str, left: str, right: str) -> str | None:
        """Why ``left`` and ``right`` did not meet in ``meeting_id``, if they did not."""
        roles_of = part[meeting_id, left], part[meeting_id, right]
        if roles_of == ("attendee", "attendee"):
            return "attendees"
        same_country = actors[left]["country"] is not None and (
            actors[left]["country"] == actors[right]["country"])
        return "party" if roles_of[0] == roles_of[1] in ONE_SIDE and same_country else None

    def add_node(actor_id: str) -> None:
        a = actors[actor_id]
        graph.add_node(actor_id, name=a["name"], kind=a["kind"], country=a["country"])

    for meeting in rows.select(["meeting_id", "participants"]).to_pylist():
        people, meeting_id = meeting["participants"], meeting["meeting_id"]
        for person in people:
            add_node(person)
        for i, left in enumerate(people):
            for right in people[i + 1:]:
                pair = frozenset((left, right))
                if pair in roles:
                    together.setdefault(pair, []).append(meeting_id)
                    continue
                apart = side(meeting_id, left, right)
                if apart == "party":
                    if not graph.has_edge(left, right):
                        graph.add_edge(left, right, relation="party", meetings=[])
                    graph.edges[left, right]["meetings"].append(meeting_id)
                elif apart == "attendees":
                    continue
                elif graph.has_edge(left, right):
                    edge = graph.edges[left, right]
                    edge["weight"] += 1
                    edge["meetings"] = sorted([*edge["meetings"], meeting_id])
                else:
                    graph.add_edge(left, right, relation="meeting", weight=1,
                                   meetings=[meeting_id])
    for pair, held in sorted(roles.items(), key=lambda item: sorted(item[0])):
        holder, organization = held[0]["actor_id"], held[0]["organization_id"]
        if holder not in graph or (organization not in graph and not organizations):
            continue
        add_node(organization)
        graph.add_edge(holder, organization, relation="membership", member=holder,
                       roles=sorted(r["role_id"] for r in held),
                       titles=sorted({r["title"] for r in held}),
                       meetings=sorted(together.get(pair, [])))
    return graph
