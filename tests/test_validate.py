"""``usc-events validate``: contributions checked against the corpus, every bad input a clear error.

A contribution (a new source document with its metadata, an actor and a meeting)
is written outside the test corpus's data/ folder and validated against it; each
test breaks it in one way and checks the exact report, the exit code, that no
traceback is shown and that nothing is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import write_corpus
from typer.testing import CliRunner

from usc_events.cli.app import app

TEXT_B = (
    "LISBON — Gamma Adviser met Alpha Minister in Lisbon on 4 March 2025. "
    "Gamma said “talks will go on” and talks will go on.\n"
)
CONTRIBUTION: dict[str, str] = {
    "sources/doc_b.txt": TEXT_B,
    "sources/doc_b.yaml": """\
document_id: doc-b
file_name: doc_b.txt
title: null
outlet: Test Wire
author: null
published_earliest: 2025-03-04T00:00:00Z
published_latest: 2025-03-04T23:59:59Z
published_text: null
dateline: LISBON
kind: news_report
language: en
url: null
""",
    "records/actors/new.yaml": """\
- actor_id: gamma
  name: Gamma Adviser
  kind: person
  country: null
  aliases: [Gamma]
  description: An adviser.
  evidence:
    - document_id: doc-b
      quote: Gamma Adviser
""",
    "records/meetings/new.yaml": """\
- meeting_id: gamma-alpha-lisbon
  kind: meeting
  title: Gamma meets Alpha
  location: Lisbon
  date: "2025-03-04"
  end: null
  date_basis: stated
  summary: Gamma and Alpha met in Lisbon.
  plover_event: CONSULT
  cameo_code: "040"
  evidence:
    - document_id: doc-b
      quote: Gamma Adviser met Alpha Minister in Lisbon on 4 March 2025
