"""Rules checked on whole tables, including those YAML input cannot break (Parquet, CSV)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from usc_events.build.builder import build
from usc_events.build.finding import Finding
from usc_events.build.rules import check_corpus


@pytest.fixture
def tables(corpus_root: Path) -> dict[str, pa.Table]:
    return dict(build(corpus_root / "data").tables)


def _set(data: pa.Table, name: str, row: int, value: object) -> pa.Table:
    values = data.column(name).to_pylist()
    values[row] = value
    index = data.schema.get_field_index(name)
    return data.set_column(
        index, data.schema.field(name), pa.array(values, data.schema.field(name).type)
    )


def test_a_clean_corpus_has_no_findings(tables: dict[str, pa.Table]) -> None:
    assert check_corpus(tables) == []


def test_a_record_without_evidence(tables: dict[str, pa.Table]) -> None:
    evidence = tables["evidence"]
    tables["evidence"] = evidence.filter(
        pc.invert(pc.equal(evidence.column("record_type"), "roles"))
    )
    assert check_corpus(tables) == [
        Finding(
            "roles",
            0,
            "evidence",
            "the record has no evidence; give at least one verbatim quote",
            "no-evidence",
        )
    ]


def test_evidence_for_a_record_that_does_not_exist(tables: dict[str, pa.Table]) -> None:
    evidence = tables["evidence"]
    row = evidence.column("record_type").to_pylist().index("roles")
    tables["evidence"] = _set(evidence, "record_id", row, "nobody")
    assert Finding(
        "evidence", row, "record_id", "'nobody' is not the id of any record in roles", "foreign-key"
    ) in check_corpus(tables)


def test_offsets_that_do_not_give_the_quote(tables: dict[str, pa.Table]) -> None:
    tables["evidence"] = _set(
        tables["evidence"], "start", 0, tables["evidence"]["start"][0].as_py() + 1
    )
    (finding,) = check_corpus(tables)
    assert finding.code == "span-mismatch" and finding.row == 0
    assert finding.message.endswith("of doc-a is 'lpha Minister', not the quote")


def test_pattern_enum_and_required_on_columns(tables: dict[str, pa.Table]) -> None:
    tables["topics"] = _set(tables["topics"], "label", 0, None)
    actors = _set(tables["actors"], "country", 0, "France")
    tables["actors"] = _set(actors, "kind", 1, "alien")
    assert sorted(check_corpus(tables), key=lambda f: (f.table, f.row)) == [
        Finding(
            "actors", 0, "country", "'France' does not match the pattern ^[A-Z]{2}$", "pattern"
        ),
        Finding(
            "actors",
            1,
            "kind",
            "'alien' is not one of: person, state, government_body, "
            "political_party, company, platform, organization, group",
            "enum",
        ),
        Finding("topics", 0, "label", "a value is required", "required"),
    ]


def test_list_items_are_checked_one_by_one(tables: dict[str, pa.Table]) -> None:
    tables["actors"] = _set(tables["actors"], "aliases", 1, ["Beta", ""])
    assert check_corpus(tables) == [
        Finding("actors", 1, "aliases", "'' is shorter than 1 character(s)", "min-length")
    ]


def test_duplicate_ids_name_the_later_row(tables: dict[str, pa.Table]) -> None:
    tables["actors"] = _set(tables["actors"], "actor_id", 1, "alpha")
    findings = [f for f in check_corpus(tables) if f.code == "duplicate-id"]
    assert findings == [
        Finding(
            "actors",
            1,
            "actor_id",
            "'alpha' is already the id of an earlier record; ids must be unique",
            "duplicate-id",
        )
    ]
