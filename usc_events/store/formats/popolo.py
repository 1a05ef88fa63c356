"""Popolo JSON: persons, organizations, memberships (from roles) and events (meetings).

One file, ``popolo.json``, holding the four collections as civic-tech tools read them.
Persons are the actors of kind ``person``; every other actor (states, government
bodies, parties, companies, platforms) is an organization. A role is a membership of
its holder in its organization, with the post's title as ``role`` and ``label``.
Popolo dates are ISO 8601 of reduced precision (``2025``, ``2025-01``, ``2025-01-19``):
an EDTF date of that form is written as it is; an interval, an open bound or an
uncertain date has no Popolo form and is null (the EDTF is kept in ``date_edtf``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.store.formats.common import Tables, tables_of

if TYPE_CHECKING:
    import pyarrow as pa

FILE = "popolo.json"
_POPOLO_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}){0,2}$")


def popolo_date(edtf: str | None) -> str | None:
    """The EDTF date in Popolo's form, when it has one; otherwise None."""
    return edtf if edtf is not None and _POPOLO_DATE.match(edtf) else None


def _sources(data: Tables, table: str, record_id: str) -> list[dict[str, str]]:
    links = data.links(table, record_id)
    sources = [{"url": r["url"], "note": f"reference {r['reference_id']}"
                + (f" (for {r['field']})" if r["field"] else "")} for r in links["references"]]
    sources += [{"url": f"usc-events:documents/{d}", "note": "a document shipped with the "
                 "corpus, quoted as evidence"} for d in data.documents(table, record_id)]
    return sources


def _identifiers(actor: Mapping[str, Any]) -> list[dict[str, str]]:
    found = [{"identifier": actor["actor_id"], "scheme": "usc-events"}]
    if actor.get("wikidata_id"):
        found.append({"identifier": actor["wikidata_id"], "scheme": "wikidata"})
    return found


def _other_names(actor: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"name": alias} for alias in actor.get("aliases") or []]


def popolo(tables: Mapping[str, pa.Table]) -> dict[str, list[dict[str, Any]]]:
    """The Popolo collections of the corpus."""
    data = tables_of(tables)
    persons, organizations = [], []
    for actor in data.actors.values():
        common = {"id": actor["actor_id"], "name": actor["name"],
                  "other_names": _other_names(actor), "identifiers": _identifiers(actor),
                  "sources": _sources(data, "actors", actor["actor_id"])}
        if actor["kind"] == "person":
            persons.append({**common, "summary": actor["description"],
                            "national_identity": actor["country"]})
        else:
            organizations.append({**common, "classification": actor["kind"],
                                  "abstract": actor["description"]})
    memberships = []
    for role in data.roles:
        holder = data.actors[role["actor_id"]]
        member = ({"person_id": role["actor_id"]} if holder["kind"] == "person"
                  else {"member": {"@type": "Organization", "id": role["actor_id"]}})
        memberships.append({
            "id": role["role_id"], "label": role["title"], "role": role["title"], **member,
            "organization_id": role["organization_id"],
            "start_date": popolo_date(role["date_edtf"]),
            "end_date": popolo_date(role["end_edtf"]),
            "date_edtf": role["date_edtf"], "end_edtf": role["end_edtf"],
            "sources": _sources(data, "roles", role["role_id"]),
        })
    events = []
    for meeting in data.meetings:
        people = data.participants.get(meeting["meeting_id"], [])
        events.append({
            "id": meeting["meeting_id"], "name": meeting["title"],
            "description": meeting["summary"],
            "start_date": popolo_date(meeting["date_edtf"]),
            "end_date": popolo_date(meeting["end_edtf"]),
            "location": meeting["location"], "classification": meeting["kind"],
            "attendees": [{"id": p["actor_id"], "name": data.actors[p["actor_id"]]["name"]}
                          for p in people if data.actors[p["actor_id"]]["kind"] == "person"],
            "organizations": [p["actor_id"] for p in people
                              if data.actors[p["actor_id"]]["kind"] != "person"],
            "participant_roles": {p["actor_id"]: p["role"] for p in people},
            "date_edtf": meeting["date_edtf"], "end_edtf": meeting["end_edtf"],
            "identifiers": [{"identifier": meeting["meeting_id"], "scheme": "usc-events"}],
            "sources": _sources(data, "meetings", meeting["meeting_id"]),
        })
    return {"persons": persons, "organizations": organizations,
            "memberships": memberships, "events": events}


def write_popolo(tables: Mapping[str, pa.Table], folder: Path) -> None:
    """Write :data:`FILE` into ``folder``."""
    (folder / FILE).write_text(json.dumps(popolo(tables), ensure_ascii=False, indent=2) + "\n",
                               encoding="utf-8")
