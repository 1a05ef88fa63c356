"""Records chosen by actor, topic, kind and date window, as Arrow tables.

Each function here answers one helper of :class:`usc_events.query.corpus.Corpus`,
which documents its parameters and columns; names are resolved by
:mod:`usc_events.query.lookup`, date windows by :mod:`usc_events.query.windows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from usc_events.matching import fold
from usc_events.query.engine import ROLE_RANK
from usc_events.query.lookup import (
    actor_ids,
    actor_names,
    bounded,
    check_value,
    resolve_meeting,
    resolve_topic,
)
from usc_events.query.windows import Window
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.vocabularies import (
    Channel,
    MeetingKind,
    PositionStatus,
    Stance,
    StatementKind,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from usc_events.query.engine import Engine

#: How the actors given to :meth:`Corpus.meetings` must take part.
MATCHES: tuple[str, ...] = ("all", "any")

#: A day as the helpers take it: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, or a date.
Day = str | dt.date | None

#: Fields :meth:`Corpus.search` looks in, per table.
SEARCHED: dict[str, tuple[str, ...]] = {
    "actors": ("name", "aliases", "description"),
    "topics": ("label", "description"),
    "meetings": ("title", "summary"),
    "statements": ("text",),
    "positions": ("summary",),
    "discrepancies": ("summary",),
    "documents": ("title",),
}


def actors(engine: Engine, text: str | None = None) -> pa.Table:
    """All actors, or those whose name or alias contains ``text`` (folded)."""
    data = engine.tables["actors"]
    if text is None:
        return data
    wanted = fold(text)
    keep = [any(wanted in fold(n) for n in actor_names(a)) for a in data.to_pylist()]
    return data.filter(keep)


def meetings(engine: Engine, actors: str | Sequence[str] | None = None, *,
             start: Day = None, end: Day = None, within: bool = False,
             match: str = "all", kind: str | None = None) -> pa.Table:
    """Meetings with their participants as lists (see :meth:`Corpus.meetings`)."""
    check_value("match", match, MATCHES, "a way to match actors")
    check_value("kind", kind, MeetingKind, "a meeting kind")
    ids = actor_ids(engine, actors)
    window = Window.of(start, end, within)
    needed = len(ids) if match == "all" else 1
    sql = f"""
        with chosen as (
            select meeting_id from meeting_participants
            where $all_actors or list_contains($ids, actor_id)
            group by meeting_id having $all_actors or count(distinct actor_id) >= $needed
        )
        select * from (
        select m.*,
               list(p.actor_id order by {ROLE_RANK}, p.actor_id) as participants,
               list(a.name order by {ROLE_RANK}, p.actor_id) as participant_names
        from meetings m
        join meeting_participants p using (meeting_id)
        join actors a on a.actor_id = p.actor_id
        where m.meeting_id in (select meeting_id from chosen) and {window.sql()}
          and ($kind is null or m.kind = $kind)
        group by all
        ) order by coalesce(date_earliest, date_latest), date_latest, meeting_id
    """
    return engine.query(sql, {"ids": ids, "all_actors": not ids, "needed": needed,
                              "kind": kind})


def participants(engine: Engine, meeting_id: str) -> pa.Table:
    """The participants of one meeting: ``actor_id``, ``name``, ``role``, hosts first."""
    return engine.query(f"""
        select p.actor_id, a.name, p.role from meeting_participants p
        join actors a using (actor_id) where p.meeting_id = $id
        order by {ROLE_RANK}, p.actor_id""", {"id": meeting_id})


def statements(engine: Engine, speaker: str | Sequence[str] | None = None, *,
               topic: str | None = None, kind: str | None = None,
               meeting: str | None = None, start: Day = None, end: Day = None,
               within: bool = False, channel: str | None = None) -> pa.Table:
    """Statements with speaker, topics and audience (see :meth:`Corpus.statements`)."""
    check_value("kind", kind, StatementKind, "a statement kind")
    check_value("channel", channel, Channel, "a statement channel")
    ids = actor_ids(engine, speaker)
    topic_id = resolve_topic(engine, topic) if topic is not None else None
    meeting_id = resolve_meeting(engine, meeting) if meeting is not None else None
    window = Window.of(start, end, within)
    sql = f"""
        select s.*, a.name as speaker_name,
               (select list(t.label order by t.label) from topics t
                where list_contains(s.topic_ids, t.topic_id)) as topic_labels,
               m.title as meeting_title,
               (select list(o.name order by o.name) from meeting_participants q
                join actors o on o.actor_id = q.actor_id
                where q.meeting_id = s.meeting_id and q.actor_id <> s.speaker_id)
               as audience
        from statements s join actors a on a.actor_id = s.speaker_id
        left join meetings m on m.meeting_id = s.meeting_id
        where (len($ids) = 0 or list_contains($ids, s.speaker_id))
          and ($topic is null or list_contains(s.topic_ids, $topic))
          and ($kind is null or s.kind = $kind)
          and ($meeting is null or s.meeting_id = $meeting)
          and ($channel is null or s.channel = $channel)
          and {window.sql("s.date_earliest", "s.date_latest")}
        order by s.date_earliest nulls last, s.date_latest, s.statement_id
    """
    return engine.query(sql, {"ids": ids, "topic": topic_id, "kind": kind,
                              "meeting": meeting_id, "channel": channel})


def positions(engine: Engine, actor: str | Sequence[str] | None = None, *,
              topic: str | None = None, status: str | None = None,
              stance: str | None = None) -> pa.Table:
    """Positions with actor name and topic label (see :meth:`Corpus.positions`)."""
    check_value("status", status, PositionStatus, "a position status")
    check_value("stance", stance, Stance, "a stance")
    ids = actor_ids(engine, actor)
    topic_id = resolve_topic(engine, topic) if topic is not None else None
    sql = """
        select p.*, a.name as actor_name, t.label as topic_label
        from positions p
        join actors a on a.actor_id = p.actor_id
        join topics t on t.topic_id = p.topic_id
        where (len($ids) = 0 or list_contains($ids, p.actor_id))
          and ($topic is null or p.topic_id = $topic)
          and ($status is null or p.status = $status)
          and ($stance is null or p.stance = $stance)
        order by p.actor_id, p.topic_id, p.date_earliest nulls last, p.position_id
    """
    return engine.query(sql, {"ids": ids, "topic": topic_id, "status": status,
                              "stance": stance})


def stance_matrix(engine: Engine, actors: Sequence[str] | None = None,
                  topics: Sequence[str] | None = None) -> pa.Table:
    """Actor × topic, each cell the stance(s) held (see :meth:`Corpus.stance_matrix`)."""
    import pyarrow as pa

    ids = actor_ids(engine, actors)
    topic_ids = [resolve_topic(engine, t) for t in topics] if topics else []
    cells = engine.query("""
        select p.actor_id, a.name as actor_name, p.topic_id,
               string_agg(distinct p.stance, ' / ' order by p.stance) as stance
        from positions p join actors a on a.actor_id = p.actor_id
        where (len($ids) = 0 or list_contains($ids, p.actor_id))
          and (len($topics) = 0 or list_contains($topics, p.topic_id))
        group by all order by p.actor_id, p.topic_id
    """, {"ids": ids, "topics": topic_ids}).to_pylist()
    names = {a["actor_id"]: a["name"] for a in engine.rows("actors", ["actor_id", "name"])}
    rows = ids or sorted({c["actor_id"] for c in cells})
    columns = topic_ids or sorted({c["topic_id"] for c in cells})
    stance = {(c["actor_id"], c["topic_id"]): c["stance"] for c in cells}
    data: dict[str, list[Any]] = {"actor_id": rows, "actor_name": [names[r] for r in rows]}
    for topic_id in columns:
        data[topic_id] = [stance.get((r, topic_id)) for r in rows]
    return pa.table(data, schema=pa.schema([(name, pa.string()) for name in data]))


def search(engine: Engine, text: str) -> pa.Table:
    """One row per field that contains ``text`` (see :meth:`Corpus.search`)."""
    from usc_events.store.python_values import string_table

    wanted = fold(bounded(text, "the search text")).strip()
    if not wanted:
        raise ValueError("empty search text; give a word to look for")
    hits: dict[str, list[str]] = {"table": [], "record_id": [], "field": [], "text": []}
    for table, fields in SEARCHED.items():
        primary = TABLE_MODELS[table].primary_key
        for row in engine.rows(table, [primary, *fields]):
            for field in fields:
                values = row[field] if isinstance(row[field], list) else [row[field]]
                for value in values:
                    if value is not None and wanted in fold(value):
                        for column, item in (("table", table), ("record_id", row[primary]),
                                             ("field", field), ("text", value)):
                            hits[column].append(item)
    return string_table(hits)
