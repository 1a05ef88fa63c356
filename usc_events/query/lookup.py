"""From what a person types to the record meant: actor names, topic labels and ids.

Case, accents and punctuation do not matter. When nothing matches, the error suggests
the closest names (one formatter: :func:`usc_events.matching.did_you_mean`); when
several do, it lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.errors import Ambiguous, InvalidValue, NotFound, QueryTooLong
from usc_events.matching import closest, did_you_mean, key, words
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import TABLE_NAMES, check_table

if TYPE_CHECKING:
    from usc_events.query.engine import Engine


#: The longest name, id or search text the lookups take (characters): longer than any name
#: or phrase of the corpus, short enough that matching and suggestions stay instant.
MAX_QUERY = 500


def bounded(text: str, what: str) -> str:
    """``text`` when it is at most :data:`MAX_QUERY` characters; else :class:`QueryTooLong`.

    Examples
    --------
    >>> bounded("Han Zheng", "an actor's name")
    'Han Zheng'
    """
    if len(text) > MAX_QUERY:
        raise QueryTooLong(f"{what} is {len(text)} characters long; at most {MAX_QUERY} are "
                           "taken (a name, an id or a few words)")
    return text


@dataclass(frozen=True)
class Found:
    """One record found by its id: its table and its row as a dict."""

    table: str
    row: dict[str, Any]

    @property
    def record_id(self) -> str:
        """The record's primary key."""
        return str(self.row[TABLE_MODELS[self.table].primary_key])


def resolve_actor(engine: Engine, name: str) -> str:
    """The id of the actor ``name`` names (see :meth:`Corpus.resolve`)."""
    bounded(name, "an actor's name")
    actors = engine.rows("actors", ["actor_id", "name", "aliases"])
    if any(a["actor_id"] == name for a in actors):
        return name
    wanted = key(name)
    exact = [a for a in actors if wanted in {key(n) for n in actor_names(a)}]
    if len(exact) == 1:
        return str(exact[0]["actor_id"])
    if len(exact) > 1:
        raise Ambiguous(_ambiguous(name, exact))
    query_words = words(name)
    partial = [a for a in actors if query_words and any(
        _contains_words(words(n), query_words) for n in actor_names(a))]
    if len(partial) == 1:
        return str(partial[0]["actor_id"])
    if len(partial) > 1:
        raise Ambiguous(_ambiguous(name, partial))
    owner = {n: a for a in actors for n in actor_names(a)}
    hint = did_you_mean((_label(owner[s]) for s in closest(name, owner)), listed=True)
    if hint:
        raise NotFound(f"no actor matches {name!r}; {hint}")
    raise NotFound(f"no actor matches {name!r}", search=name)


def check_value(argument: str, value: str | None, allowed: Iterable[str], what: str) -> None:
    """Refuse a filter ``value`` outside its vocabulary ``allowed`` (None: no filter).

    Raises
    ------
    InvalidValue
        Naming ``argument``, the value, the allowed values and the closest of them.
    """
    allowed = tuple(str(v) for v in allowed)
    if value is not None and value not in allowed:
        raise InvalidValue(argument, value, allowed, what)


def actor_ids(engine: Engine, actors: str | Sequence[str] | None) -> list[str]:
    """The distinct ids of one actor or several (ids, names or aliases); ``[]`` for None."""
    if actors is None:
        return []
    names = [actors] if isinstance(actors, str) else list(actors)
    return list(dict.fromkeys(resolve_actor(engine, n) for n in names))


def actor_row(engine: Engine, name: str) -> dict[str, Any]:
    """The row of the actor ``name`` names."""
    actor_id = resolve_actor(engine, name)
    return next(a for a in engine.rows("actors") if a["actor_id"] == actor_id)


@dataclass(frozen=True)
class _Naming:
    """How a person names a record of a table by its id or by a name (see :func:`_resolve`)."""

    table: str
    #: The columns a person types, the id among them, in the order suggestions are drawn.
    columns: tuple[str, ...]
    #: The columns whose value, folded, names a record too (the exact id always does).
    folded: tuple[str, ...]
    #: What the text is, for :func:`bounded`.
    what: str
    #: The message when nothing matches, of the text typed (``{!r}``).
    unknown: str
    #: How a suggestion is shown (of the row's columns), and whether as a plain list
    #: rather than values to type (:func:`~usc_events.matching.did_you_mean`).
    shown: str
    listed: bool
    #: The message when the text is a retired id, of the text; None: not told.
    retired: str | None = None
    #: With no suggestion, list every id (else advise a search of the corpus).
    list_all: bool = False


_TOPICS = _Naming("topics", ("label", "topic_id"), ("topic_id", "label"), "a topic",
                  "no topic matches {!r}", "{label} ({topic_id})", listed=True,
                  retired="no topic has the id {!r}", list_all=True)
_MEETINGS = _Naming("meetings", ("meeting_id", "title"), ("title",),
                    "a meeting's id or title", "no meeting has the id or title {!r}",
                    "{meeting_id}", listed=False, retired="no meeting has the id {!r}")


