"""ICEWS-style CAMEO dyads: one row per ordered (source, target) pair of an event.

A meeting with n participants gives every ordered pair of them, n·(n−1) rows, each
saying so in ``derivation``: ``host-guest`` where the sources name a host and a guest
(the guest is the source, as in CAMEO's 042/043), ``all-ordered-pairs`` otherwise. Only
meetings are written: statements carry no CAMEO code and no target.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from itertools import permutations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.store.formats.common import alpha3, exact_day, iso, spreadsheet_cell, tables_of

if TYPE_CHECKING:
    import pyarrow as pa

COLUMNS: tuple[str, ...] = (
    "event_id", "meeting_id", "source_actor_id", "source_name", "source_country",
    "target_actor_id", "target_name", "target_country", "cameo_code", "plover_event",
    "event_date", "date_edtf", "date_precision", "date_earliest", "date_latest",
    "source_role", "target_role", "derivation", "participants", "document_ids",
)
FILES = {",": "events.cameo-dyads.csv", "\t": "events.cameo-dyads.tsv"}


def dyads(tables: Mapping[str, pa.Table]) -> list[dict[str, Any]]:
    """Every row: each meeting's ordered pairs of participants."""
    data = tables_of(tables)
    rows = []
    for meeting in data.meetings:
        people = data.participants.get(meeting["meeting_id"], [])
        roles = {p["role"] for p in people}
        derivation = "host-guest" if {"host", "guest"} <= roles and len(people) == 2 \
            else "all-ordered-pairs"
        documents = ";".join(data.documents("meetings", meeting["meeting_id"]))
        for number, (source, target) in enumerate(permutations(people, 2), start=1):
            a, b = data.actors[source["actor_id"]], data.actors[target["actor_id"]]
            rows.append({
                "event_id": f"{meeting['meeting_id']}#{number}",
                "meeting_id": meeting["meeting_id"],
                "source_actor_id": a["actor_id"], "source_name": a["name"],
                "source_country": alpha3(a["country"]),
                "target_actor_id": b["actor_id"], "target_name": b["name"],
                "target_country": alpha3(b["country"]),
                "cameo_code": meeting["cameo_code"], "plover_event": meeting["plover_event"],
                "event_date": exact_day(meeting["date_earliest"], meeting["date_latest"]),
                "date_edtf": meeting["date_edtf"], "date_precision": meeting["date_precision"],
                "date_earliest": iso(meeting["date_earliest"]),
                "date_latest": iso(meeting["date_latest"]),
                "source_role": source["role"], "target_role": target["role"],
                "derivation": derivation, "participants": len(people),
                "document_ids": documents,
            })
    return rows


def _writer(delimiter: str) -> Callable[..., None]:
    def write(tables: Mapping[str, pa.Table], folder: Path, raw: bool = False) -> None:
        with (folder / FILES[delimiter]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=delimiter)
            writer.writeheader()
            for row in dyads(tables):
                writer.writerow({k: "" if v is None else spreadsheet_cell(v, raw)
                                 for k, v in row.items()})
    return write


write_cameo_dyads = _writer(",")
write_cameo_dyads_tsv = _writer("\t")
