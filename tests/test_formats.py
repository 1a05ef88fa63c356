"""The event-data exports (PLOVER, CAMEO dyads, Popolo) validate against JSON Schemas written
from the published field definitions, and their counts round-trip to the tables."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import write_corpus

import usc_events
from usc_events.build.builder import build
from usc_events.store.export import FORMATS, export

SCHEMAS = Path(__file__).parent / "data"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _tables() -> dict[str, Any]:
    return {name: usc_events.load(name, backend="arrow") for name in usc_events.tables()}


def test_the_formats_are_registered() -> None:
    assert {"plover", "cameo-dyads", "cameo-dyads-tsv", "popolo"} <= set(FORMATS)


def test_plover_has_every_meeting_and_statement_and_validates(tmp_path: Path) -> None:
    tables = _tables()
    export(tables, "plover", tmp_path)
    lines = (tmp_path / "events.plover.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    validator = _validator("plover-event.schema.json")
    for record in records:
        validator.validate(record)
    meetings = tables["meetings"].column("meeting_id").to_pylist()
    statements = tables["statements"].column("statement_id").to_pylist()
    assert [r["id"] for r in records] == ([f"meetings:{m}" for m in meetings]
                                         + [f"statements:{s}" for s in statements])
    by_id = {r["id"]: r for r in records}
    # A statement's PLOVER category is not coded: no invented event type.
    assert all(not by_id[f"statements:{s}"]["has_event"] and by_id[f"statements:{s}"]["event"]
               == [] for s in statements)
    for row in tables["meetings"].to_pylist():
        record = by_id[f"meetings:{row['meeting_id']}"]
        assert record["event"] == [row["plover_event"]] and record["context"] is None
        assert record["date"] == (row["date_earliest"].isoformat()
                                  if row["date_earliest"] == row["date_latest"] else None)
        assert record["evidence"], "every meeting links to its evidence"
    visit = by_id["meetings:han-zheng-washington-visit"]
    assert visit["date"] is None and visit["date_precision"] == "interval"
    assert by_id["meetings:xi-trump-phone-call"]["mode"] == ["phone"]
    assert {e["code"] for r in records for e in r["actor"]} <= {"USA", "CHN", "SGP", "TWN",
                                                                 "JPN", "KOR", None}


def test_a_bad_plover_record_is_refused_by_the_schema() -> None:
    validator = _validator("plover-event.schema.json")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"id": "x", "date": "19 January 2025", "actor": [], "event": []})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"id": "x", "date": None, "actor": [], "event": ["MEET"]})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"id": "x", "date": None, "actor": [], "event": [],
                            "has_event": True})


def _pairs(tables: dict[str, Any]) -> Counter[str]:
    sizes = Counter(tables["meeting_participants"].column("meeting_id").to_pylist())
    return Counter({m: n * (n - 1) for m, n in sizes.items() if n > 1})


@pytest.mark.parametrize(("fmt", "name", "delimiter"), [
    ("cameo-dyads", "events.cameo-dyads.csv", ","),
    ("cameo-dyads-tsv", "events.cameo-dyads.tsv", "\t"),
])
def test_dyads_are_every_ordered_pair_and_validate(tmp_path: Path, fmt: str, name: str,
                                                   delimiter: str) -> None:
    tables = _tables()
    export(tables, fmt, tmp_path)
    with (tmp_path / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=delimiter))
    validator = _validator("cameo-dyads.schema.json")
    for row in rows:
        validator.validate(row)
    assert Counter(r["meeting_id"] for r in rows) == _pairs(tables)
    assert len(rows) == sum(_pairs(tables).values())
    pairs = {(r["meeting_id"], r["source_actor_id"], r["target_actor_id"]) for r in rows}
    assert len(pairs) == len(rows) and all(s != t for _, s, t in pairs)
    assert {r["derivation"] for r in rows} <= {"all-ordered-pairs", "host-guest"}


def test_a_host_and_a_guest_make_a_host_guest_dyad(tmp_path: Path) -> None:
    built = build(write_corpus(tmp_path / "corpus")).tables
    export(built, "cameo-dyads", tmp_path / "out")
    with (tmp_path / "out" / "events.cameo-dyads.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source_actor_id"], r["target_actor_id"], r["source_country"],
             r["target_country"], r["derivation"]) for r in rows] == [
        ("alpha", "beta", "FRA", "", "host-guest"), ("beta", "alpha", "", "FRA", "host-guest")]


def test_popolo_has_every_actor_role_and_meeting_and_validates(tmp_path: Path) -> None:
    tables = _tables()
    export(tables, "popolo", tmp_path)
    document = json.loads((tmp_path / "popolo.json").read_text(encoding="utf-8"))
    _validator("popolo.schema.json").validate(document)
    actors = tables["actors"].to_pylist()
    assert sorted(p["id"] for p in document["persons"]) == sorted(
        a["actor_id"] for a in actors if a["kind"] == "person")
    assert len(document["persons"]) + len(document["organizations"]) == len(actors)
    assert [m["id"] for m in document["memberships"]] == tables["roles"].column(
        "role_id").to_pylist()
    assert [e["id"] for e in document["events"]] == tables["meetings"].column(
        "meeting_id").to_pylist()
    people = Counter(tables["meeting_participants"].column("meeting_id").to_pylist())
    assert all(len(e["attendees"]) + len(e["organizations"]) == people[e["id"]]
               for e in document["events"])
    visit = next(e for e in document["events"] if e["id"] == "han-zheng-washington-visit")
    assert visit["start_date"] is None and visit["date_edtf"] == "2025-01-17/2025-01-19"


def test_a_bad_popolo_date_is_refused_by_the_schema() -> None:
    validator = _validator("popolo.schema.json")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"persons": [], "organizations": [], "memberships": [],
                            "events": [{"id": "e", "name": "E", "start_date": "2025-01-17/18"}]})
