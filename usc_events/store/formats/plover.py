"""PLOVER: one JSON object per event, a line each (JSON Lines), in PLOVER's field names.

Meetings are events of their curated ``plover_event`` type. Statements are events too,
but the corpus does not code a PLOVER category for what was said, so a statement has
``has_event: false`` and an empty ``event`` list rather than an invented category.
Fields the corpus does not know (``context``, ``quad_code``, ``event_scale``, a
geocoded location) are null. Fields beyond PLOVER's own (``date_edtf``,
``date_precision``, ``evidence``, ``references``…) are named so as not to clash with
them, as the specification allows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.store.formats.common import CODER, Tables, alpha3, exact_day, iso, tables_of

if TYPE_CHECKING:
    import pyarrow as pa

FILE = "events.plover.jsonl"
#: PLOVER's CONSULT modes, from the corpus's meeting kinds.
_MODES = {"phone_call": ["phone"], "visit": ["visit"]}


def _offices(data: Tables, actor_id: str, earliest: Any, latest: Any) -> list[str]:
    """The titles of the actor's roles that may be held at some time in [earliest, latest]."""
    titles = []
    for role in data.roles:
        if role["actor_id"] != actor_id:
            continue
        began, ended = role["date_earliest"], role["end_latest"]
        if latest is not None and began is not None and began > latest:
            continue
        if earliest is not None and ended is not None and ended < earliest:
            continue
        titles.append(role["title"])
    return titles


def entity(data: Tables, actor_id: str, when: tuple[Any, Any],
           part: str | None = None) -> dict[str, Any]:
    """A PLOVER entity object for one actor."""
    actor = data.actors[actor_id]
    offices = _offices(data, actor_id, *when)
    wikidata = actor.get("wikidata_id")
    found: dict[str, Any] = {
        "code": alpha3(actor["country"]),
        "entity_text": actor["name"],
        "identifier_id": f"https://www.wikidata.org/wiki/{wikidata}" if wikidata else None,
        "identifier_text": actor["name"],
        "office": "; ".join(offices) or None,
        "actor_id": actor_id,
        "actor_kind": actor["kind"],
        "country_alpha2": actor["country"],
    }
    if part is not None:
        found["participant_role"] = part
    return found


def _dates(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": exact_day(row["date_earliest"], row["date_latest"]),
        "enddate": exact_day(row.get("end_earliest"), row.get("end_latest")),
        "date_edtf": row["date_edtf"],
        "date_precision": row["date_precision"],
        "date_earliest": iso(row["date_earliest"]),
        "date_latest": iso(row["date_latest"]),
        "end_edtf": row.get("end_edtf"),
    }


def _cite(data: Tables) -> dict[str, Any]:
    cite: dict[str, Any] = {"corpus": "usc-events", "coder": CODER}
    if data.version:
        cite["version"] = data.version
    return cite


def meeting_event(data: Tables, meeting: Mapping[str, Any]) -> dict[str, Any]:
    """The PLOVER record of one meeting."""
    when = (meeting["date_earliest"], meeting["date_latest"])
    people = data.participants.get(meeting["meeting_id"], [])
    hosts = [p for p in people if p["role"] == "host"]
    guests = [p for p in people if p["role"] == "guest"]
    if meeting["kind"] == "visit" and hosts and guests:
        # The visitor is the actor, the host the recipient (PLOVER's CONSULT 'visit').
        actor = [entity(data, p["actor_id"], when, p["role"]) for p in people
                 if p["role"] != "host"]
        recipient = [entity(data, p["actor_id"], when, p["role"]) for p in hosts]
    else:
        actor = [entity(data, p["actor_id"], when, p["role"]) for p in people]
        recipient = None
    mode = list(_MODES.get(meeting["kind"], []))
    if meeting["kind"] == "visit" and not (hosts and guests):
        mode = []  # nobody is recorded as hosting: not PLOVER's visit/host distinction
    return {
        "id": f"meetings:{meeting['meeting_id']}",
        "has_event": True,
        **_dates(meeting),
        "actor": actor,
        "recipient": recipient,
        "event": [meeting["plover_event"]],
        "mode": mode or None,
        "context": None,
        "quad_code": None,
        "event_scale": None,
        "event_loc": {"extracted_place": meeting["location"]} if meeting["location"] else None,
        "event_text": [meeting["summary"]],
        "link": None,
        "cite_info": _cite(data),
        "comment": meeting["note"],
        "cameo_code": meeting["cameo_code"],
        "meeting_kind": meeting["kind"],
        "title": meeting["title"],
        "documents": data.documents("meetings", meeting["meeting_id"]),
        **data.links("meetings", meeting["meeting_id"]),
    }


def statement_event(data: Tables, statement: Mapping[str, Any],
                    places: Mapping[str, str | None]) -> dict[str, Any]:
    """The PLOVER record of one statement (its category is not coded: see the module)."""
    when = (statement["date_earliest"], statement["date_latest"])
    meeting = statement["meeting_id"]
    place = places.get(meeting) if meeting else None
    return {
        "id": f"statements:{statement['statement_id']}",
        "has_event": False,
        **_dates(statement),
        "enddate": None,
        "actor": [entity(data, statement["speaker_id"], when)],
        "recipient": None,
        "event": [],
        "mode": None,
        "context": None,
        "quad_code": None,
        "event_scale": None,
        "event_loc": {"extracted_place": place} if place else None,
        "event_text": [statement["text"]],
        "link": f"meetings:{meeting}" if meeting else None,
        "cite_info": _cite(data),
        "comment": statement["note"],
        "statement_kind": statement["kind"],
        "channel": statement["channel"],
        "topic_ids": list(statement["topic_ids"] or []),
        "documents": data.documents("statements", statement["statement_id"]),
        **data.links("statements", statement["statement_id"]),
    }


def events(tables: Mapping[str, pa.Table], version: str = "") -> list[dict[str, Any]]:
    """Every PLOVER record: the meetings, then the statements."""
    data = tables_of(tables, version)
    places = {m["meeting_id"]: m["location"] for m in data.meetings}
    return ([meeting_event(data, m) for m in data.meetings]
            + [statement_event(data, s, places) for s in data.statements])


def write_plover(tables: Mapping[str, pa.Table], folder: Path) -> None:
    """Write :data:`FILE` into ``folder``: one PLOVER record per line."""
    with (folder / FILE).open("w", encoding="utf-8", newline="\n") as handle:
        for record in events(tables):
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
