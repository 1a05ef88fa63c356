"""Query helpers: the answers analysts want, without writing joins.

:func:`open_corpus` (``usc_events.open``) returns a :class:`Corpus`. Every helper
computes on Arrow tables with DuckDB and converts its result once, at the end,
to the backend chosen when the corpus was opened (pandas, polars or Arrow).

Dates of meetings, statements and positions are intervals
(``date_earliest``/``date_latest``). A date window keeps a record when its
interval overlaps the window (it *may* fall inside it); ``within=True`` keeps
only records whose whole interval lies inside. Undated records are in no window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.errors import Ambiguous, NotFound, QueryError
from usc_events.matching import closest, fold, key, words
from usc_events.query.sentences import sentence_around
from usc_events.query.windows import Window
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import TABLE_NAMES
from usc_events.schema.vocabularies import ParticipantRole, StatementKind
from usc_events.store.backends import Backend, check_backend, to_backend

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    import duckdb
    import networkx as nx
    import pyarrow as pa


#: Participants are listed in the order of the roles' definition: hosts first.
ROLE_RANK = "list_position([{}], p.role)".format(
    ", ".join(f"'{role.value}'" for role in ParticipantRole))

#: The tables whose records have a date interval, and the text that names each record.
DATED: dict[str, str] = {"meetings": "title", "statements": "text", "positions": "summary"}

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


@dataclass(frozen=True)
class Found:
    """One record found by its id: its table and its row as a dict."""

    table: str
    row: dict[str, Any]

    @property
    def record_id(self) -> str:
        """The record's primary key."""
        return str(self.row[TABLE_MODELS[self.table].primary_key])


def open_corpus(version: str | None = None, backend: Backend = "pandas") -> Corpus:
    """Open the corpus for querying (see :class:`Corpus`); ``usc_events.open`` is this.

    Parameters
    ----------
    version:
        ``None`` for the packaged tables, or a data release (see :func:`usc_events.load`).
    backend:
        ``"pandas"`` (default), ``"polars"`` or ``"arrow"``: the type of every result.

    Examples
    --------
    >>> import usc_events
    >>> corpus = usc_events.open(backend="arrow")
    >>> corpus.resolve("Han Zheng")
    'han-zheng'
    """
    from usc_events.releases.versions import manifest, read_arrow

    backend = check_backend(backend)
    tables: dict[str, pa.Table] = {name: read_arrow(name, version) for name in TABLE_NAMES}
    return Corpus(tables, version=str(manifest(version)["dataset_version"]), backend=backend)


