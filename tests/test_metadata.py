"""Metadata other tools read: datapackage.json (frictionless), croissant.json (mlcroissant),
CITATION.cff (the CFF 1.2.0 schema, and cffconvert where it is installed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from release_server import built_tables, changelog

from usc_events.build.builder import build
from usc_events.releases.make import make_release
from usc_events.schema.columns import columns, model
from usc_events.schema.models import TABLE_MODELS
from usc_events.store.load import bundled_folder as data_dir
from usc_events.store.metadata import (
    LICENSE_ID,
    TITLE,
    datapackage,
    stale_metadata,
    xsd_pattern,
)
from usc_events.store.parquet import compare

ROOT = Path(__file__).resolve().parents[1]
CFF_SCHEMA = Path(__file__).resolve().parent / "data" / "cff-schema-1.2.0.json"


def _validate(descriptor: Path) -> Any:
    from frictionless import validate

    return validate(str(descriptor))


def _errors(report: Any) -> list[tuple[str, str, str]]:
    """Every error of the report: of the package itself and of each table."""
    return [("package", error.type, error.message) for error in report.errors] + [
        (task.name, error.type, error.message) for task in report.tasks for error in task.errors]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_tables(tmp_path_factory.mktemp("metadata"))


def _resource(package: dict[str, Any], name: str) -> dict[str, Any]:
    (resource,) = [r for r in package["resources"] if r["name"] == name]
    found: dict[str, Any] = resource
    return found


# --- datapackage.json -----------------------------------------------------------------------


def test_frictionless_validates_the_built_package_with_zero_errors(tables: Path) -> None:
    report = _validate(tables / "datapackage.json")
    assert _errors(report) == []
    assert report.valid
    assert report.stats["tasks"] == len(TABLE_MODELS)


def test_frictionless_enforces_the_declared_keys_and_constraints(
    tables: Path, tmp_path: Path
) -> None:
    """The validator reads the declarations: point one at the wrong target, and it fails."""
    package = json.loads((tables / "datapackage.json").read_text())
    roles = _resource(package, "roles")["schema"]
    roles["foreignKeys"][0]["reference"] = {"resource": "topics", "fields": ["topic_id"]}
    (kind,) = [f for f in _resource(package, "meetings")["schema"]["fields"] if f["name"] == "kind"]
    kind["constraints"]["enum"] = ["phone_call"]
    (actor,) = [f for f in _resource(package, "actors")["schema"]["fields"]
                if f["name"] == "actor_id"]
    actor["constraints"]["pattern"] = "[a-z]"
    copy = tmp_path / "tables"
    shutil.copytree(tables, copy)
    broken = copy / "datapackage.json"
    broken.write_text(json.dumps(package))
    found = {(name, kind) for name, kind, _ in _errors(_validate(broken))}
    assert found == {("roles", "foreign-key"), ("meetings", "constraint-error"),
                     ("actors", "constraint-error")}


def test_every_table_column_key_and_reference_is_declared(tables: Path) -> None:
    package = json.loads((tables / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == list(TABLE_MODELS)
    for table in TABLE_MODELS:
        resource = _resource(package, table)
        schema = resource["schema"]
        cols = columns(table)
        assert resource["path"] == f"{table}.parquet"
        assert resource["description"] == model(table).about
        assert [f["name"] for f in schema["fields"]] == [c.name for c in cols]
        assert schema["primaryKey"] == [model(table).primary_key]
        declared = {fk["fields"][0]: fk["reference"] for fk in schema.get("foreignKeys", [])}
        assert declared == {
            c.name: {"resource": c.foreign_key, "fields": [model(c.foreign_key).primary_key]}
            for c in cols if c.foreign_key and not c.is_list
        }
        for column, field in zip(cols, schema["fields"], strict=True):
            constraints = field.get("constraints", {})
            assert field["description"].startswith(column.description)
            assert constraints.get("required", False) is (not column.nullable)
            if column.enum and not column.is_list:
                assert constraints["enum"] == list(column.enum)
            if column.pattern and not column.is_list:
                assert constraints["pattern"] == xsd_pattern(column.pattern)
            if column.is_list and column.foreign_key:
                assert "a list column cannot be declared as a foreign key" in field["description"]
    fields = {f["name"]: f for f in _resource(package, "evidence")["schema"]["fields"]}
    assert "table named in record_type" in fields["record_id"]["description"]
    assert fields["document_id"]["name"] in {
        fk["fields"][0] for fk in _resource(package, "evidence")["schema"]["foreignKeys"]}


def test_the_package_states_the_licence_and_the_publishers_rights(tables: Path) -> None:
    package = json.loads((tables / "datapackage.json").read_text())
    assert [licence["name"] for licence in package["licenses"]] == [LICENSE_ID]
    assert "remain the property of their publishers" in package["description"]
    manifest = json.loads((tables / "manifest.json").read_text())
    assert package["version"] == manifest["dataset_version"]
    assert package == datapackage(manifest)


@pytest.mark.parametrize(
    ("pattern", "xsd"),
    [
        (r"^[a-z0-9]+(?:-[a-z0-9]+)*$", r"[a-z0-9]+(-[a-z0-9]+)*"),
        (r"^Q[1-9][0-9]*$", r"Q[1-9][0-9]*"),
        (r"^cost \$", r"cost \$"),
    ],
)
def test_patterns_are_written_in_xml_schema_syntax(pattern: str, xsd: str) -> None:
    assert xsd_pattern(pattern) == xsd


def test_build_check_reports_missing_or_stale_metadata(tables: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tables"
    shutil.copytree(tables, copy)
    corpus = build(tables.parent / "data")
    assert compare(corpus, copy) == []
    package = json.loads((copy / "datapackage.json").read_text())
    package["resources"][0]["schema"]["fields"][0]["description"] = "edited by hand"
    (copy / "datapackage.json").write_text(json.dumps(package))
    (copy / "croissant.json").unlink()
    assert compare(corpus, copy) == [
        "datapackage.json is out of date with manifest.json and the table definitions; run "
        "'usc-events build'",
        "croissant.json is missing; run 'usc-events build'",
    ]


def test_the_shipped_metadata_matches_the_shipped_tables() -> None:
    manifest_path = data_dir() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert stale_metadata(data_dir(), manifest) == []
    assert _errors(_validate(data_dir() / "datapackage.json")) == []


# --- croissant.json -------------------------------------------------------------------------


def test_croissant_is_valid_and_reads_every_table(tables: Path, tmp_path: Path) -> None:
    mlc = pytest.importorskip("mlcroissant")
    manifest = json.loads((tables / "manifest.json").read_text())
    dataset = mlc.Dataset(str(tables / "croissant.json"))
    assert dataset.metadata.ctx.issues.errors == set()
    for table in TABLE_MODELS:
        rows = list(dataset.records(table))
        assert len(rows) == manifest["tables"][table]["rows"]
        if rows:
            assert set(rows[0]) == {f"{table}/{c.name}" for c in columns(table)}
    # A release adds the publication date; then mlcroissant has nothing to warn about.
    made = make_release(tmp_path / "out", tables, changelog(tmp_path))
    released = mlc.Dataset(str(made.folder / "croissant.json"))
    assert released.metadata.ctx.issues.errors == set()
    assert released.metadata.ctx.issues.warnings == set()


# --- CITATION.cff ---------------------------------------------------------------------------


def _citation() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    """Checked against the CFF 1.2.0 JSON schema (vendored from cffconvert 2.0.0, CC-BY-4.0).

    cffconvert itself cannot share an environment with frictionless (it pins
    jsonschema<4); the next test runs it where it is installed on its own.
    """
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    citation = _citation()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(citation)] == []
    broken = {**citation, "license": "CC-BY-4"}
    assert list(validator.iter_errors(broken)), "the schema must reject an unknown licence"


def test_citation_cff_agrees_with_the_data() -> None:
    citation = _citation()
    dataset = yaml.safe_load((ROOT / "data" / "dataset.yaml").read_text(encoding="utf-8"))
    assert citation["license"] == LICENSE_ID
    assert citation["title"] == TITLE
    assert citation["type"] == "dataset"
    assert citation["version"] == dataset["version"]
    assert "publishers" in citation["message"]


def test_cffconvert_accepts_citation_cff() -> None:
    command = os.environ.get("USC_EVENTS_CFFCONVERT") or shutil.which("cffconvert")
    if command is None:
        pytest.skip("cffconvert is not installed (it needs jsonschema<4; install it on its own)")
    result = subprocess.run([command, "--validate", "-i", str(ROOT / "CITATION.cff")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
