"""Query helpers: the answers analysts want, without writing joins.

:func:`open_corpus` (``usc_events.open``) returns a :class:`Corpus`. Every helper
computes on Arrow tables with DuckDB and converts its result once, at the end,
to the backend chosen when the corpus was opened (pandas, polars or Arrow): a
``Corpus[pd.DataFrame]``, ``Corpus[pl.DataFrame]`` or ``Corpus[pa.Table]``.

Dates of meetings, statements and positions are intervals; :mod:`usc_events.query.windows`
says which a date window keeps (``within=True``: only those certainly inside it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast, overload

from usc_events.query import connections, frames, lookup, selections
from usc_events.query.connections import TIMELINE_KINDS
from usc_events.query.engine import Engine, LazyTables
from usc_events.query.lookup import Found
from usc_events.schema.names import TABLE_NAMES, TableName
from usc_events.store.backends import Backend, check_backend, to_backend

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb
    import networkx as nx
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from usc_events.query.selections import Day

__all__ = ["Corpus", "Found", "FrameT", "open_corpus"]

#: The type of every table a :class:`Corpus` answers with: ``pd.DataFrame``,
#: ``pl.DataFrame`` or ``pa.Table``, after the backend it was opened with.
FrameT = TypeVar("FrameT")


@overload
def open_corpus(version: str | None = ...,
                backend: Literal["pandas"] = ...) -> Corpus[pd.DataFrame]: ...
@overload
def open_corpus(version: str | None, backend: Literal["polars"]) -> Corpus[pl.DataFrame]: ...
@overload
def open_corpus(version: str | None = ..., *,
                backend: Literal["polars"]) -> Corpus[pl.DataFrame]: ...
@overload
def open_corpus(version: str | None, backend: Literal["arrow"]) -> Corpus[pa.Table]: ...
@overload
def open_corpus(version: str | None = ..., *, backend: Literal["arrow"]) -> Corpus[pa.Table]: ...
@overload
def open_corpus(version: str | None = ..., backend: Backend = ...) -> Corpus[Any]: ...


def open_corpus(version: str | None = None, backend: Backend = "pandas") -> Corpus[Any]:
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
    about = manifest(version)
    tables = LazyTables(lambda name: read_arrow(cast("TableName", name), version))
    return Corpus(tables, version=str(about["dataset_version"]), backend=backend,
                  retired=about.get("retired") or ())


class Corpus(Generic[FrameT]):
    """The corpus opened for querying; every result comes in ``backend``, typed ``FrameT``.

    Parameters
    ----------
    tables:
        Every table of the data model, as Arrow tables.
    version:
        The dataset version the tables are.
    backend:
        ``"pandas"``, ``"polars"`` or ``"arrow"``.
    retired:
        The retired ids of the manifest (table, id, retired_in, replaced_by, reason): a
        lookup of one of them says what replaced it.
    """

    @overload
    def __init__(self: Corpus[pd.DataFrame], tables: Mapping[str, pa.Table], version: str,
                 backend: Literal["pandas"] = ..., *,
                 retired: Sequence[Mapping[str, Any]] = ...) -> None: ...
    @overload
    def __init__(self: Corpus[pl.DataFrame], tables: Mapping[str, pa.Table], version: str,
                 backend: Literal["polars"], *,
                 retired: Sequence[Mapping[str, Any]] = ...) -> None: ...
    @overload
    def __init__(self: Corpus[pa.Table], tables: Mapping[str, pa.Table], version: str,
                 backend: Literal["arrow"], *,
                 retired: Sequence[Mapping[str, Any]] = ...) -> None: ...
    @overload
    def __init__(self: Corpus[Any], tables: Mapping[str, pa.Table], version: str,
                 backend: Backend, *,
                 retired: Sequence[Mapping[str, Any]] = ...) -> None: ...

    def __init__(self, tables: Mapping[str, pa.Table], version: str,
                 backend: Backend = "pandas", *,
                 retired: Sequence[Mapping[str, Any]] = ()) -> None:
        self._engine = Engine(tables, retired)
        #: Every table, as Arrow; a corpus opened with :func:`open_corpus` reads each
        #: the first time it is used.
        self.tables: Mapping[str, pa.Table] = self._engine.tables
        self.version = version
        self.backend: Backend = check_backend(backend)

    @overload
    @classmethod
    def from_folder(cls, folder: Path,
                    backend: Literal["pandas"] = ...) -> Corpus[pd.DataFrame]: ...
    @overload
    @classmethod
    def from_folder(cls, folder: Path, backend: Literal["polars"]) -> Corpus[pl.DataFrame]: ...
    @overload
    @classmethod
    def from_folder(cls, folder: Path, backend: Literal["arrow"]) -> Corpus[pa.Table]: ...

    @classmethod
    def from_folder(cls, folder: Path, backend: Backend = "pandas") -> Corpus[Any]:
        """A corpus from a folder written by ``usc-events build`` (Parquet and manifest)."""
        from usc_events.store.manifest import read_manifest, verified_table

        manifest = read_manifest(folder)
        tables: dict[str, pa.Table] = {
            name: verified_table(folder, manifest, name) for name in TABLE_NAMES}
        return cls(tables, version=str(manifest["dataset_version"]), backend=backend,
                   retired=manifest.get("retired") or ())

    def __repr__(self) -> str:
        rows = sum(t.num_rows for t in self.tables.values())
        return f"<Corpus {self.version}: {len(self.tables)} tables, {rows} rows, {self.backend}>"

    def _repr_html_(self) -> str:
        """The corpus as Jupyter shows it: its version, backend and tables with their rows."""
        return frames.html_summary(self.version, self.backend, self.tables)

    def _frame(self, data: pa.Table) -> FrameT:
        # The one conversion from Arrow: every helper's result passes here.
        return cast("FrameT", to_backend(data, self.backend))

    def _sourced(self, data: pa.Table, table: str, sources: bool) -> FrameT:
        return self._frame(frames.with_sources(self._engine, data, table) if sources else data)

    def frame(self, table: str) -> FrameT:
        """A tidy frame: every record of ``table`` with names, titles, dates and sources.

        ``table`` is one whose records evidence supports. Meetings, statements and
        positions come as their helpers give them, roles and participants with names;
        then the sources as list columns: ``document_ids``, ``outlets``, ``document_urls``
        (one item per supporting document), ``attributions``, ``reference_ids`` and
        ``reference_urls`` (see :data:`usc_events.query.frames.SOURCE_COLUMNS`).

        Examples
        --------
        >>> import usc_events
        >>> frame = usc_events.open().frame("statements")
        >>> han = frame[frame.speaker_name == "Han Zheng"]
        >>> sorted(set(han.outlets.explode().dropna()))[:2]
        ['Azernews', 'USLive']
        """
        return self._frame(frames.frame(self._engine, table))

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection in which every table is a view of its own name."""
        return self._engine.connection

    def table(self, name: str) -> FrameT:
        """One whole table, in the corpus's backend."""
        return self._frame(self._engine.table(name))

    def sql(self, query: str, allow_files: bool = False) -> FrameT:
        """Run SQL with DuckDB over every table under its own name.

        The query can read the corpus tables and nothing else: DuckDB runs with
        external access disabled and its configuration locked, so ``COPY … TO``,
        ``ATTACH`` or ``read_text`` are refused. ``allow_files=True`` lifts that, letting
        the query read and write any file you can: pass it only for SQL you trust.

        Raises
        ------
        QueryError
            DuckDB rejects the query (an unknown table is an ``UnknownTable``, a
            ``QueryError`` too); the message is one line.

        Examples
        --------
        >>> import usc_events
        >>> corpus = usc_events.open(backend="arrow")
        >>> corpus.sql("select count(*) as n from actors").column("n")[0].as_py() > 0
        True
        """
        return self._frame(self._engine.run(query, allow_files))

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
        return lookup.resolve_actor(self._engine, name)

    def actor(self, name: str) -> dict[str, Any]:
        """The actor ``name`` names (see :meth:`resolve`), as a dict of its columns."""
        return lookup.actor_row(self._engine, name)

    def actors(self, text: str | None = None) -> FrameT:
        """All actors, or those whose name or alias contains ``text`` (folded)."""
        return self._frame(selections.actors(self._engine, text))

    def resolve_topic(self, topic: str) -> str:
        """The id of the topic ``topic`` names: its id or its label, folded.

        Raises
        ------
        NotFound
            No topic matches; the message suggests the closest labels.
        """
        return lookup.resolve_topic(self._engine, topic)

    # --- meetings, statements and positions --------------------------------------------------

    def meetings(self, actors: str | Sequence[str] | None = None, *, start: Day = None,
                 end: Day = None, within: bool = False, match: str = "all",
                 kind: str | None = None, with_sources: bool = False) -> FrameT:
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
        kind:
            Only meetings of this kind (``meeting``, ``phone_call``, ``visit``, ``ceremony``).
        with_sources:
            Add each meeting's sources as list columns (see :meth:`frame`).

        Returns
        -------
        The meeting columns, then ``participants`` (actor ids) and
        ``participant_names``, sorted by date.

        Raises
        ------
        InvalidValue
            ``match`` or ``kind`` is not one of its allowed values (the message names them).
        NotFound, Ambiguous
            An actor that no actor, or several, answer to.
        """
        return self._sourced(selections.meetings(
            self._engine, actors, start=start, end=end, within=within, match=match,
            kind=kind), "meetings", with_sources)

    def statements(self, speaker: str | Sequence[str] | None = None, *,
                   topic: str | None = None, kind: str | None = None,
                   meeting: str | None = None, start: Day = None, end: Day = None,
                   within: bool = False, channel: str | None = None,
                   with_sources: bool = False) -> FrameT:
        """Statements by speaker, about a topic, of a kind, at a meeting, in a window.

        ``speaker`` takes ids, names or aliases; ``topic`` an id or a label; ``meeting``
        an id or a title; ``kind`` (``direct_quote``, ``paraphrase``) and ``channel``
        values of their vocabularies (see the codebook). ``with_sources`` adds each
        statement's sources as list columns (see :meth:`frame`).

        Returns
        -------
        The statement columns, then ``speaker_name``, ``topic_labels``,
        ``meeting_title`` and ``audience`` (the names of the meeting's other
        participants: to whom it was said, where the sources tie it to a meeting),
        sorted by date (undated statements last).

        Raises
        ------
        InvalidValue
            ``kind`` or ``channel`` is not a value of its vocabulary.
        NotFound
            No speaker, topic or meeting matches; the message suggests the closest.
        """
        return self._sourced(selections.statements(
            self._engine, speaker, topic=topic, kind=kind, meeting=meeting, start=start,
            end=end, within=within, channel=channel), "statements", with_sources)

    def positions(self, actor: str | Sequence[str] | None = None, *,
                  topic: str | None = None, status: str | None = None,
                  stance: str | None = None, with_sources: bool = False) -> FrameT:
        """Positions by actor(s), on a topic, of a status and a stance.

        ``with_sources`` adds each position's sources as list columns (see :meth:`frame`).

        Returns
        -------
        The position columns, then ``actor_name`` and ``topic_label``.

        Raises
        ------
        InvalidValue
            ``status`` or ``stance`` is not a value of its vocabulary, e.g.
            ``positions(status="predicted")``; the message lists the allowed values.
        """
        return self._sourced(selections.positions(
            self._engine, actor, topic=topic, status=status, stance=stance), "positions",
            with_sources)

    def stance_matrix(self, actors: Sequence[str] | None = None,
                      topics: Sequence[str] | None = None) -> FrameT:
        """Actor × topic: each cell the stance(s) the actor holds on the topic, else null.

        An actor with several positions on one topic gets their distinct stances
        joined by ``" / "`` (e.g. ``"oppose / support"``), so a change or a
        disagreement between sources is not hidden.

        Returns
        -------
        ``actor_id``, ``actor_name``, then one column per topic id; one row per
        actor that holds at least one position (or per actor asked for).
        """
        return self._frame(selections.stance_matrix(self._engine, actors, topics))

    # --- finding records and their evidence ----------------------------------------------------

    def find(self, record_id: str, table: str | None = None) -> list[Found]:
        """Every record whose primary key is ``record_id`` (in ``table`` only, if given)."""
        return lookup.find(self._engine, record_id, table)

    def record(self, id_or_name: str, table: str | None = None) -> Found:
        """The one record ``id_or_name`` names: a primary key in any table, or an actor name.

        Raises
        ------
        NotFound
            Nothing matches; the message suggests close ids and names.
        Ambiguous
            The id exists in several tables and ``table`` was not given.
        """
        return lookup.record(self._engine, id_or_name, table)

    def evidence(self, record: str, table: str | None = None) -> FrameT:
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
        return self._frame(connections.evidence(self._engine, [(found.table, found.record_id)]))

    def citations(self, record: str, table: str | None = None) -> FrameT:
        """The references cited for one record: the second tier, beside its evidence.

        A reference is a public report the corpus cites but does not ship; a citation
        says which field of the record it supports and what it reports, in the
        curator's words (see the codebook).

        Returns
        -------
        One row per citation: ``citation_id``, ``record_type``, ``record_id``, ``field``
        (null for the record as a whole), ``reference_id``, ``outlet``, ``title``,
        ``url``, ``published_earliest``, ``published_latest``, ``kind``, ``claim`` and
        ``locator``.
        """
        found = self.record(record, table)
        return self._frame(connections.citations(self._engine, [(found.table, found.record_id)]))

    def related(self, found: Found | str, table: str | None = None) -> dict[str, pa.Table]:
        """What a record connects to, as Arrow tables whatever the backend (for display).

        ``found`` is a record (as :meth:`record` returns it), a record id or an actor's
        name; ``table`` names the record's table when its id exists in several.

        An actor's ``meetings``, ``statements`` and ``positions``; a meeting's
        ``participants`` and ``statements``; a topic's ``statements`` and ``positions``;
        nothing for the other tables.
        """
        return connections.related(self._engine, found, table)

    # --- search, timeline and network ----------------------------------------------------------

    def search(self, text: str) -> FrameT:
        """Records whose statements, summaries, names or labels contain ``text``.

        Case, accents and typographic quotes do not matter.

        Returns
        -------
        ``table``, ``record_id``, ``field`` and ``text`` (the whole value that matched),
        one row per matching field.
        """
        return self._frame(selections.search(self._engine, text))

    def timeline(self, *, start: Day = None, end: Day = None,
                 actor: str | Sequence[str] | None = None, within: bool = False,
                 kinds: str | Sequence[str] = TIMELINE_KINDS) -> FrameT:
        """Meetings, statements and positions in date order, intervals kept as intervals.

        Records the sources give no date for are not dropped: they come last, after
        every dated record, with null ``date_earliest`` and ``date_latest`` (select
        them with ``date_earliest.isna() & date_latest.isna()`` in pandas). A date
        window (``start``/``end``) leaves them out, since an undated record is in no
        window; a record with one open bound (``../2025-01-20``) is dated.

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
        ``date_earliest``, ``date_latest``, ``date_edtf``, ``end_edtf``, ``end_earliest``,
        ``end_latest`` (where a meeting lasted: a visit's end), ``date_basis``, ``kind``,
        ``record_id``, ``title`` (a meeting's title, a statement's text, a position's
        summary), ``actors`` (ids) and ``actor_names``: the dated records in date
        order, then the undated ones by kind and id.

        Examples
        --------
        >>> import usc_events
        >>> corpus = usc_events.open(backend="arrow")
        >>> rows = corpus.timeline(actor="Musk", kinds=["position"]).to_pylist()
        >>> [r["date_latest"] is None for r in rows]  # one dated position, three undated
        [False, True, True, True]
        """
        return self._frame(connections.timeline(self._engine, start=start, end=end,
                                                actor=actor, within=within, kinds=kinds))

    def network(self, *, start: Day = None, end: Day = None, within: bool = False,
                actor: str | Sequence[str] | None = None,
                organizations: bool = False) -> nx.Graph:
        """Who met whom: a networkx graph of the actors who took part in meetings.

        Nodes are actor ids with ``name``, ``kind`` and ``country`` attributes. Each
        edge has a ``relation``:

        - ``"meeting"``: the two took part in the same meeting; ``weight`` is the
          number of such meetings and ``meetings`` their ids (sorted).
        - ``"membership"``: one (``member``) holds a post in the other (the roles
          table); ``roles`` and ``titles`` say which, ``meetings`` lists the meetings
          both took part in. A person and an organisation he holds a post in are never
          joined by a meeting edge: he did not meet his own government or delegation.
        - ``"party"``: the two came as one side of the ``meetings`` (same country and
          role, guest or host: a visitor and his delegation). Two attendees of a
          ceremony get no edge: the sources say only that both were there.

        ``actor`` keeps only meetings in which that actor (or any of those) took part.
        ``organizations=True`` adds the organisations the participants hold posts in
        (membership edges), even those in none of the meetings.
        """
        return connections.network(self._engine, start=start, end=end, within=within,
                                   actor=actor, organizations=organizations)