""",
}


def write_contribution(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The contribution under ``root/contrib``; ``changes`` replaces (None: drops) files."""
    folder = root / "contrib"
    for name, content in {**CONTRIBUTION, **(changes or {})}.items():
        if content is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def change(name: str, old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in CONTRIBUTION[name], f"{old!r} not in {name}"
    return {name: CONTRIBUTION[name].replace(old, new, 1)}


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(root: Path, *args: str) -> tuple[int, list[str], str]:
    """Run ``usc-events validate`` in ``root``: exit code, stdout lines, stderr."""
    before = snapshot(root)
    result = CliRunner().invoke(app, ["validate", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    assert snapshot(root) == before, "validate wrote something"
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_a_valid_contribution_passes(root: Path) -> None:
    write_contribution(root)
    code, lines, _ = validate(root, "contrib")
    assert code == 0
    assert lines == [
        "OK: 3 files checked against data/; no problems (29 rows would build).",
    ]


def test_the_whole_data_folder_is_the_default(root: Path) -> None:
    code, lines, _ = validate(root)
    assert code == 0
    assert lines[-1].startswith("OK: 10 files checked against data/; no problems")


BAD: dict[str, tuple[dict[str, str | bytes | None], list[str]]] = {
    "wrong type": (
        change("records/meetings/new.yaml", 'cameo_code: "040"', "cameo_code: 40"),
        ["contrib/records/meetings/new.yaml:10:15: meetings:gamma-alpha-lisbon cameo_code: Input "
         "should be a valid string (got 40); write it in quotes (e.g. \"40\"): unquoted, YAML "
         "reads digits as a number [string_type]"],
    ),
    "unknown enum value": (
        change("records/actors/new.yaml", "kind: person", "kind: persn"),
        ["contrib/records/actors/new.yaml:3:9: actors:gamma kind: Input should be 'person', "
         "'state', 'government_body', 'political_party', 'company', 'platform', 'organization' "
         "or 'group' (got 'persn'); did you mean 'person'? [enum]"],
    ),
    "dangling id": (
        {"records/meeting_participants/new.yaml": (
            "- meeting_id: gamma-alpha-lisbon\n  actor_id: alpah\n  role: guest\n  evidence:\n"
            "    - document_id: doc-b\n      quote: Gamma Adviser met Alpha Minister\n")},
        ["contrib/records/meeting_participants/new.yaml:2:13: "
         "meeting_participants:gamma-alpha-lisbon.alpah actor_id: 'alpah' is not the id of any "
         "record in actors; did you mean 'alpha'? [foreign-key]"],
    ),
    "id colliding with the corpus": (
        change("records/actors/new.yaml", "actor_id: gamma", "actor_id: alpha"),
        ["contrib/records/actors/new.yaml:1:13: actors:alpha actor_id: 'alpha' is already the id "
         "of an earlier record; ids must be unique; first given at "
         "data/records/actors/test.yaml:1 [duplicate-id]"],
    ),
    "document id colliding with the corpus": (
        change("sources/doc_b.yaml", "document_id: doc-b", "document_id: doc-a"),
        # the records citing doc-b are reported too: no document has that id any more
        ["contrib/records/actors/new.yaml:8:20: actors:gamma evidence.0.document_id: 'doc-b' is "
         "not a document id; the documents are: doc-a; did you mean 'doc-a'? [foreign-key]",
         "contrib/records/meetings/new.yaml:12:20: meetings:gamma-alpha-lisbon "
         "evidence.0.document_id: 'doc-b' is not a document id; the documents are: doc-a; did "
         "you mean 'doc-a'? [foreign-key]",
         "contrib/sources/doc_b.yaml:1:14: documents:doc-a document_id: document id used twice; "
         "ids must be unique; choose another document_id [duplicate-id]"],
    ),
    "duplicate key": (
        change("records/actors/new.yaml", "  name: Gamma Adviser\n",
               "  name: Gamma Adviser\n  name: Gamma\n"),
        ["contrib/records/actors/new.yaml:3:3: actors:gamma name: duplicate key 'name' (first "
         "given on line 2) [duplicate-key]"],
    ),
    "quote not in the document": (
        change("records/actors/new.yaml", "quote: Gamma Adviser", "quote: Gamma Advisor"),
        ["contrib/records/actors/new.yaml:9:14: actors:gamma evidence.0.quote: quote not found in "
         "the document (document doc-b); closest passage: 'Gamma Adviser' [quote]"],
    ),
    "quote twice without occurrence": (
        change("records/actors/new.yaml", "quote: Gamma Adviser", "quote: talks will go on"),
        ["contrib/records/actors/new.yaml:9:14: actors:gamma evidence.0.quote: quote occurs 2 "
         "times (at offsets 81, 103) (document doc-b); add 'occurrence: N' with N from 1 to 2 "
         "[quote]"],
    ),
    "reversed dates": (
        change("records/meetings/new.yaml", 'date: "2025-03-04"', 'date: "2025-03-04/2025-03-01"'),
        ["contrib/records/meetings/new.yaml:5:9: meetings:gamma-alpha-lisbon date: "
         "'2025-03-04/2025-03-01' ends before it starts (2025-03-01 is before 2025-03-04); see "
         "'Dates in EDTF' in the codebook [edtf]"],
    ),
    "invalid calendar date": (
        change("records/meetings/new.yaml", 'date: "2025-03-04"', 'date: "2025-02-29"'),
        ["contrib/records/meetings/new.yaml:5:9: meetings:gamma-alpha-lisbon date: "
         "'2025-02-29' is not a valid date (no such day or month); expected an EDTF date: "
         "'2025-01-19' (a day), '2024-04' (a month), '1971' (a year), '2024-11/2025-01' (an "
         "interval), '../2025-01-20' (open start), '2025-01-17?' (uncertain), '2025-01~' "
         "(approximate); see 'Dates in EDTF' in the codebook [edtf]"],
    ),
    "non-UTF-8 bytes": (
        {"records/actors/new.yaml": CONTRIBUTION["records/actors/new.yaml"].encode().replace(
            b"An adviser.", b"An adviser \xe9.")},
        ["contrib/records/actors/new.yaml:6:27: byte 0xe9 at offset 116 is not UTF-8; save the "
         "file as UTF-8 [encoding]"],
    ),
    "empty file": (
        {"records/actors/new.yaml": ""},
        ["contrib/records/actors/new.yaml: file is empty [empty-file]"],
    ),
    "alias bomb": (
        {"records/actors/new.yaml": (
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n")},
        ["contrib/records/actors/new.yaml:1: expected a list of actors records [file-shape]",
         # each reused node once, at its anchor, named by the path of its first reuse
         "contrib/records/actors/new.yaml:1:4: b.0: anchors and aliases are not allowed in data "
         "files [yaml-alias]",
         "contrib/records/actors/new.yaml:2:4: c.0: anchors and aliases are not allowed in data "
         "files [yaml-alias]",
         "contrib/records/actors/new.yaml:3:4: d.0: anchors and aliases are not allowed in data "
         "files [yaml-alias]",
         "contrib/records/actors/new.yaml:4:4: e.0: anchors and aliases are not allowed in data "
         "files [yaml-alias]"],
    ),
    "tag constructing a Python object": (
        change("records/actors/new.yaml", "description: An adviser.",
               "description: !!python/object/apply:os.system [echo hacked]"),
        ["contrib/records/actors/new.yaml:6:16: actors:gamma description: YAML tag "
         "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; write plain data "
         "[yaml-tag]"],
    ),
    "document path escaping data/": (
        change("sources/doc_b.yaml", "file_name: doc_b.txt", "file_name: ../../etc/passwd"),
        ["contrib/sources/doc_b.yaml:2:12: documents:doc-b file_name: String should match "
         "pattern '^[A-Za-z0-9][A-Za-z0-9._-]*\\.txt$' (got '../../etc/passwd'); a document's "
         "text must be a .txt file in the same folder as its metadata file; give its plain name: "
         "a path ('/', '\\', '..') could lead out of data/ and is refused "
         "[string_pattern_mismatch]"],
    ),
    "CSV with a missing column": (
        {"records/topics/new.csv": "topic_id,description\ntrade,Trade in goods.\n"},
        ["contrib/records/topics/new.csv:1: label: required column 'label' is missing from the "
         "header; the header must include: topic_id, label, description [csv-header]"],
    ),
    "CSV with a ragged row": (
        {"records/topics/new.csv": (
            "topic_id,label,description\ntrade,Trade,Trade in goods.\n"
            "quotas,Quotas,Limits on imports, by volume.\n")},
        ["contrib/records/topics/new.csv:3:33: topics:quotas: row has 4 cells but the header "
         "has 3 columns; put a cell that contains a comma in double quotes [csv-ragged]"],
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_a_clear_error(root: Path, name: str) -> None:
    changes, expected = BAD[name]
    write_contribution(root, changes)
    code, lines, stderr = validate(root, "contrib")
    assert code == 1, stderr
    assert lines[:-1] == expected
    assert lines[-1].endswith("nothing was written.")
    assert lines[-1].startswith(f"{len(expected)} problem")


def test_a_50_mb_file_is_refused_without_being_read(root: Path) -> None:
    folder = write_contribution(root)
    huge = folder / "records/actors/new.yaml"
    with huge.open("r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: nothing to read but its size
    code, lines, _ = validate(root, "contrib")
    assert code == 1
    assert lines[0] == (
        "contrib/records/actors/new.yaml: file is 52428800 bytes; data files may be at most "
        "10485760 bytes [file-too-large]"
    )


def test_a_text_that_is_a_link_out_of_its_folder_is_refused(root: Path) -> None:
    folder = write_contribution(root)
    outside = root / "secret.txt"
    outside.write_text("Gamma Adviser met Alpha Minister in Lisbon on 4 March 2025", "utf-8")
    (folder / "sources/doc_b.txt").unlink()
    os.symlink(outside, folder / "sources/doc_b.txt")
    code, lines, _ = validate(root, "contrib")
    assert code == 1
    assert lines[0] == (
        "contrib/sources/doc_b.yaml:2:12: documents:doc-b file_name: 'doc_b.txt' is a link to a "
        "file outside contrib/sources/; a document's text must be a file there [missing-file]"
    )


def test_every_error_is_reported_in_one_run(root: Path) -> None:
    write_contribution(root, {
        **change("records/actors/new.yaml", "kind: person", "kind: persn"),
        **change("records/meetings/new.yaml", 'date: "2025-03-04"',
                 'date: "2025-03-04/2025-03-01"'),
    })
    code, lines, _ = validate(root, "contrib")
    assert code == 1
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        "contrib/records/actors/new.yaml:3:9",
        "contrib/records/meetings/new.yaml:5:9",
    ]
    assert lines[-1] == (
        "2 problems in 2 files (3 files checked against data/); nothing was written."
    )


def test_json_output_gives_every_part_of_an_error(root: Path) -> None:
    write_contribution(root, change("records/actors/new.yaml", "kind: person", "kind: persn"))
    result = CliRunner().invoke(app, ["validate", "contrib", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    (problem,) = report["problems"]
    assert problem == {
        "file": "contrib/records/actors/new.yaml", "line": 3, "column": 9,
        "record": "actors:gamma", "field": "kind", "value": "persn",
        "message": problem["message"], "hint": "did you mean 'person'?", "code": "enum",
    }
    assert "Input should be 'person'" in problem["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.yaml"], "error: nowhere.yaml: no such file or folder"),
        (["notes.txt"], "error: notes.txt: cannot tell what this file contributes; record files "
                        "go in records/<table>/ (.yaml or .csv), a document's metadata in "
                        "sources/ (.yaml)"),
        (["--data", "missing"], "error: missing: no data folder here; run in the repository, or "
                                "give --data or PATHS"),
        (["--format", "xml"], None),
    ],
)
def test_usage_errors_exit_2(root: Path, args: list[str], message: str | None) -> None:
    (root / "notes.txt").write_text("not a contribution\n", "utf-8")
    code, _, stderr = validate(root, *args)
    assert code == 2
    if message is not None:
        assert stderr.strip() == message


def test_without_a_data_folder_the_packaged_tables_are_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import usc_events

    actor = usc_events.load("actors", backend="arrow").column("actor_id")[0].as_py()
    document = usc_events.load("documents", backend="arrow").to_pylist()[0]
    quote = document["text"].strip().split("\n")[0][:40]
    folder = tmp_path / "records" / "topics"
    folder.mkdir(parents=True)
    (folder / "new.yaml").write_text(
        f"- topic_id: {actor}\n  label: Clash\n  description: An id also used by an actor.\n"
        f"  evidence:\n    - document_id: {document['document_id']}\n"
        f"      quote: {json.dumps(quote)}\n      occurrence: 1\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, lines, _ = validate(tmp_path, "records")
    assert code == 0, lines
    assert lines[-1].startswith("OK: 1 file checked against the packaged tables")
    (folder / "new.yaml").write_text(
        (folder / "new.yaml").read_text("utf-8").replace("topic_id: ", "topic_id: x-"), "utf-8")
    topics = usc_events.load("topics", backend="arrow").column("topic_id")[0].as_py()
    (folder / "more.yaml").write_text(
        f"- topic_id: {topics}\n  label: Again\n  description: A reused id.\n", "utf-8")
    code, lines, _ = validate(tmp_path, "records")
    assert code == 1
    assert lines[0] == (
        f"records/topics/more.yaml:1:13: topics:{topics} topic_id: {topics!r} is already the id "
        "of an earlier record; ids must be unique; in the packaged topics table [duplicate-id]"
    )
