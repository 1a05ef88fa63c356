"""CSV bulk additions, the JSON Schema files, and the templates of new records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import write_corpus
from typer.testing import CliRunner

from usc_events.build.builder import build
from usc_events.build.csv_reader import allowed_columns
from usc_events.build.layout import RECORD_TABLES
from usc_events.build.yaml_reader import read_yaml
from usc_events.cli.app import app
from usc_events.contrib.templates import contribution_kinds, schema_texts, template
from usc_events.errors import DataInvalid
from usc_events.schema.columns import contribution_model

REPO = Path(__file__).resolve().parent.parent

ACTORS_CSV = (
    "actor_id,name,kind,country,aliases,description,evidence.0.document_id,evidence.0.quote,"
    "evidence.1.document_id,evidence.1.quote\n"
    'gamma,Gamma Envoy,person,,"Gamma; G. Envoy",An envoy.,doc-a,Alpha Minister met,,\n'
    'delta,Delta Office,government_body,FR,,"An office, in Geneva.",doc-a,in Geneva,doc-a,'
    "Beta said tariffs would stay\n"
)


# --- CSV -------------------------------------------------------------------------------


def test_csv_records_build_like_yaml_ones(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, {"records/actors/bulk.csv": ACTORS_CSV})
    corpus = build(data)
    actors = {row["actor_id"]: row for row in corpus.tables["actors"].to_pylist()}
    assert actors["gamma"]["aliases"] == ["Gamma", "G. Envoy"]
    assert actors["gamma"]["country"] is None
    assert actors["delta"]["aliases"] == []
    assert actors["delta"]["description"] == "An office, in Geneva."
    evidence = [r for r in corpus.tables["evidence"].to_pylist() if r["record_id"] == "delta"]
    assert sorted(r["quote"] for r in evidence) == ["Beta said tariffs would stay", "in Geneva"]


def test_csv_errors_name_the_row_and_cell(tmp_path: Path) -> None:
    broken = ACTORS_CSV.replace("government_body,FR", "government_body,France")
    data = write_corpus(tmp_path, {"records/actors/bulk.csv": broken})
    with pytest.raises(DataInvalid) as caught:
        build(data)
    (violation,) = caught.value.violations
    assert (violation.file, violation.line, violation.column) == ("data/records/actors/bulk.csv",
                                                                  3, 36)
    assert (violation.record, violation.field, violation.value) == ("actors:delta", "country",
                                                                    "France")
    assert violation.hint == "an ISO 3166-1 alpha-2 code in capitals, e.g. 'CN' or 'US'"


def test_csv_header_problems_are_reported_together(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, {"records/topics/bulk.csv": "topic_id,lable,topic_id\nx,X,x\n"})
    with pytest.raises(DataInvalid) as caught:
        build(data)
    assert [str(v) for v in caught.value.violations] == [
        "data/records/topics/bulk.csv:1: description: required column 'description' is missing "
        "from the header; the header must include: topic_id, label, description [csv-header]",
        "data/records/topics/bulk.csv:1: label: required column 'label' is missing from the "
        "header; the header must include: topic_id, label, description [csv-header]",
        "data/records/topics/bulk.csv:1:10: lable: unknown column 'lable' for topics; did you "
        "mean 'label'? [csv-header]",
        "data/records/topics/bulk.csv:1:16: topic_id: column given twice [csv-header]",
    ]


@pytest.mark.parametrize("table", RECORD_TABLES)
def test_csv_columns_are_the_contributed_fields(table: str) -> None:
    allowed, required = allowed_columns(table)
    fields = [f for f in contribution_model(table).model_fields if f != "evidence"]
    assert allowed[: len(fields)] == fields
    assert set(required) <= set(allowed)


# --- JSON Schema files ------------------------------------------------------------------


def test_the_committed_schemas_are_what_the_command_writes(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_text("utf-8") for p in (tmp_path / "out").iterdir()}
    assert written == schema_texts()
    committed = {p.name: p.read_text("utf-8") for p in (REPO / "schemas").glob("*.json")}
    assert committed == written, "run 'usc-events schema' and commit schemas/"


def _plain(value: Any) -> Any:
    """The value as a YAML-aware editor sees it: dates and times as strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _validator(table: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schemas" / f"{table}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _shipped_files() -> list[tuple[str, Path]]:
    records = [(p.parent.name, p) for p in sorted((REPO / "data/records").glob("*/*.yaml"))]
    sources = [("documents", p) for p in sorted((REPO / "data/sources").glob("*.yaml"))]
    return records + sources


@pytest.mark.parametrize(("table", "path"), _shipped_files(), ids=lambda x: getattr(x, "name", x))
def test_shipped_contribution_files_satisfy_their_json_schema(table: str, path: Path) -> None:
    value = _plain(read_yaml(path, path.name).value)
    errors = [e.message for e in _validator(table).iter_errors(value)]
    assert errors == []


def test_the_json_schema_flags_what_the_build_refuses() -> None:
    record = {"actor_id": "Gamma", "name": "G", "kind": "persn", "country": "France",
              "description": "x", "colour": "red", "evidence": []}
    messages = sorted(e.validator for e in _validator("actors").iter_errors([record]))
    assert messages == ["additionalProperties", "anyOf", "enum", "minItems", "pattern"]


def test_record_files_point_editors_at_their_schema() -> None:
    for table, path in _shipped_files():
        if table == "documents":
            continue
        first = path.read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../../schemas/{table}.schema.json"
        assert (path.parent / "../../../schemas" / f"{table}.schema.json").resolve().is_file()


# --- templates -----------------------------------------------------------------------


@pytest.mark.parametrize("table", contribution_kinds())
def test_a_template_lists_every_field_with_a_comment(table: str) -> None:
    result = CliRunner().invoke(app, ["new", table])
    assert result.exit_code == 0
    text = result.stdout
    assert text == template(table)
    assert text.splitlines()[0].endswith(f"schemas/{table}.schema.json")
    parsed = yaml.safe_load(text)
    record = parsed if table == "documents" else parsed[0]
    assert list(record) == list(contribution_model(table).model_fields)
    for line in text.splitlines()[3:]:
        assert "  # " in line, line


def test_a_filled_in_template_builds(tmp_path: Path) -> None:
    record = yaml.safe_load(template("topics"))[0]
    record.update(topic_id="trade", label="Trade", description="Trade in goods.", evidence=[])
    data = write_corpus(tmp_path, {"records/topics/new.yaml": yaml.safe_dump([record])})
    assert "trade" in build(data).tables["topics"].column("topic_id").to_pylist()


def test_an_unknown_table_has_no_template() -> None:
    result = CliRunner().invoke(app, ["new", "event"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown table 'event'; choose one of: actors, roles")