def _resolve(engine: Engine, text: str, naming: _Naming) -> str:
    """The id of the record of ``naming.table`` that ``text`` names: its id or a name, folded.

    Raises
    ------
    NotFound
        When none matches: saying so if ``text`` is a retired id, else suggesting the
        closest names (or listing the ids, or advising a search).
    """
    bounded(text, naming.what)
    id_column = TABLE_MODELS[naming.table].primary_key
    rows = engine.rows(naming.table, [id_column, *(c for c in naming.columns if c != id_column)])
    wanted = key(text)
    for row in rows:
        if text == row[id_column] or wanted in {key(row[c]) for c in naming.folded}:
            return str(row[id_column])
    if naming.retired is not None and (note := retired_note(engine, text, naming.table)):
        raise NotFound(f"{naming.retired.format(text)}: {note}")
    # A suggestion matches any of the columns, and is shown as the naming says.
    shown = {row[c]: naming.shown.format(**row) for row in rows for c in naming.columns}
    hint = did_you_mean((shown[s] for s in closest(text, shown)), listed=naming.listed)
    unknown = naming.unknown.format(text)
    if hint:
        raise NotFound(f"{unknown}; {hint}")
    if naming.list_all:
        known = ", ".join(sorted(row[id_column] for row in rows))
        raise NotFound(f"{unknown}; the {naming.table} are: {known}")
    raise NotFound(unknown, search=text)


def resolve_topic(engine: Engine, topic: str) -> str:
    """The id of the topic ``topic`` names: its id or its label, folded."""
    return _resolve(engine, topic, _TOPICS)


def retired_note(engine: Engine, record_id: str, table: str | None = None) -> str | None:
    """What became of ``record_id`` if it is a retired id (of ``table``, if given)."""
    notes = []
    for entry in engine.retired:
        if entry.get("id") != record_id or (table is not None and entry.get("table") != table):
            continue
        replaced = entry.get("replaced_by")
        instead = (f"replaced by {entry['table']}:{replaced}" if replaced
                   else "not replaced")
        notes.append(f"{entry['table']}:{record_id} was retired in data version "
                     f"{entry.get('retired_in')}, {instead} ({entry.get('reason')})")
    return "; ".join(notes) or None


def resolve_meeting(engine: Engine, meeting: str) -> str:
    """The id of the meeting ``meeting`` names: its id, or its title (folded)."""
    return _resolve(engine, meeting, _MEETINGS)


def find(engine: Engine, record_id: str, table: str | None = None) -> list[Found]:
    """Every record whose primary key is ``record_id`` (in ``table`` only, if given)."""
    import pyarrow.compute as pc

    from usc_events.store.python_values import python_rows, strings

    wanted = strings([record_id])[0]
    found: list[Found] = []
    for name in [check_table(table)] if table is not None else TABLE_NAMES:
        data = engine.tables[name]
        column = data.column(TABLE_MODELS[name].primary_key)
        found.extend(Found(name, row) for row in python_rows(data.filter(pc.equal(column,
                                                                                  wanted))))
    return found


def record(engine: Engine, id_or_name: str, table: str | None = None) -> Found:
    """The one record ``id_or_name`` names (see :meth:`Corpus.record`)."""
    bounded(id_or_name, "a record's id or name")
    found = find(engine, id_or_name, table)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        tables = ", ".join(f.table for f in found)
        raise Ambiguous(f"{id_or_name!r} is the id of records in {tables}; name the table too")
    note = retired_note(engine, id_or_name, table)
    if note:
        raise NotFound(f"no record {'in ' + table if table else 'in any table'} has the id "
                       f"{id_or_name!r}: {note}")
    if table in (None, "actors"):
        try:
            actor_id = resolve_actor(engine, id_or_name)
        except NotFound:
            pass
        else:
            return find(engine, actor_id, "actors")[0]
    shown: dict[str, str] = {}  # what a suggestion matches -> how it is shown
    for name in [table] if table else TABLE_NAMES:
        if name != "actors":
            shown.update({i: i for i in engine.ids(name)})
    if table in (None, "actors"):
        for a in engine.rows("actors", ["actor_id", "name", "aliases"]):
            shown.update({n: _label(a) for n in actor_names(a)})
    suggestions = list(dict.fromkeys(shown[s] for s in closest(id_or_name, shown, limit=6)))
    hint = did_you_mean(suggestions[:3], listed=True)
    where = f"in {table}" if table else "in any table"
    if hint:
        raise NotFound(f"no record {where} has the id or name {id_or_name!r}; {hint}")
    raise NotFound(f"no record {where} has the id or name {id_or_name!r}", search=id_or_name)


def actor_names(actor: dict[str, Any]) -> list[str]:
    """Every name an actor goes by: its name, its aliases and its id."""
    return [actor["name"], *(actor.get("aliases") or []), actor["actor_id"]]


def _label(actor: dict[str, Any]) -> str:
    return f"{actor['name']} ({actor['actor_id']})"


def _contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i:i + size] == needle for i in range(len(haystack) - size + 1))


def _ambiguous(name: str, actors: list[dict[str, Any]]) -> str:
    listed = ", ".join(_label(a) for a in actors[:6])
    more = f" and {len(actors) - 6} more" if len(actors) > 6 else ""
    return f"{name!r} could be any of {len(actors)} actors: {listed}{more}; use the id"
