"""Guards on the shipped corpus: completeness of quotations, references, duplicates, counts.

These tests read the built tables through the public loader (``usc_events.load``) and
the contributor files ``data/quotations.yaml`` and ``data/sources/*.txt`` directly.
They fail when a record is added, removed or duplicated without the expected counts
being updated, when a passage in quotation marks is left unaccounted for, or when a
reference does not resolve.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import usc_events

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
QUOTATIONS = DATA / "quotations.yaml"
SOURCES = DATA / "sources"

#: Rows per table in the first release (reported in the changelog). Change these only
#: together with the records, and say why in the changelog.
COUNTS: dict[str, int] = {
    "documents": 5,
    "passages": 16,
    "actors": 32,
    "roles": 12,
    "topics": 19,
    "meetings": 9,
    "meeting_participants": 18,
    "statements": 26,
    "positions": 42,
    "discrepancies": 6,
    "evidence": 275,
    "references": 64,
    "citations": 123,
}

#: Punctuation a writer puts inside the closing quotation mark that is not the speaker's.
TRAILING = " \t\n,.;:"


@cache
def rows(table: str) -> tuple[dict[str, Any], ...]:
    return tuple(usc_events.load(table, backend="arrow").to_pylist())  # type: ignore[call-overload]


@cache
def texts() -> dict[str, str]:
    return {d["document_id"]: d["text"] for d in rows("documents")}


def evidence_of(table: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in rows("evidence"):
        if item["record_type"] == table:
            found[item["record_id"]].append(item)
    return found


# --- finding passages in quotation marks ---------------------------------------------

_CURLY_DOUBLE = re.compile(r"“(.*?)”", re.S)
#: A curly single quote closes only where it is not an apostrophe inside a word.
_CURLY_SINGLE = re.compile(r"‘(.*?)’(?![A-Za-z])", re.S)


def quoted_passages(text: str) -> list[tuple[int, int, str]]:
    """Every passage inside quotation marks: ``(start, end, inner text)``.

    Curly double and single quotes pair by shape; straight double quotes pair in order of
    appearance (an odd number of them is an error). Straight single quotes are
    apostrophes in the shipped texts and are not treated as quotation marks.
    """
    found = [(m.start(1), m.end(1), m.group(1)) for m in _CURLY_DOUBLE.finditer(text)]
    found += [(m.start(1), m.end(1), m.group(1)) for m in _CURLY_SINGLE.finditer(text)]
    straight = [i for i, ch in enumerate(text) if ch == '"']
    if len(straight) % 2:
        raise ValueError(f"{len(straight)} straight double quotes: they do not pair up")
    found += [(a + 1, b, text[a + 1 : b]) for a, b in zip(straight[::2], straight[1::2],
                                                          strict=True)]
    return sorted(found)


def normalise(passage: str) -> str:
    return passage.strip(TRAILING)


@cache
def listed_quotations() -> tuple[dict[str, Any], ...]:
    value = yaml.safe_load(QUOTATIONS.read_text(encoding="utf-8"))
    assert isinstance(value, list), "data/quotations.yaml must hold a YAML list"
    return tuple(value)


def test_quote_finder_finds_every_kind_of_mark() -> None:
    text = 'He said “one,” then "two." and ‘three’ — Trump’s \'four\''
    assert [normalise(p) for _, _, p in quoted_passages(text)] == ["one", "two", "three"]
    with pytest.raises(ValueError):
        quoted_passages('an "unclosed quote')


def test_every_table_is_loadable() -> None:
    assert set(COUNTS) == set(usc_events.tables())
    for table in usc_events.tables():
        assert rows(table), f"{table} is empty"


@pytest.mark.parametrize(("table", "expected"), sorted(COUNTS.items()))
def test_counts_match_the_release(table: str, expected: int) -> None:
    assert len(rows(table)) == expected, (
        f"{table} has {len(rows(table))} rows; the release states {expected}")


# --- the source files --------------------------------------------------------------------


def test_every_source_file_is_a_document() -> None:
    on_disk = {p.name for p in SOURCES.glob("*.txt")}
    built = {d["file_name"] for d in rows("documents")}
    assert on_disk == built


def test_shipped_texts_are_the_source_files() -> None:
    for document in rows("documents"):
        path = SOURCES / document["file_name"]
        assert path.read_bytes().decode("utf-8") == document["text"], document["document_id"]


# --- quotation marks -------------------------------------------------------------------


def test_every_quoted_passage_is_a_direct_quote_or_listed() -> None:
    statements = {s["statement_id"]: s for s in rows("statements") if s["kind"] == "direct_quote"}
    evidence = evidence_of("statements")
    listed = {(q["document_id"], normalise(q["quote"])) for q in listed_quotations()}
    missing = []
    for document_id, text in texts().items():
        for start, end, passage in quoted_passages(text):
            words = normalise(passage)
            covered = any(
                words in statement["text"]
                and any(e["document_id"] == document_id and e["start"] <= start
                        and end <= e["end"] for e in evidence.get(statement_id, []))
                for statement_id, statement in statements.items()
            )
            if not covered and (document_id, words) not in listed:
                missing.append(f"{document_id}: {passage!r}")
    assert not missing, ("passages in quotation marks that are neither the text of a "
                         "direct_quote statement (with evidence spanning them) nor listed "
                         "in data/quotations.yaml: " + "; ".join(missing))


def test_listed_quotations_are_real_and_explained() -> None:
    direct = {s["text"] for s in rows("statements") if s["kind"] == "direct_quote"}
    for item in listed_quotations():
        assert set(item) <= {"document_id", "quote", "reason"}, item
        document_id, quote = item["document_id"], item["quote"]
        assert document_id in texts(), f"{document_id!r} is not a document id"
        passages = {normalise(p) for _, _, p in quoted_passages(texts()[document_id])}
        assert normalise(quote) in passages, f"{quote!r} is not quoted in {document_id}"
        assert str(item.get("reason") or "").strip(), f"{quote!r} has no reason"
        assert normalise(quote) not in direct, f"{quote!r} is a direct_quote statement"


def test_direct_quotes_are_inside_quotation_marks() -> None:
    evidence = evidence_of("statements")
    for statement in rows("statements"):
        if statement["kind"] != "direct_quote":
            continue
        quoted = [
            normalise(p)
            for e in evidence[statement["statement_id"]]
            for s, t, p in quoted_passages(texts()[e["document_id"]])
            if e["start"] <= s and t <= e["end"]
        ]
        assert any(statement["text"] == q for q in quoted), (
            f"statements:{statement['statement_id']}: its text is not, in full, a passage "
            f"in quotation marks within its evidence")


# --- references -----------------------------------------------------------------------


def test_people_and_bodies_resolve_to_actors() -> None:
    actors = {a["actor_id"] for a in rows("actors")}
    references = (
        [("statements", s["statement_id"], s["speaker_id"]) for s in rows("statements")]
        + [("positions", p["position_id"], p["actor_id"]) for p in rows("positions")]
        + [("meeting_participants", m["participant_id"], m["actor_id"])
           for m in rows("meeting_participants")]
        + [("roles", r["role_id"], r["actor_id"]) for r in rows("roles")]
        + [("roles", r["role_id"], r["organization_id"]) for r in rows("roles")]
    )
    dangling = [f"{table}:{key} -> {actor}" for table, key, actor in references
                if actor not in actors]
    assert not dangling, dangling


def test_every_meeting_has_participants() -> None:
    with_people = {m["meeting_id"] for m in rows("meeting_participants")}
    assert {m["meeting_id"] for m in rows("meetings")} <= with_people


def test_statement_dates_fall_within_their_meeting() -> None:
    meetings = {m["meeting_id"]: m for m in rows("meetings")}
    for statement in rows("statements"):
        meeting = meetings.get(statement["meeting_id"])
        if meeting is None or statement["date_earliest"] is None:
            continue
        assert meeting["date_earliest"] <= statement["date_earliest"], statement["statement_id"]
        assert statement["date_latest"] <= meeting["date_latest"], statement["statement_id"]


def test_discrepancies_have_evidence_from_more_than_one_document() -> None:
    """A discrepancy is a disagreement between documents, never a curator's lone doubt."""
    evidence = evidence_of("discrepancies")
    for discrepancy in rows("discrepancies"):
        documents = {e["document_id"] for e in evidence[discrepancy["discrepancy_id"]]}
        assert len(documents) >= 2, discrepancy["discrepancy_id"]
        assert discrepancy["record_refs"], discrepancy["discrepancy_id"]


