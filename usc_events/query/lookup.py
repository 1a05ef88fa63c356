"""From what a person types to the record meant: actor names, topic labels and ids.

Case, accents and punctuation do not matter. When nothing matches, the error suggests
the closest names (one formatter: :func:`usc_events.matching.did_you_mean`); when
several do, it lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.errors import Ambiguous, NotFound
from usc_events.matching import closest, did_you_mean, key, words
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import TABLE_NAMES, check_table

if TYPE_CHECKING:
    from usc_events.query.engine import Engine


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
    fallback = "try 'usc-events search'"
    raise NotFound(f"no actor matches {name!r}; {hint or fallback}")


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


def resolve_topic(engine: Engine, topic: str) -> str:
    """The id of the topic ``topic`` names: its id or its label, folded."""
    topics = engine.rows("topics", ["topic_id", "label"])
    for t in topics:
        if topic == t["topic_id"] or key(topic) in (key(t["topic_id"]), key(t["label"])):
            return str(t["topic_id"])
    # A suggestion matches a label or an id, and is shown as the topic's label.
    shown = {t["label"]: t["label"] for t in topics} | {t["topic_id"]: t["label"] for t in topics}
    hint = did_you_mean((shown[s] for s in closest(topic, shown)), listed=True)
    raise NotFound(f"no topic matches {topic!r}; "
                   f"{hint or 'see the topics table for the vocabulary'}")


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


def check_id(engine: Engine, table: str, value: str, what: str) -> str:
    """``value`` when it is a primary key of ``table``; :class:`NotFound` naming ``what``."""
    ids = engine.ids(table)
    if value in ids:
        return value
    note = retired_note(engine, value, table)
    if note:
        raise NotFound(f"no {what} has the id {value!r}: {note}")
    hint = did_you_mean(closest(value, sorted(ids)), listed=True)
    raise NotFound(f"no {what} has the id {value!r}" + (f"; {hint}" if hint else ""))


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
    raise NotFound(f"no record {where} has the id or name {id_or_name!r}"
                   + (f"; {hint}" if hint else ""))


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
