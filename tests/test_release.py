"""Making a release: its layout and manifest, immutability, semantic versions, the changelog."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit
from release_server import CHANGELOG, built_tables, changelog

from usc_events.releases.make import ReleaseError, changelog_entry, make_release, version_key
from usc_events.store.metadata import write_metadata


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_release_holds_every_table_its_metadata_and_a_manifest_of_hashes(tmp_path: Path) -> None:
    tables = built_tables(tmp_path)
    created = dt.datetime(2025, 3, 4, 12, 30, tzinfo=dt.UTC)
    made = make_release(tmp_path / "out", tables, changelog(tmp_path), created=created)
    folder = tmp_path / "out" / "0.1.0"
    assert made.written and made.folder == folder and made.latest == "0.1.0"
    build_manifest = json.loads((tables / "manifest.json").read_text())
    expected_files = sorted([e["file"] for e in build_manifest["tables"].values()]
                            + ["manifest.json", "datapackage.json", "croissant.json",
                               "changes.json"])
    assert sorted(p.name for p in folder.iterdir()) == sorted([*expected_files, "release.json"])
    release = json.loads((folder / "release.json").read_text())
    assert release["dataset_version"] == "0.1.0"
    assert release["schema_version"] == build_manifest["schema_version"]
    assert release["created"] == "2025-03-04T12:30:00Z"
    assert release["changes"].startswith(
        "### Added\n- First release of the test corpus.\n\n### Record changes\n")
    assert sorted(release["files"]) == expected_files
    for name, entry in release["files"].items():
        content = (folder / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        if name.endswith(".parquet") or name in ("manifest.json", "datapackage.json"):
            assert content == (tables / name).read_bytes()
    croissant = json.loads((folder / "croissant.json").read_text())
    assert croissant["datePublished"] == "2025-03-04"
    index = json.loads((tmp_path / "out" / "versions.json").read_text())
    assert index["latest"] == "0.1.0"
    assert index["versions"]["0.1.0"] == {
        "path": "0.1.0/release.json",
        "sha256": hashlib.sha256((folder / "release.json").read_bytes()).hexdigest(),
        "schema_version": build_manifest["schema_version"],
        "created": "2025-03-04T12:30:00Z",
    }


def test_releasing_the_same_tables_again_changes_nothing(tmp_path: Path) -> None:
    tables = built_tables(tmp_path)
    make_release(tmp_path / "out", tables, changelog(tmp_path))
    before = _snapshot(tmp_path / "out")
    again = make_release(tmp_path / "out", tables, changelog(tmp_path))
    assert not again.written
    assert _snapshot(tmp_path / "out") == before


def test_a_released_version_never_changes(tmp_path: Path) -> None:
    make_release(tmp_path / "out", built_tables(tmp_path / "a"), changelog(tmp_path))
    before = _snapshot(tmp_path / "out")
    other = built_tables(tmp_path / "b", "0.1.0",
                         edit("records/topics/test.yaml", "label: Tariffs", "label: Duties"))
    with pytest.raises(ReleaseError, match=r"^data version 0\.1\.0 is already released in out/ "
                                           r"with other tables; a released version never"):
        make_release(tmp_path / "out", other, changelog(tmp_path))
    assert _snapshot(tmp_path / "out") == before


def test_a_new_version_is_added_and_becomes_latest_only_if_newest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = changelog(tmp_path)
    make_release(out, built_tables(tmp_path / "b", "0.2.0"), log)
    first = make_release(out, built_tables(tmp_path / "a", "0.1.0"), log)
    assert first.written and first.latest == "0.2.0"
    index = json.loads((out / "versions.json").read_text())
    assert sorted(index["versions"]) == ["0.1.0", "0.2.0"] and index["latest"] == "0.2.0"


def test_a_version_without_a_changelog_entry_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    tables = built_tables(tmp_path, "0.3.0")
    with pytest.raises(ReleaseError) as caught:
        make_release(tmp_path / "out", tables, changelog(tmp_path))
    assert str(caught.value).startswith("CHANGELOG.md: no entry for data version 0.3.0; add a "
                                        "heading such as '## [0.3.0] - ")
    with pytest.raises(ReleaseError, match=r"^NEWS\.md: not found; a release needs a changelog"):
        make_release(tmp_path / "out", tables, tmp_path / "NEWS.md")
    assert not (tmp_path / "out").exists()


def _with_schema_version(tables: Path, schema_version: str) -> Path:
    """The same tables, claiming another schema version (manifest and metadata rewritten)."""
    manifest = json.loads((tables / "manifest.json").read_text())
    manifest["schema_version"] = schema_version
    (tables / "manifest.json").write_text(json.dumps(manifest))
    write_metadata(tables, manifest)
    return tables


def test_a_breaking_schema_change_needs_a_new_major_version(tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "CHANGELOG.md"
    log.write_text(CHANGELOG + "\n## [1.0.0]\n- Schema 2.\n", encoding="utf-8")
    make_release(out, _with_schema_version(built_tables(tmp_path / "a", "0.1.0"), "1.0.0"), log)
    minor = _with_schema_version(built_tables(tmp_path / "b", "0.2.0"), "2.0.0")
    with pytest.raises(ReleaseError) as caught:
        make_release(out, minor, log)
    assert str(caught.value) == (
        "data version 0.2.0: the schema changes from 1.0.0 (in 0.1.0) to 2.0.0, a breaking "
        "change; the data version must be a new major version (1.0.0)")
    assert not (out / "0.2.0").exists()
    major = _with_schema_version(built_tables(tmp_path / "c", "1.0.0"), "2.0.0")
    assert make_release(out, major, log).latest == "1.0.0"
    compatible = _with_schema_version(built_tables(tmp_path / "d", "0.2.0"), "1.1.0")
    assert make_release(out, compatible, log).written


def test_tables_that_do_not_match_their_manifest_are_not_released(tmp_path: Path) -> None:
    tables = built_tables(tmp_path)
    (tables / "roles.parquet").write_bytes(b"damaged")
    with pytest.raises(ReleaseError, match=r"^roles\.parquet: sha256 is [0-9a-f]{64}, but "
                                           r"manifest\.json records [0-9a-f]{64} for table roles"):
        make_release(tmp_path / "out", tables, changelog(tmp_path))
    assert not (tmp_path / "out").exists()


def test_stale_metadata_is_not_released(tmp_path: Path) -> None:
    tables = built_tables(tmp_path)
    (tables / "datapackage.json").write_text("{}")
    with pytest.raises(ReleaseError, match=r"^datapackage\.json: missing or out of date"):
        make_release(tmp_path / "out", tables, changelog(tmp_path))


@pytest.mark.parametrize(
    ("heading", "found"),
    [
        ("## [0.1.0] - 2025-03-04", True),
        ("## 0.1.0", True),
        ("### Data v0.1.0 (2025-03-04)", True),
        ("## [10.1.0] - 2025-03-04", False),
        ("## [0.1.01]", False),
        ("# 0.1.0", False),
        ("## [0.1.0.1]", False),
    ],
)
def test_the_changelog_entry_is_found_by_its_heading(
    tmp_path: Path, heading: str, found: bool
) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(f"# Changelog\n\n{heading}\n\n- A change.\n\n## [0.0.1]\n\n- Older.\n")
    if found:
        assert changelog_entry(path, "0.1.0") == "- A change."
    else:
        with pytest.raises(ReleaseError, match="no entry for data version"):
            changelog_entry(path, "0.1.0")


def test_versions_sort_numerically() -> None:
    assert sorted(["0.10.0", "0.9.1", "1.0.0", "0.9.0"], key=version_key) == [
        "0.9.0", "0.9.1", "0.10.0", "1.0.0"]
    with pytest.raises(ValueError, match="not a semantic version"):
        version_key("1.0")


def test_cli_release(tmp_path: Path) -> None:
    tables = built_tables(tmp_path)
    changelog(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "usc_events.cli", "release", *args],
                              cwd=tmp_path, capture_output=True, text=True, check=False)

    made = run("--out", "rel", "--tables", "tables")
    assert made.returncode == 0, made.stderr
    count = len(json.loads((tables / "manifest.json").read_text())["tables"]) + 4  # manifest, datapackage, croissant, changes
    assert made.stdout.strip().startswith(f"Released data version 0.1.0: {count} files (")
    assert (tmp_path / "rel" / "versions.json").is_file()
    again = run("--out", "rel", "--tables", "tables")
    assert again.returncode == 0
    assert "already released" in again.stdout
    (tables / "topics.parquet").write_bytes(b"x")
    damaged = run("--out", "rel2", "--tables", "tables")
    assert damaged.returncode == 1
    (line,) = damaged.stderr.splitlines()
    assert line.startswith("error: topics.parquet: sha256 is ")
    usage = run("--tables", "tables")
    assert usage.returncode == 2