#: A sentence that credits a source for what it says: "…, as reported by AP",
#: "…, as noted by the Trump transition team", "…, Azernews reports."
_CREDIT = re.compile(r"\b[Aa]s (?:reported|noted|disclosed|stated) by\b|\b[A-Z]\w+ reports\.")
#: Spans of a crediting sentence that the credit does not cover, each reviewed and
#: explained in the codebook ("Review decisions: credit limited to a clause").
CLAUSE_LIMITED_CREDIT = {
    ("han-vance-inauguration",
     "Han Zheng, the most senior Chinese official to attend a U.S. presidential inauguration"),
}


def test_evidence_in_a_crediting_sentence_names_whom_it_credits() -> None:
    """Evidence quoted from a sentence that credits a source carries an attribution.

    Actors and roles are exempt (their evidence only shows a name or a post).
    """
    from usc_events.query.sentences import sentence_around

    unattributed = []
    for item in rows("evidence"):
        if item["record_type"] in {"actors", "roles"} or item["attribution"]:
            continue
        if (item["document_id"], item["quote"]) in CLAUSE_LIMITED_CREDIT:
            continue
        sentence = sentence_around(texts()[item["document_id"]], item["start"], item["end"])
        if _CREDIT.search(sentence):
            unattributed.append(f"{item['record_type']}:{item['record_id']} "
                                f"({item['document_id']}: {item['quote'][:60]!r})")
    assert not unattributed, ("evidence from a sentence that credits a source, without "
                              "an attribution: " + "; ".join(unattributed))


