"""Every validation rule of the build: an input that breaks it, and the exact message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FILES, edit, write_corpus

from usc_events.build.builder import build
from usc_events.errors import DataInvalid

NOTE = (
    "  note: Said about the talks of 3 March, so on or after that day; "
    "the report is of the same day.\n"
)
EVIDENCE_OF_ROLE = "  evidence:\n    - document_id: doc-a\n      quote: Alpha Minister\n"

CASES: dict[str, tuple[dict[str, str | None], list[str]]] = {
    "dataset file missing": (
        {"dataset.yaml": None},
        ["data/dataset.yaml: file is missing [missing-file]"],
    ),
    "version not semantic": (
        edit("dataset.yaml", "0.1.0", "'0.1'"),
        [
            "data/dataset.yaml:1:10: version: '0.1' is not a semantic version; expected e.g. "
            "'1.2.0' [version]",
        ],
    ),
    "YAML syntax": (
        edit("records/topics/test.yaml", "label: Tariffs", "label: [Tariffs"),
        [
            "data/records/topics/test.yaml:3:14: not valid YAML: did not find expected ',' or ']' "
            "[yaml-syntax]",
        ],
    ),
    "wrong type": (
        edit("records/meetings/test.yaml", 'cameo_code: "040"', "cameo_code: 40"),
        [
            "data/records/meetings/test.yaml:10:15: meetings:alpha-beta-geneva cameo_code: Input "
            'should be a valid string (got 40); write it in quotes (e.g. "40"): unquoted, YAML '
            "reads digits as a number [string_type]",
        ],
    ),
    "id pattern": (
        edit("records/topics/test.yaml", "topic_id: tariffs", "topic_id: Tariffs"),
        [
            "data/records/topics/test.yaml:1:13: topics:Tariffs topic_id: String should match "
            "pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$' (got 'Tariffs'); ids are lower-case letters and "
            "digits, words joined by single hyphens, e.g. 'han-zheng' [string_pattern_mismatch]",
        ],
    ),
    "enum value": (
        edit("records/actors/test.yaml", "kind: person", "kind: persn"),
        [
            "data/records/actors/test.yaml:3:9: actors:alpha kind: Input should be 'person', "
            "'state', 'government_body', 'political_party', 'company', 'platform', 'organization' "
            "or 'group' (got 'persn'); did you mean 'person'? [enum]",
        ],
    ),
    "required field missing": (
        edit("records/meetings/test.yaml", "  summary: Alpha and Beta met in Geneva.\n", ""),
        [
            "data/records/meetings/test.yaml:1:3: meetings:alpha-beta-geneva summary: Field "
            "required; summary: What the sources say happened. [missing]",
        ],
    ),
    "unknown field": (
        edit("records/topics/test.yaml", "label: Tariffs", "label: Tariffs\n  colour: red"),
        [
            "data/records/topics/test.yaml:3:11: topics:tariffs colour: Extra inputs are not "
            "permitted (got 'red'); the fields are: topic_id, label, description, evidence "
            "[extra_forbidden]",
        ],
    ),
    "no evidence": (
        edit("records/roles/test.yaml", EVIDENCE_OF_ROLE, "  evidence: []\n"),
        [
            "data/records/roles/test.yaml:7:13: roles:alpha-minister evidence: List should have at "
            "least 1 item after validation, not 0 (got []) [too_short]",
        ],
    ),
    "duplicate id": (
        edit(
            "records/positions/test.yaml",
            "- position_id",
            FILES["records/positions/test.yaml"] + "- position_id",
        ),
        [
            "data/records/positions/test.yaml:10:16: positions:beta-keeps-tariffs position_id: "
            "'beta-keeps-tariffs' is already the id of an earlier record; ids must be unique; "
            "first given at data/records/positions/test.yaml:1 [duplicate-id]",
            "data/records/positions/test.yaml:17:7: positions:beta-keeps-tariffs evidence.0.evidence_id: "
            "'ev-4f29e1af6fb2' is the evidence_id of an earlier row too: evidence_id is derived "
            "from hash of record, document and span, and two rows give the same; first given at "
            "data/records/positions/test.yaml:8 [duplicate-id]",
        ],
    ),
    "foreign key": (
        edit("records/statements/test.yaml", "speaker_id: alpha", "speaker_id: gamma"),
        [
            "data/records/statements/test.yaml:2:15: statements:alpha-frank speaker_id: 'gamma' is "
            "not the id of any record in actors [foreign-key]",
        ],
    ),
    "foreign key in a list": (
        edit("records/statements/test.yaml", "topic_ids: [tariffs]", "topic_ids: [tariffs, trade]"),
        [
            "data/records/statements/test.yaml:9:14: statements:alpha-frank topic_ids: 'trade' is "
            "not the id of any record in topics [foreign-key]",
        ],
    ),
    "evidence names an unknown document": (
        edit("records/positions/test.yaml", "document_id: doc-a", "document_id: doc-z"),
        [
            "data/records/positions/test.yaml:8:20: positions:beta-keeps-tariffs "
            "evidence.0.document_id: 'doc-z' is not a document id; the documents are: doc-a; did "
            "you mean 'doc-a'? [foreign-key]",
        ],
    ),
    "discrepancy names an unknown record": (
        edit(
            "records/discrepancies/test.yaml",
            "positions:beta-keeps-tariffs",
            "positions:beta-keeps-quotas",
        ),
        [
            "data/records/discrepancies/test.yaml:4:16: discrepancies:tariff-views record_refs: "
            "'positions:beta-keeps-quotas' is not the id of any record in positions; did you mean "
            "'positions:beta-keeps-tariffs'? [foreign-key]",
        ],
    ),
    "dates reversed": (
        edit("records/meetings/test.yaml", 'date: "2025-03-03"', 'date: "2025-03-03/2025-03-02"'),
        [
            "data/records/meetings/test.yaml:5:9: meetings:alpha-beta-geneva date: "
            "'2025-03-03/2025-03-02' ends before it starts (2025-03-02 is before "
            "2025-03-03); see 'Dates in EDTF' in the codebook [edtf]",
        ],
    ),
    "an end before the date": (
        edit("records/meetings/test.yaml", "end: null", 'end: "2025-03-01"'),
        [
            "data/records/meetings/test.yaml:6:8: meetings:alpha-beta-geneva end: "
            "'2025-03-01' ends before the date '2025-03-03' begins; 'end' is when it ended, "
            "'date' when it began [interval-order]",
        ],
    ),
    "a date that is not EDTF": (
        edit("records/statements/test.yaml", 'date: "2025-03-03"', 'date: "3 March 2025"'),
        [
            "data/records/statements/test.yaml:7:9: statements:alpha-frank date: '3 March "
            "2025' is not a date this corpus accepts; expected an EDTF date: '2025-01-19' (a "
            "day), '2024-04' (a month), '1971' (a year), '2024-11/2025-01' (an interval), "
            "'../2025-01-20' (open start), '2025-01-17?' (uncertain), '2025-01~' "
            "(approximate); see 'Dates in EDTF' in the codebook [edtf]",
        ],
    ),
    "the old date fields": (
        edit("records/statements/test.yaml", 'date: "2025-03-03"',
             "date_earliest: 2025-03-01\n  date_latest: 2025-03-31"),
        [
            "data/records/statements/test.yaml:7:18: statements:alpha-frank date_earliest: "
            "date_earliest is no longer a field: dates are written in EDTF under 'date' (got "
            "2025-03-01); write date: \"2025-03\" instead [old-date-field]",
            "data/records/statements/test.yaml:8:16: statements:alpha-frank date_latest: "
            "date_latest is no longer a field: dates are written in EDTF under 'date' (got "
            "2025-03-31); write date: \"2025-03\" instead [old-date-field]",
        ],
    ),
    "a citation of an unknown reference": (
        edit("records/meetings/test.yaml", "reference_id: wire-geneva", "reference_id: wire-lisbon"),
        [
            "data/records/meetings/test.yaml:15:21: meetings:alpha-beta-geneva "
            "citations.0.reference_id: 'wire-lisbon' is not the id of any record in "
            "references [foreign-key]",
        ],
    ),
    "a citation of a field the record does not have": (
        edit("records/meetings/test.yaml", "      field: date\n", "      field: weather\n"),
        [
            "data/records/meetings/test.yaml:16:14: meetings:alpha-beta-geneva "
            "citations.0.field: 'weather' is not a field of meetings [citation-field]",
        ],
    ),
    "a date that rests on a reference without its citation": (
        {"records/meetings/test.yaml": FILES["records/meetings/test.yaml"]
         .replace("date_basis: stated", "date_basis: reference")
         .replace("      field: date\n", "      field: location\n")},
        [
            "data/records/meetings/test.yaml:5:9: meetings:alpha-beta-geneva date: date "
            "rests on a reference, so the record's citations need one for field 'date' "
            "[citation-missing]",
        ],
    ),
    "publication interval reversed": (
        edit(
            "sources/doc_a.yaml",
            "published_latest: 2025-03-03T10:00:59Z",
            "published_latest: 2025-03-02T10:00:59Z",
        ),
        [
            "data/sources/doc_a.yaml:6:21: documents:doc-a published_earliest: 2025-03-03 "
            "10:00:00+00:00 is after published_latest 2025-03-02 10:00:59+00:00; expected "
            "published_earliest ≤ published_latest [interval-order]",
        ],
    ),
    "date basis without dates": (
        edit(
            "records/positions/test.yaml", "status: stated", "status: stated\n  date_basis: stated"
        ),
        [
            "data/records/positions/test.yaml:7:15: positions:beta-keeps-tariffs date_basis: give "
            "date_basis exactly when the record has dates [date-basis]",
        ],
    ),
    "inferred dates without a note": (
        edit("records/statements/test.yaml", NOTE, ""),
        [
            "data/records/statements/test.yaml:1:3: statements:alpha-frank note: an inferred date "
            "interval needs a note giving the reasoning [inference-note]",
        ],
    ),
    "value without unit": (
        edit("records/positions/test.yaml", "status: stated", "status: stated\n  value: 60"),
        [
            "data/records/positions/test.yaml:1:3: positions:beta-keeps-tariffs unit: give value "
            "and unit together, or neither [value-unit]",
        ],
    ),
    "invalid calendar date": (
        edit("records/meetings/test.yaml", 'date: "2025-03-03"', 'date: "2025-02-30"'),
        [
            "data/records/meetings/test.yaml:5:9: meetings:alpha-beta-geneva date: "
            "'2025-02-30' is not a valid date (no such day or month); expected an EDTF date: "
            "'2025-01-19' (a day), '2024-04' (a month), '1971' (a year), '2024-11/2025-01' "
            "(an interval), '../2025-01-20' (open start), '2025-01-17?' (uncertain), "
            "'2025-01~' (approximate); see 'Dates in EDTF' in the codebook [edtf]",
        ],
    ),
    "publication time without timezone": (
        edit(
            "sources/doc_a.yaml",
            "published_latest: 2025-03-03T10:00:59Z",
            "published_latest: 2025-03-03T10:00:59",
        ),
        [
            "data/sources/doc_a.yaml:7:19: documents:doc-a published_latest: Input should have "
            "timezone info (got 2025-03-03T10:00:59); add the time zone, e.g. "
            "2025-01-20T16:24:00Z or 2025-01-20T20:24:00+04:00 [timezone_aware]",
        ],
    ),
    "quote not in the document": (
        edit(
            "records/positions/test.yaml",
            "quote: Beta said tariffs would stay",
            "quote: Beta said tariffs will stay",
        ),
        [
            "data/records/positions/test.yaml:9:14: positions:beta-keeps-tariffs evidence.0.quote: "
            "quote not found in the document (document doc-a); closest passage: 'Beta said tariffs "
            "would sta' [quote]",
        ],
    ),
    "quote with straight quotes where the text has curly ones": (
        edit("records/statements/test.yaml", "“frank and useful”", '"frank and useful"'),
        [
            "data/records/statements/test.yaml:13:14: statements:alpha-frank evidence.0.quote: "
            "quote not found in the document (document doc-a); closest passage: 'Alpha said the "
            "talks were “frank and useful”' [quote]",
        ],
    ),
    "ambiguous quote": (
        edit("records/actors/test.yaml", "quote: Alpha Minister", "quote: Alpha"),
        [
            "data/records/actors/test.yaml:9:14: actors:alpha evidence.0.quote: quote occurs 2 "
            "times (at offsets 9, 66) (document doc-a); add 'occurrence: N' with N from 1 to 2 "
            "[quote]",
        ],
    ),
    "occurrence out of range": (
        edit(
            "records/actors/test.yaml",
            "quote: Beta Envoy",
            "quote: Beta Envoy\n      occurrence: 2",
        ),
        [
            "data/records/actors/test.yaml:18:14: actors:beta evidence.0.quote: occurrence 2 asked "
            "for, but the quote occurs 1 time (document doc-a) [quote]",
        ],
    ),
    "passage not in the document": (
        edit(
            "sources/doc_a.yaml",
            "quote: Subscribe to our newsletter",
            "quote: Subscribe to the newsletter",
        ),
        [
            "data/sources/doc_a.yaml:15:12: documents:doc-a passages.0.quote: quote not found in "
            "the document (document doc-a); closest passage: 'Subscribe to our newsletter' [quote]",
        ],
    ),
    "direct quote not in its evidence": (
        edit(
            "records/statements/test.yaml", "text: frank and useful", "text: frank and very useful"
        ),
        [
            "data/records/statements/test.yaml:4:9: statements:alpha-frank text: a direct quote's "
            "text must appear verbatim in one of its evidence quotes [quote-not-in-evidence]",
        ],
    ),
    "source text without metadata": (
        {"sources/doc_b.txt": "Another text.\n"},
        [
            "data/sources/doc_b.txt: source text has no metadata file; add a .yaml beside it naming "
            "it as file_name [missing-metadata]"
        ],
    ),
    "metadata naming a missing text": (
        edit("sources/doc_a.yaml", "file_name: doc_a.txt", "file_name: doc_c.txt"),
        [
            "data/sources/doc_a.txt: source text has no metadata file; add a .yaml beside it "
            "naming it as file_name [missing-metadata]",
            "data/sources/doc_a.yaml:2:12: documents:doc-a file_name: 'doc_c.txt' is not a file in "
            "data/sources/ [missing-file]",
        ],
    ),
    "duplicate key": (
        edit("records/topics/test.yaml", "label: Tariffs", "label: Tariffs\n  label: Duties"),
        [
            "data/records/topics/test.yaml:3:3: topics:tariffs label: duplicate key 'label' (first "
            "given on line 2) [duplicate-key]",
        ],
    ),
    "alias": (
        edit("records/topics/test.yaml", "label: Tariffs", "label: &a Tariffs\n  note: *a"),
        [
            "data/records/topics/test.yaml:2:10: topics:tariffs note: anchors and aliases are not "
            "allowed in data files [yaml-alias]",
        ],
    ),
    "tag constructing a Python object": (
        edit(
            "records/topics/test.yaml",
            "label: Tariffs",
            "label: !!python/object/apply:os.system [ls]",
        ),
        [
            "data/records/topics/test.yaml:2:10: topics:tariffs label: YAML tag "
            "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; write plain data "
            "[yaml-tag]",
        ],
    ),
    "unknown table folder": (
        {"records/events/x.yaml": "- a: 1\n"},
        [
            "data/records/events: unknown table folder; expected one of: actors, roles, topics, "
            "meetings, meeting_participants, statements, positions, discrepancies, references "
            "[unknown-table]"
        ],
    ),
    "file not a list": (
        {"records/topics/test.yaml": "topic_id: tariffs\n"},
        ["data/records/topics/test.yaml:1: expected a list of topics records [file-shape]"],
    ),
    "empty file": (
        {"records/topics/test.yaml": "\n"},
        ["data/records/topics/test.yaml: file is empty [empty-file]"],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_rule_reports_file_line_record_field_and_expectation(
    tmp_path: Path, name: str
) -> None:
    changes, expected = CASES[name]
    data = write_corpus(tmp_path, changes)
    with pytest.raises(DataInvalid) as caught:
        build(data)
    assert [str(v) for v in caught.value.violations] == expected


def test_the_unbroken_corpus_builds(corpus_root: Path) -> None:
    corpus = build(corpus_root / "data")
    assert {t: d.num_rows for t, d in corpus.tables.items()} == {
        "documents": 1,
        "passages": 1,
        "actors": 2,
        "roles": 1,
        "topics": 1,
        "meetings": 1,
        "meeting_participants": 2,
        "statements": 1,
        "positions": 1,
        "discrepancies": 1,
        "evidence": 10,
        "references": 1,
        "citations": 1,
    }


def test_non_utf8_bytes_are_reported_with_their_line(tmp_path: Path) -> None:
    data = write_corpus(tmp_path)
    (data / "records/topics/test.yaml").write_bytes(
        b"- topic_id: tariffs\n  label: Tar\xffiffs\n  description: x\n"
    )
    with pytest.raises(DataInvalid) as caught:
        build(data)
    assert [str(v) for v in caught.value.violations] == [
        "data/records/topics/test.yaml:2:13: byte 0xff at offset 32 is not UTF-8; save the file as "
        "UTF-8 [encoding]"
    ]


def test_all_violations_are_reported_in_one_run(tmp_path: Path) -> None:
    changes = {
        **edit("records/statements/test.yaml", "speaker_id: alpha", "speaker_id: gamma"),
        **edit("records/meetings/test.yaml", "kind: meeting", "kind: summit"),
        **edit(
            "records/positions/test.yaml",
            "quote: Beta said tariffs would stay",
            "quote: Beta said nothing",
        ),
    }
    data = write_corpus(tmp_path, changes)
    with pytest.raises(DataInvalid) as caught:
        build(data)
    # the records that could be read are checked too (the dangling speaker), while what
    # follows from a rejected record (references to the meeting) is not reported again
    assert [(v.file, v.code) for v in caught.value.violations] == [
        ("data/records/meetings/test.yaml", "enum"),
        ("data/records/positions/test.yaml", "quote"),
        ("data/records/statements/test.yaml", "foreign-key"),
    ]
    fixed = write_corpus(
        tmp_path / "again",
        {
            **edit("records/statements/test.yaml", "speaker_id: alpha", "speaker_id: gamma"),
            **edit("records/roles/test.yaml", "actor_id: alpha", "actor_id: delta"),
        },
    )
    with pytest.raises(DataInvalid) as caught:
        build(fixed)
    assert [(v.record, v.field, v.code) for v in caught.value.violations] == [
        ("roles:alpha-minister", "actor_id", "foreign-key"),
        ("statements:alpha-frank", "speaker_id", "foreign-key"),
    ]


def test_a_cited_reference_dates_a_record(tmp_path: Path) -> None:
    """A date that rests on a reference builds, with its citation and its EDTF columns."""
    changes = edit("records/meetings/test.yaml", "date_basis: stated", "date_basis: reference")
    write_corpus(tmp_path, changes)
    corpus = build(tmp_path / "data")
    (citation,) = corpus.tables["citations"].to_pylist()
    assert (citation["record_type"], citation["record_id"], citation["field"],
            citation["reference_id"]) == ("meetings", "alpha-beta-geneva", "date", "wire-geneva")
    assert citation["citation_id"].startswith("ci-")
    (meeting,) = corpus.tables["meetings"].to_pylist()
    assert (meeting["date_edtf"], str(meeting["date_earliest"]), str(meeting["date_latest"]),
            meeting["date_precision"], meeting["date_basis"]) == (
        "2025-03-03", "2025-03-03", "2025-03-03", "day", "reference")
    (reference,) = corpus.tables["references"].to_pylist()
    assert (reference["published_edtf"], str(reference["published_earliest"])) == (
        "2025-03-03", "2025-03-03")


def test_an_open_start_is_stored_as_null_not_invented(tmp_path: Path) -> None:
    changes = edit("records/statements/test.yaml", 'date: "2025-03-03"', 'date: "../2025-03-03"')
    write_corpus(tmp_path, changes)
    (statement,) = build(tmp_path / "data").tables["statements"].to_pylist()
    assert (statement["date_earliest"], str(statement["date_latest"]),
            statement["date_precision"]) == (None, "2025-03-03", "interval")