class Corpus:
    """The corpus opened for querying; every result comes in ``backend``.

    Parameters
    ----------
    tables:
        Every table of the data model, as Arrow tables.
    version:
        The dataset version the tables are.
    backend:
        ``"pandas"``, ``"polars"`` or ``"arrow"``.
    """

    def __init__(self, tables: Mapping[str, pa.Table], version: str,
                 backend: Backend = "pandas") -> None:
        missing = [t for t in TABLE_NAMES if t not in tables]
        if missing:
            raise ValueError(f"a corpus needs every table; missing: {', '.join(missing)}")
        self.tables: dict[str, pa.Table] = {name: tables[name] for name in TABLE_NAMES}
        self.version = version
        self.backend = check_backend(backend)
        self._connection: duckdb.DuckDBPyConnection | None = None

    @classmethod
    def from_folder(cls, folder: Path, backend: Backend = "pandas") -> Corpus:
        """A corpus from a folder written by ``usc-events build`` (Parquet and manifest)."""
        from usc_events.store.manifest import read_manifest, verified_table

        manifest = read_manifest(folder)
        tables: dict[str, pa.Table] = {
            name: verified_table(folder, manifest, name) for name in TABLE_NAMES}
        return cls(tables, version=str(manifest["dataset_version"]), backend=backend)

    def __repr__(self) -> str:
        rows = sum(t.num_rows for t in self.tables.values())
        return f"<Corpus {self.version}: {len(self.tables)} tables, {rows} rows, {self.backend}>"

    # --- plumbing ------------------------------------------------------------------------

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection in which every table is a view of its own name."""
        if self._connection is None:
            import duckdb

            connection = duckdb.connect(":memory:")
            for name, data in self.tables.items():
                connection.register(name, data)
            self._connection = connection
        return self._connection

    def _query(self, sql: str, parameters: dict[str, Any] | None = None) -> pa.Table:
        return self.connection.sql(sql, params=parameters or {}).to_arrow_table()

    def _result(self, data: pa.Table) -> Any:
        return to_backend(data, self.backend)

    def table(self, name: str) -> Any:
        """One whole table, in the corpus's backend."""
        if name not in self.tables:
            raise ValueError(f"unknown table {name!r}; the tables are: {', '.join(TABLE_NAMES)}")
        return self._result(self.tables[name])

    def sql(self, query: str) -> Any:
        """Run SQL with DuckDB over every table under its own name.

        Examples
        --------
        >>> import usc_events
        >>> corpus = usc_events.open(backend="arrow")
        >>> corpus.sql("select count(*) as n from actors").column("n")[0].as_py() > 0
        True
        """
        import duckdb

        try:
            return self._result(self.connection.sql(query).to_arrow_table())
        except duckdb.CatalogException as error:
            missing = re.search(r"Table with name (\S+) does not exist", str(error))
            if missing:
                raise QueryError(f"unknown table {missing.group(1)!r}; the tables are: "
                                 f"{', '.join(TABLE_NAMES)}") from None
            raise QueryError(_one_line(error)) from None
        except duckdb.Error as error:
            raise QueryError(_one_line(error)) from None

    # --- actors and topics ---------------------------------------------------------------

    def resolve(self, name: str) -> str:
        """The id of the actor that ``name`` names: an id, a name or an alias.

        Case, accents and punctuation do not matter ("j.d. vance", "JD Vance"). A name
        that is one or more whole words of exactly one actor's name or alias also
        resolves ("Musk").

        Raises
        ------
        NotFound
            No actor matches; the message suggests the closest names.
        Ambiguous
            Several actors match; the message lists them.
        """
        actors = self.tables["actors"].select(["actor_id", "name", "aliases"]).to_pylist()
        if any(a["actor_id"] == name for a in actors):
            return name
        wanted = key(name)
        exact = [a for a in actors if wanted in {key(n) for n in _names(a)}]
        if len(exact) == 1:
            return str(exact[0]["actor_id"])
        if len(exact) > 1:
            raise Ambiguous(_ambiguous(name, exact))
        query_words = words(name)
        partial = [a for a in actors if query_words and any(
            _contains_words(words(n), query_words) for n in _names(a))]
        if len(partial) == 1:
            return str(partial[0]["actor_id"])
        if len(partial) > 1:
            raise Ambiguous(_ambiguous(name, partial))
        raise NotFound(_no_match("actor", name, actors))

    def actor(self, name: str) -> dict[str, Any]:
        """The actor ``name`` names (see :meth:`resolve`), as a dict of its columns."""
        actor_id = self.resolve(name)
        return next(a for a in self.tables["actors"].to_pylist() if a["actor_id"] == actor_id)

    def actors(self, text: str | None = None) -> Any:
        """All actors, or those whose name or alias contains ``text`` (folded)."""
        data = self.tables["actors"]
        if text is None:
            return self._result(data)
        wanted = fold(text)
        keep = [any(wanted in fold(n) for n in _names(a)) for a in data.to_pylist()]
        return self._result(data.filter(keep))

    def resolve_topic(self, topic: str) -> str:
        """The id of the topic ``topic`` names: its id or its label, folded."""
        topics = self.tables["topics"].select(["topic_id", "label"]).to_pylist()
        for t in topics:
            if topic == t["topic_id"] or key(topic) in (key(t["topic_id"]), key(t["label"])):
                return str(t["topic_id"])
        labels = {t["label"]: t["topic_id"] for t in topics}
        ids = {t["topic_id"]: t["topic_id"] for t in topics}
        suggestions = closest(topic, [*labels, *ids])
        hint = ("; did you mean: " + ", ".join(f"{labels.get(s, s)}" for s in suggestions)
                if suggestions else "; see the topics table for the vocabulary")
        raise NotFound(f"no topic matches {topic!r}{hint}?" if suggestions
                       else f"no topic matches {topic!r}{hint}")

    # --- meetings --------------------------------------------------------------------------

    def meetings(self, actors: str | Sequence[str] | None = None, *,
                 start: str | dt.date | None = None, end: str | dt.date | None = None,
                 within: bool = False, match: str = "all") -> Any:
        """Meetings, with their participants as lists, optionally filtered.

        Parameters
        ----------
        actors:
            One actor or several (ids, names or aliases).
        start, end:
            A date window (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, or dates).
        within:
            Keep only meetings whose whole date interval lies in the window.
        match:
            ``"all"`` (default): meetings in which every actor given took part;
            ``"any"``: meetings in which at least one did.

        Returns
        -------
        The meeting columns, then ``participants`` (actor ids) and
        ``participant_names``, sorted by date.
        """
        return self._result(self._meetings(actors, start=start, end=end, within=within,
                                           match=match))

    def _meetings(self, actors: str | Sequence[str] | None = None, *,
                  start: str | dt.date | None = None, end: str | dt.date | None = None,
                  within: bool = False, match: str = "all") -> pa.Table:
        if match not in ("all", "any"):
            raise ValueError(f"unknown match {match!r}; choose all or any")
        ids = self._actor_ids(actors)
        window = Window.of(start, end, within)
        needed = len(ids) if match == "all" else 1
        sql = f"""
            with chosen as (
                select meeting_id from meeting_participants
                where $all_actors or list_contains($ids, actor_id)
                group by meeting_id having $all_actors or count(distinct actor_id) >= $needed
            )
            select m.*,
                   list(p.actor_id order by {ROLE_RANK}, p.actor_id) as participants,
                   list(a.name order by {ROLE_RANK}, p.actor_id) as participant_names
            from meetings m
            join meeting_participants p using (meeting_id)
            join actors a on a.actor_id = p.actor_id
            where m.meeting_id in (select meeting_id from chosen) and {window.sql()}
            group by all
            order by m.date_earliest, m.date_latest, m.meeting_id
        """
        return self._query(sql, {"ids": ids, "all_actors": not ids, "needed": needed})

    def _actor_ids(self, actors: str | Sequence[str] | None) -> list[str]:
        if actors is None:
            return []
        names = [actors] if isinstance(actors, str) else list(actors)
        return list(dict.fromkeys(self.resolve(n) for n in names))

    # --- statements and positions ------------------------------------------------------------

    def statements(self, speaker: str | Sequence[str] | None = None, *,
                   topic: str | None = None, kind: str | None = None,
                   meeting: str | None = None,
                   start: str | dt.date | None = None, end: str | dt.date | None = None,
                   within: bool = False) -> Any:
        """Statements by speaker, about a topic, of a kind, at a meeting, in a window.

        Returns
        -------
        The statement columns, then ``speaker_name``, ``topic_labels``,
        ``meeting_title`` and ``audience`` (the names of the meeting's other
        participants: to whom it was said, where the sources tie it to a meeting),
        sorted by date (undated statements last).
        """
        return self._result(self._statements(speaker, topic=topic, kind=kind,
                                             meeting=meeting, start=start, end=end,
                                             within=within))

    def _statements(self, speaker: str | Sequence[str] | None = None, *,
                    topic: str | None = None, kind: str | None = None,
                    meeting: str | None = None,
                    start: str | dt.date | None = None, end: str | dt.date | None = None,
                    within: bool = False) -> pa.Table:
        ids = self._actor_ids(speaker)
        topic_id = self.resolve_topic(topic) if topic is not None else None
        if kind is not None and kind not in {k.value for k in StatementKind}:
            raise ValueError(f"unknown statement kind {kind!r}; choose "
                             f"{' or '.join(k.value for k in StatementKind)}")
        if meeting is not None and meeting not in self._ids("meetings"):
            raise NotFound(_no_id("meeting", meeting, self._ids("meetings")))
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
              and {window.sql("s.date_earliest", "s.date_latest")}
            order by s.date_earliest nulls last, s.date_latest, s.statement_id
        """
        return self._query(sql, {"ids": ids, "topic": topic_id, "kind": kind,
                                 "meeting": meeting})

    def positions(self, actor: str | Sequence[str] | None = None, *,
                  topic: str | None = None, status: str | None = None) -> Any:
        """Positions by actor(s) and/or on a topic.

        Returns
        -------
        The position columns, then ``actor_name`` and ``topic_label``.
        """
        return self._result(self._positions(actor, topic=topic, status=status))

    def _positions(self, actor: str | Sequence[str] | None = None, *,
                   topic: str | None = None, status: str | None = None) -> pa.Table:
        ids = self._actor_ids(actor)
        topic_id = self.resolve_topic(topic) if topic is not None else None
        sql = """
            select p.*, a.name as actor_name, t.label as topic_label
            from positions p
            join actors a on a.actor_id = p.actor_id
            join topics t on t.topic_id = p.topic_id
            where (len($ids) = 0 or list_contains($ids, p.actor_id))
              and ($topic is null or p.topic_id = $topic)
              and ($status is null or p.status = $status)
            order by p.actor_id, p.topic_id, p.date_earliest nulls last, p.position_id
        """
        return self._query(sql, {"ids": ids, "topic": topic_id, "status": status})

    def stance_matrix(self, actors: Sequence[str] | None = None,
                      topics: Sequence[str] | None = None) -> Any:
        """Actor × topic: each cell the stance(s) the actor holds on the topic, else null.

        An actor with several positions on one topic gets their distinct stances
        joined by ``" / "`` (e.g. ``"oppose / support"``), so a change or a
        disagreement between sources is not hidden.

        Returns
        -------
        ``actor_id``, ``actor_name``, then one column per topic id; one row per
        actor that holds at least one position (or per actor asked for).
        """
        import pyarrow as pa

        ids = self._actor_ids(actors)
        topic_ids = [self.resolve_topic(t) for t in topics] if topics else []
        cells = self._query("""
            select p.actor_id, a.name as actor_name, p.topic_id,
                   string_agg(distinct p.stance, ' / ' order by p.stance) as stance
            from positions p join actors a on a.actor_id = p.actor_id
            where (len($ids) = 0 or list_contains($ids, p.actor_id))
              and (len($topics) = 0 or list_contains($topics, p.topic_id))
            group by all order by p.actor_id, p.topic_id
        """, {"ids": ids, "topics": topic_ids}).to_pylist()
        names = {a["actor_id"]: a["name"] for a in self.tables["actors"].to_pylist()}
        rows = ids or sorted({c["actor_id"] for c in cells})
        columns = topic_ids or sorted({c["topic_id"] for c in cells})
        stance = {(c["actor_id"], c["topic_id"]): c["stance"] for c in cells}
        data: dict[str, list[Any]] = {"actor_id": rows,
                                      "actor_name": [names[r] for r in rows]}
        for topic_id in columns:
            data[topic_id] = [stance.get((r, topic_id)) for r in rows]
        schema = pa.schema([(name, pa.string()) for name in data])
        return self._result(pa.table(data, schema=schema))

    # --- finding records and their evidence ----------------------------------------------------

    def _ids(self, table: str) -> set[str]:
        column = TABLE_MODELS[table].primary_key
        return set(self.tables[table].column(column).to_pylist())

    def find(self, record_id: str, table: str | None = None) -> list[Found]:
        """Every record whose primary key is ``record_id`` (in ``table`` only, if given)."""
        if table is not None and table not in self.tables:
            raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLE_NAMES)}")
        found: list[Found] = []
        for name in [table] if table else TABLE_NAMES:
            column = TABLE_MODELS[name].primary_key
            data = self.tables[name]
            rows = data.filter(_equal(data.column(column), record_id)).to_pylist()
            found.extend(Found(name, row) for row in rows)
        return found

    def record(self, id_or_name: str, table: str | None = None) -> Found:
        """The one record ``id_or_name`` names: a primary key in any table, or an actor name.

        Raises
        ------
        NotFound
            Nothing matches; the message suggests close ids and names.
        Ambiguous
            The id exists in several tables and ``table`` was not given.
        """
        found = self.find(id_or_name, table)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            tables = ", ".join(f.table for f in found)
            raise Ambiguous(f"{id_or_name!r} is the id of records in {tables}; "
                            "name the table too")
        if table in (None, "actors"):
            try:
                actor_id = self.resolve(id_or_name)
            except NotFound:
                pass
            else:
                return self.find(actor_id, "actors")[0]
        shown: dict[str, str] = {}  # what a suggestion matches -> how it is shown
        for name in [table] if table else TABLE_NAMES:
            if name != "actors":
                shown.update({i: i for i in self._ids(name)})
        if table in (None, "actors"):
            for a in self.tables["actors"].select(["actor_id", "name", "aliases"]).to_pylist():
                shown.update({n: f"{a['name']} ({a['actor_id']})" for n in _names(a)})
        suggestions = list(dict.fromkeys(shown[s] for s in closest(id_or_name, shown, limit=6)))
        hint = f"; did you mean: {', '.join(suggestions[:3])}?" if suggestions else ""
        where = f"in {table}" if table else "in any table"
        raise NotFound(f"no record {where} has the id or name {id_or_name!r}{hint}")

    def evidence(self, record: str, table: str | None = None) -> Any:
        """The evidence behind one record: documents, quotes, sentences and attributions.

        Parameters
        ----------
        record:
            A record id (in any table) or an actor's name.
        table:
            The record's table, when its id exists in several.

        Returns
        -------
        One row per evidence span: ``evidence_id``, ``record_type``, ``record_id``,
        ``document_id``, ``file_name``, ``outlet``, ``title``, ``start``, ``end``,
        ``quote``, ``sentence`` (the quote's sentence in the document text) and
        ``attribution`` (whom the source credits, where it does).
        """
        found = self.record(record, table)
        return self._result(self._evidence_of([(found.table, found.record_id)]))

    def _evidence_of(self, records: Iterable[tuple[str, str]]) -> pa.Table:
        import pyarrow as pa

        wanted = [f"{t}:{i}" for t, i in records]
        data = self._query("""
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
        return data.set_column(position, "sentence", pa.array(sentences, pa.string()))

    def related(self, found: Found) -> dict[str, pa.Table]:
        """What a record connects to, as Arrow tables: one per relation (for display)."""
        rid = found.record_id
        if found.table == "actors":
            return {"meetings": self._meetings(rid), "statements": self._statements(rid),
                    "positions": self._positions(rid)}
        if found.table == "meetings":
            return {"participants": self._query(f"""
                        select p.actor_id, a.name, p.role from meeting_participants p
                        join actors a using (actor_id) where p.meeting_id = $id
                        order by {ROLE_RANK}, p.actor_id""", {"id": rid}),
                    "statements": self._statements(meeting=rid)}
        if found.table == "topics":
            return {"statements": self._statements(topic=rid),
                    "positions": self._positions(topic=rid)}
        return {}

    # --- search ------------------------------------------------------------------------------

    def search(self, text: str) -> Any:
        """Records whose statements, summaries, names or labels contain ``text``.

        Case, accents and typographic quotes do not matter.

        Returns
        -------
        ``table``, ``record_id``, ``field`` and ``text`` (the whole value that matched),
        one row per matching field.
        """
        import pyarrow as pa

        wanted = fold(text).strip()
        if not wanted:
            raise ValueError("empty search text; give a word to look for")
        hits: dict[str, list[str]] = {"table": [], "record_id": [], "field": [], "text": []}
        for table, fields in SEARCHED.items():
            primary = TABLE_MODELS[table].primary_key
            for row in self.tables[table].select([primary, *fields]).to_pylist():
                for field in fields:
                    values = row[field] if isinstance(row[field], list) else [row[field]]
                    for value in values:
                        if value is not None and wanted in fold(value):
                            for column, item in (("table", table), ("record_id", row[primary]),
                                                 ("field", field), ("text", value)):
                                hits[column].append(item)
        schema = pa.schema([(name, pa.string()) for name in hits])
        return self._result(pa.table(hits, schema=schema))

    # --- timeline and network ------------------------------------------------------------------

    def timeline(self, *, start: str | dt.date | None = None, end: str | dt.date | None = None,
                 actor: str | Sequence[str] | None = None, within: bool = False,
                 kinds: Sequence[str] = ("meeting", "statement", "position")) -> Any:
        """Meetings, statements and positions in date order, intervals kept as intervals.

        Parameters
        ----------
        start, end, within:
            A date window (see :meth:`meetings`).
        actor:
            Keep records involving this actor (or any of these actors): as a
            participant, the speaker or the holder of the position.
        kinds:
            Any of ``"meeting"``, ``"statement"``, ``"position"``.

        Returns
        -------
        ``date_earliest``, ``date_latest``, ``date_basis``, ``kind``, ``record_id``,
        ``title`` (a meeting's title, a statement's text, a position's summary),
        ``actors`` (ids) and ``actor_names``. Undated records are left out.
        """
        return self._result(self._timeline(start=start, end=end, actor=actor, within=within,
                                           kinds=kinds))

    def _timeline(self, *, start: str | dt.date | None = None,
                  end: str | dt.date | None = None, actor: str | Sequence[str] | None = None,
                  within: bool = False,
                  kinds: Sequence[str] = ("meeting", "statement", "position")) -> pa.Table:
        unknown = [k for k in kinds if k not in ("meeting", "statement", "position")]
        if unknown:
            raise ValueError(f"unknown timeline kind {unknown[0]!r}; "
                             "choose meeting, statement or position")
        ids = self._actor_ids(actor)
        window = Window.of(start, end, within)
        sql = f"""
            with events as (
                select m.date_earliest, m.date_latest, m.date_basis, 'meeting' as kind,
                       m.meeting_id as record_id, m.title,
                       list(p.actor_id order by {ROLE_RANK}, p.actor_id) as actors,
                       list(a.name order by {ROLE_RANK}, p.actor_id) as actor_names
                from meetings m join meeting_participants p using (meeting_id)
                join actors a on a.actor_id = p.actor_id
                group by all
                union all
                select s.date_earliest, s.date_latest, s.date_basis, 'statement', s.statement_id,
                       s.text, [s.speaker_id], [a.name]
                from statements s join actors a on a.actor_id = s.speaker_id
                union all
                select p.date_earliest, p.date_latest, p.date_basis, 'position', p.position_id,
                       p.summary, [p.actor_id], [a.name]
                from positions p join actors a on a.actor_id = p.actor_id
            )
            select e.*
            from events e
            where e.date_earliest is not null and list_contains($kinds, e.kind)
              and (len($ids) = 0 or len(list_intersect(e.actors, $ids)) > 0)
              and {window.sql("e.date_earliest", "e.date_latest")}
            order by e.date_earliest, e.date_latest, e.kind, e.record_id
        """
        return self._query(sql, {"ids": ids, "kinds": list(kinds)})

    def network(self, *, start: str | dt.date | None = None, end: str | dt.date | None = None,
                within: bool = False, actor: str | Sequence[str] | None = None) -> nx.Graph:
        """Who met whom: a networkx graph of the actors who took part in meetings.

        Nodes are actor ids with ``name``, ``kind`` and ``country`` attributes; an
        edge joins two actors who took part in the same meeting, with ``weight``
        the number of such meetings and ``meetings`` their ids (sorted).
        ``actor`` keeps only meetings in which that actor (or any of those) took part.
        """
        import networkx as nx

        rows = self._meetings(actor, start=start, end=end, within=within, match="any")
        graph = nx.Graph()
        actors = {a["actor_id"]: a for a in self.tables["actors"].to_pylist()}
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


# --- helpers -------------------------------------------------------------------------------


def _names(actor: dict[str, Any]) -> list[str]:
    return [actor["name"], *(actor.get("aliases") or []), actor["actor_id"]]


def _contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))


def _ambiguous(name: str, actors: list[dict[str, Any]]) -> str:
    listed = ", ".join(f"{a['name']} ({a['actor_id']})" for a in actors[:6])
    more = f" and {len(actors) - 6} more" if len(actors) > 6 else ""
    return f"{name!r} could be any of {len(actors)} actors: {listed}{more}; use the id"


def _no_match(what: str, name: str, actors: list[dict[str, Any]]) -> str:
    owner = {n: a for a in actors for n in _names(a)}
    suggestions = closest(name, list(owner))
    seen: list[str] = []
    for s in suggestions:
        label = f"{owner[s]['name']} ({owner[s]['actor_id']})"
        if label not in seen:
            seen.append(label)
    hint = f"; did you mean: {', '.join(seen)}?" if seen else "; try 'usc-events search'"
    return f"no {what} matches {name!r}{hint}"


def _no_id(what: str, value: str, ids: set[str]) -> str:
    suggestions = closest(value, sorted(ids))
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return f"no {what} has the id {value!r}{hint}"


def _one_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:1]) if lines else type(error).__name__


def _equal(column: Any, value: str) -> Any:
    import pyarrow.compute as pc

    return pc.equal(column, value)
