"""``usc-events propose``: drafts from a new article, reviewed as docs/contributing.md says.

The article is written for these tests (it is none of the shipped sources); the
known actors are those of the test corpus (Alpha Minister, Beta Envoy).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import write_corpus
from typer.testing import CliRunner

from usc_events.build.builder import build
from usc_events.cli.app import app
from usc_events.contrib.propose import KnownActor, find_dates, find_mentions, propose

ARTICLE = (
    "Trade talks resume in Lisbon\n"
    "LISBON — Alpha Minister arrived in Lisbon on 12 March 2025 for a second round of talks.\n"
    "“We expect a fair deal on tariffs,” Alpha Minister said after landing.\n"
    "Beta Envoy told reporters: “Our position has not changed since Geneva.”\n"
    "“The door remains open,” he added.\n"
    "Gamma Delta, a trade adviser, said “both sides want calm markets.”\n"
    "Alpah Minister later met business leaders.\n"
)
ACTORS = [KnownActor("alpha", ("Alpha Minister", "Alpha")), KnownActor("beta", ("Beta Envoy",))]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_corpus(tmp_path)
    (tmp_path / "lisbon talks.txt").write_text(ARTICLE, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def _save(path: Path, value: Any) -> None:
    header = path.read_text("utf-8").splitlines()[0]
    path.write_text(header + "\n" + yaml.safe_dump(value, sort_keys=False, allow_unicode=True),
                    "utf-8")


def test_quotes_get_their_likely_speakers_and_are_marked_for_review() -> None:
    draft = propose(ARTICLE, ARTICLE.encode(), "lisbon talks.txt", ACTORS)
    statements = yaml.safe_load(draft.files["records/statements/lisbon-talks.yaml"])
    assert [(s["speaker_id"], s["text"]) for s in statements] == [
        ("alpha", "We expect a fair deal on tariffs"),
        ("beta", "Our position has not changed since Geneva"),
        ("beta", "The door remains open"),  # "he": the last subject, at lower confidence
        ("gamma-delta", "both sides want calm markets"),
    ]
    for statement in statements:
        assert statement["note"].startswith("NEEDS REVIEW: confidence 0.")
        (evidence,) = statement["evidence"]
        assert statement["text"] in evidence["quote"] and evidence["quote"] in ARTICLE
    assert "pronoun 'he'" in statements[2]["note"]
    assert statements[2]["note"].startswith("NEEDS REVIEW: confidence 0.60")
    (actor,) = yaml.safe_load(draft.files["records/actors/lisbon-talks.yaml"])
    assert (actor["actor_id"], actor["name"], actor["kind"]) == (
        "gamma-delta", "Gamma Delta", "person")  # a guess from the apposition, marked new
    assert "# new: Gamma Delta (person)" in draft.files["records/actors/lisbon-talks.yaml"]
    metadata = yaml.safe_load(draft.files["sources/lisbon-talks.yaml"])
    assert metadata["kind"] is None and metadata["title"] is None  # guesses stay comments
    assert "'Trade talks resume in Lisbon'" in draft.files["sources/lisbon-talks.yaml"]


def test_known_actors_are_found_by_name_alias_and_fuzzy_match() -> None:
    found = [(m.actor_id, m.matched, m.score >= 100) for m in find_mentions(ARTICLE, ACTORS)]
    assert ("alpha", "Alpah Minister", False) in found  # a misspelling, matched with rapidfuzz
    assert found.count(("alpha", "Alpha Minister", True)) == 2
    assert ("beta", "Beta Envoy", True) in found


def test_dates_are_read_only_when_complete() -> None:
    dates = find_dates("On 12 March 2025, and on March 3, 2025; then on Monday, and on 2025-02-30.")
    assert [(d.text, d.iso) for d in dates] == [
        ("12 March 2025", "2025-03-12"),
        ("March 3, 2025", "2025-03-03"),
        ("Monday", None),
        ("2025-02-30", None),
    ]


def _review(draft: Path) -> None:
    """The review steps of docs/contributing.md, as a reviewer of this article would do them."""
    metadata_path = draft / "sources/lisbon-talks.yaml"
    metadata = _load(metadata_path)
    metadata.update(
        title="Trade talks resume in Lisbon", outlet=None, author=None, dateline="LISBON",
        kind="news_report", language="en",
        note="Metadata from the text; it prints no outlet, author or publication date.",
    )
    _save(metadata_path, metadata)
    statements_path = draft / "records/statements/lisbon-talks.yaml"
    statements = _load(statements_path)
    for statement in statements:
        assert statement["speaker_id"] is not None  # "he" follows Beta Envoy's words
        statement["note"] = None
    _save(statements_path, statements)
    meetings_path = draft / "records/meetings/lisbon-talks.yaml"
    (meeting,) = meetings = _load(meetings_path)
    meeting.update(summary="Alpha Minister met business leaders.", location=None,
                   note="Date: no later than the article, which prints no date of its own.")
    meeting.update(date="../2025-03-12", date_basis="inferred")  # after the dated arrival
    _save(meetings_path, meetings)
    participants_path = draft / "records/meeting_participants/lisbon-talks.yaml"
    participants = _load(participants_path)
    for participant in participants:
        participant["note"] = None
    _save(participants_path, participants)
    actors_path = draft / "records/actors/lisbon-talks.yaml"
    actors = _load(actors_path)
    actors[0].update(kind="person", description="A trade adviser.", note=None)
    _save(actors_path, actors)


def test_a_reviewed_draft_validates_and_builds(root: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["propose", "lisbon talks.txt", "--out", "draft"])
    assert result.exit_code == 0, result.output
    draft = root / "draft"
    assert sorted(p.relative_to(draft).as_posix() for p in draft.rglob("*.*")) == [
        "records/actors/lisbon-talks.yaml",
        "records/meeting_participants/lisbon-talks.yaml",
        "records/meetings/lisbon-talks.yaml",
        "records/statements/lisbon-talks.yaml",
        "sources/lisbon-talks.txt",
        "sources/lisbon-talks.yaml",
    ]
    assert (draft / "sources/lisbon-talks.txt").read_bytes() == ARTICLE.encode()
    unreviewed = runner.invoke(app, ["validate", "draft"])
    assert unreviewed.exit_code == 1  # a draft is never taken for fact
    assert "[needs-review]" in unreviewed.stdout or "[enum]" in unreviewed.stdout
    _review(draft)
    reviewed = runner.invoke(app, ["validate", "draft"])
    assert reviewed.exit_code == 0, reviewed.stdout
    for path in draft.rglob("*.*"):
        target = root / "data" / path.relative_to(draft)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    corpus = build(root / "data")
    speakers = {
        row["statement_id"]: row["speaker_id"]
        for row in corpus.tables["statements"].to_pylist()
        if row["statement_id"].startswith("lisbon-talks")
    }
    assert speakers == {
        "lisbon-talks-quote-1": "alpha", "lisbon-talks-quote-2": "beta",
        "lisbon-talks-quote-3": "beta", "lisbon-talks-quote-4": "gamma-delta",
    }


def test_unreviewed_notes_are_refused_by_the_build(root: Path) -> None:
    result = CliRunner().invoke(app, ["propose", "lisbon talks.txt", "--out", "draft"])
    assert result.exit_code == 0
    _review(root / "draft")
    path = root / "draft/records/statements/lisbon-talks.yaml"
    statements = _load(path)
    statements[0]["note"] = "NEEDS REVIEW: confidence 0.80"
    _save(path, statements)
    result = CliRunner().invoke(app, ["validate", "draft"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        "draft/records/statements/lisbon-talks.yaml:"
    )
    assert "statements:lisbon-talks-quote-1 note: the record is an unreviewed draft" in (
        result.stdout
    )


def test_propose_prints_by_default_and_never_writes_into_data(root: Path) -> None:
    runner = CliRunner()
    before = sorted(p.as_posix() for p in root.rglob("*"))
    printed = runner.invoke(app, ["propose", "lisbon talks.txt"])
    assert printed.exit_code == 0
    assert "# ==> records/statements/lisbon-talks.yaml <==" in printed.stdout
    refused = runner.invoke(app, ["propose", "lisbon talks.txt", "--out", "data/records/new"])
    assert refused.exit_code == 2
    assert "drafts are never written into data/" in refused.stderr
    (root / "taken").mkdir()
    (root / "taken" / "x").write_text("x", "utf-8")
    taken = runner.invoke(app, ["propose", "lisbon talks.txt", "--out", "taken"])
    assert taken.exit_code == 2
    missing = runner.invoke(app, ["propose", "nowhere.txt"])
    assert missing.exit_code == 2
    assert sorted(p.as_posix() for p in root.rglob("*")) == [*before, (root / "taken").as_posix(),
                                                             (root / "taken/x").as_posix()]


def test_a_non_utf8_article_is_a_clear_error(root: Path) -> None:
    (root / "bad.txt").write_bytes(b"caf\xe9 talks\n")
    result = CliRunner().invoke(app, ["propose", "bad.txt"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.txt:1:4: byte 0xe9 at offset 3 is not UTF-8" in result.output