def test_crediting_sentences_are_found() -> None:
    from usc_events.query.sentences import sentence_around

    text = "Mr. Li met J.D. Vance, as reported by AP. Then he left."
    assert _CREDIT.search(sentence_around(text, 0, 5))
    assert not _CREDIT.search(sentence_around(text, text.index("Then"), len(text)))
    assert _CREDIT.search("Han met Musk in Washington, Azernews reports.")


# --- no two records say the same thing ------------------------------------------------


def _duplicates(keys: list[tuple[Any, str]]) -> list[str]:
    counts = Counter(key for key, _ in keys)
    return sorted(record for key, record in keys if counts[key] > 1)


def _text_key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(TRAILING)


def test_no_duplicate_statements() -> None:
    keys = [((s["speaker_id"], _text_key(s["text"])), s["statement_id"])
            for s in rows("statements")]
    assert not _duplicates(keys)


def test_no_duplicate_positions() -> None:
    keys = [((p["actor_id"], p["topic_id"], p["stance"], p["status"], p["value"]),
             p["position_id"]) for p in rows("positions")]
    assert not _duplicates(keys)


def test_no_duplicate_meetings() -> None:
    people: dict[str, set[str]] = defaultdict(set)
    for participant in rows("meeting_participants"):
        people[participant["meeting_id"]].add(participant["actor_id"])
    keys = [((frozenset(people[m["meeting_id"]]), m["kind"], m["date_earliest"],
              m["date_latest"]), m["meeting_id"]) for m in rows("meetings")]
    assert not _duplicates(keys)


def test_no_duplicate_actors_or_shared_aliases() -> None:
    names: dict[str, set[str]] = defaultdict(set)
    for actor in rows("actors"):
        for name in [actor["name"], *actor["aliases"]]:
            names[_text_key(name)].add(actor["actor_id"])
    shared = {name: ids for name, ids in names.items() if len(ids) > 1}
    assert not shared, f"names or aliases used by more than one actor: {shared}"


def test_no_duplicate_roles() -> None:
    keys = [((r["actor_id"], r["organization_id"], _text_key(r["title"]), r["date_edtf"],
              r["end_edtf"]),
             r["role_id"]) for r in rows("roles")]
    assert not _duplicates(keys)


def test_no_duplicate_participants_topics_or_discrepancies() -> None:
    assert not _duplicates([((p["meeting_id"], p["actor_id"]), p["participant_id"])
                            for p in rows("meeting_participants")])
    assert not _duplicates([(_text_key(t["label"]), t["topic_id"]) for t in rows("topics")])
    assert not _duplicates([((d["kind"], frozenset(d["record_refs"])), d["discrepancy_id"])
                            for d in rows("discrepancies")])


def test_no_duplicate_evidence() -> None:
    keys = [((e["record_type"], e["record_id"], e["document_id"], e["start"], e["end"]),
             e["evidence_id"]) for e in rows("evidence")]
    assert not _duplicates(keys)


def test_codebook_examples_are_real_records() -> None:
    """Every ``table:id`` the codebook cites as an illustration names a shipped record."""
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    from usc_events.schema.models import TABLE_MODELS

    keys = {table: {r[TABLE_MODELS[table].primary_key] for r in rows(table)}
            for table in usc_events.tables()}
    cited = [(table, key) for table, key in re.findall(r"`([a-z_]+):([a-z0-9.-]+)`", codebook)
             if table in keys]
    assert cited, "the codebook cites no records"
    unknown = [f"{table}:{key}" for table, key in cited if key not in keys.get(table, set())]
    assert not unknown, f"the codebook cites records that do not exist: {unknown}"


def test_the_sources_are_the_seed_documents_byte_for_byte() -> None:
    """data/sources holds exactly the five seed documents the release is curated from."""
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed documents are not beside this checkout")
    shipped = {p.name: p.read_bytes() for p in (ROOT / "data" / "sources").glob("*.txt")}
    assert shipped == {p.name: p.read_bytes() for p in seeds.glob("*.txt")}
