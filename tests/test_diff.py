"""Diffs between versions, the release notes made from them, and ids that never vanish.

Two small corpora differ by one topic added (power), one removed and retired (energy,
replaced by power) and one changed (tariffs, relabelled): the diff, the release's
changes.json and its changelog section are asserted exactly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FILES, write_corpus
from release_server import ReleaseServer

from usc_events.build.builder import build
from usc_events.errors import DataInvalid, DiffError, NotFound
from usc_events.query.corpus import Corpus
from usc_events.releases.diff import diff
from usc_events.releases.diff_report import changelog_section, render
from usc_events.releases.make import make_release
from usc_events.schema.names import version_key
from usc_events.store.parquet import write

TOPICS = FILES["records/topics/test.yaml"]
ENERGY = "- topic_id: energy\n  label: Energy\n  description: Oil, gas and power.\n"
POWER = "- topic_id: power\n  label: Power\n  description: Electricity and its grids.\n"
RETIRED = """\
- table: topics
  id: energy
  retired_in: 0.2.0
  replaced_by: power
  reason: renamed for electricity only
"""
CHANGELOG = """\
# Changelog

## [0.2.0] - 2025-03-10

### Changed
- Energy is now Power; Tariffs is now Duties.

## [0.1.0] - 2025-03-04

### Added
- First release of the test corpus.
"""
EMPTY = {"added": [], "removed": [], "changed": {}, "columns_added": [], "columns_removed": []}


def _write(root: Path, version: str, topics: str, retired: str | None = None) -> Path:
    changes: dict[str, str | None] = {"dataset.yaml": f"version: {version}\n",
                                      "records/topics/test.yaml": topics}
    if retired is not None:
        changes["retired.yaml"] = retired
    return write_corpus(root, changes)


def _tables(root: Path, name: str, data: Path) -> Path:
    write(build(data), root / name)
    return root / name


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """0.1.0 released into tmp/releases; data/ then edited to 0.2.0 with retired.yaml."""
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    first = _tables(tmp_path, "tables-0.1.0", _write(tmp_path, "0.1.0", TOPICS + ENERGY))
    make_release(tmp_path / "releases", first, tmp_path / "CHANGELOG.md")
    relabelled = TOPICS.replace("label: Tariffs", "label: Duties")
    _tables(tmp_path, "tables-0.2.0", _write(tmp_path, "0.2.0", relabelled + POWER, RETIRED))
    return tmp_path


def test_the_diff_lists_the_added_the_retired_and_the_changed_record(released: Path) -> None:
    result = diff(released / "releases" / "0.1.0", released / "tables-0.2.0",
                  releases=released / "releases")
    assert result.tables["topics"] == {
        "added": ["power"],
        "removed": [{"id": "energy", "replaced_by": "power",
                     "reason": "renamed for electricity only"}],
        "changed": {"tariffs": {"label": {"old": "Tariffs", "new": "Duties"}}},
        "columns_added": [], "columns_removed": [],
    }
    assert all(changes == EMPTY for table, changes in result.tables.items() if table != "topics")
    assert result.support == {}
    assert result.counts()["topics"] == {"added": 1, "removed": 1, "changed": 1,
                                         "support_changed": 0}
    assert render(result, "text").splitlines()[2:] == [
        "topics: 1 added, 1 removed, 1 changed",
        "  + power",
        "  - energy (replaced by power)",
        "  ~ tariffs",
        '      label: "Tariffs" → "Duties"',
    ]
    markdown = render(result, "markdown")
    assert "## topics: 1 added, 1 removed, 1 changed" in markdown
    assert '    - `label`: "Tariffs" → "Duties"' in markdown
    assert json.loads(render(result, "json"))["tables"]["topics"]["added"] == ["power"]


def test_evidence_and_citations_are_reported_under_their_record(tmp_path: Path) -> None:
    old = _tables(tmp_path, "old", write_corpus(tmp_path / "a"))
    meetings = FILES["records/meetings/test.yaml"]
    changed = meetings.replace("quote: Alpha Minister met Beta Envoy in Geneva on 3 March 2025",
                               "quote: Alpha Minister met Beta Envoy in Geneva")
    new = _tables(tmp_path, "new", write_corpus(tmp_path / "b", {
        "records/meetings/test.yaml": changed}))
    result = diff(old, new)
    record = result.support["meetings:alpha-beta-geneva"]
    assert [e["quote"] for e in record["evidence_added"]] == [
        "Alpha Minister met Beta Envoy in Geneva"]
    assert [e["quote"] for e in record["evidence_removed"]] == [
        "Alpha Minister met Beta Envoy in Geneva on 3 March 2025"]
    assert list(result.support) == ["meetings:alpha-beta-geneva"]


def test_a_build_against_itself_has_no_change(tmp_path: Path) -> None:
    tables = _tables(tmp_path, "tables", write_corpus(tmp_path))
    assert diff(tables, tables).empty
    run = subprocess.run([sys.executable, "-m", "usc_events.cli", "diff", str(tables),
                          str(tables)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("No changes.")


def test_by_default_the_last_release_is_compared_with_the_current_build() -> None:
    releases = Path(__file__).parent.parent / "releases"
    result = diff(releases=releases)
    built = result.new.manifest["dataset_version"]
    listed = json.loads((releases / "versions.json").read_text(encoding="utf-8"))["versions"]
    before = max((v for v in listed if version_key(v) < version_key(built)), key=version_key)
    assert (result.old.version, result.new.kind, result.new.version) == (before, "build", built)
    # The build is what its release holds: the release's own changes.json says the same.
    if built in listed:
        released = json.loads((releases / built / "changes.json").read_text(encoding="utf-8"))
        assert result.tables == released["tables"]
    # From 0.1.0 on: a statement added, none removed.
    first = diff("0.1.0", releases=releases)
    assert first.tables["statements"]["added"] == ["transition-team-han-vance-topics-paraphrase"]
    assert all(not t["removed"] for t in first.tables.values())


def test_the_release_writes_changes_json_and_the_changelog_section(released: Path) -> None:
    made = make_release(released / "releases", released / "tables-0.2.0",
                        released / "CHANGELOG.md")
    changes = json.loads((made.folder / "changes.json").read_text(encoding="utf-8"))
    assert changes["tables"]["topics"]["added"] == ["power"]
    assert changes["old"]["dataset_version"] == "0.1.0"
    # The release's own file names no folder of the machine that made it.
    assert changes["old"]["label"] == "release 0.1.0"
    assert str(released) not in (made.folder / "changes.json").read_text(encoding="utf-8")
    section = (
        "### Record changes\n\n"
        "Generated by `usc-events release` from the records of 0.1.0 and 0.2.0; "
        "`changes.json` in the release lists every field.\n\n"
        "| table | added | removed | changed | evidence or citations changed |\n"
        "|---|---:|---:|---:|---:|\n"
        "| topics | 1 | 1 | 1 | 0 |\n\n"
        "- topics: added `power`; removed `energy (replaced by power)`; changed `tariffs`.")
    text = (released / "CHANGELOG.md").read_text(encoding="utf-8")
    assert ("### Changed\n- Energy is now Power; Tariffs is now Duties.\n\n" + section
            + "\n\n## [0.1.0]") in text
    release = json.loads((made.folder / "release.json").read_text(encoding="utf-8"))
    assert release["changes"].endswith(section)
    # Releasing again writes nothing and leaves the changelog as it is.
    again = make_release(released / "releases", released / "tables-0.2.0",
                         released / "CHANGELOG.md")
    assert not again.written
    assert (released / "CHANGELOG.md").read_text(encoding="utf-8") == text
    assert changelog_section(diff(made.folder, made.folder)).endswith(
        "No record was added, removed or changed.")


def test_an_id_of_the_last_release_cannot_vanish_unlisted(released: Path) -> None:
    _write(released, "0.2.0", TOPICS + POWER)
    (released / "data" / "retired.yaml").unlink()
    with pytest.raises(DataInvalid) as caught:
        build(released / "data")
    assert [str(v) for v in caught.value.violations] == [
        "data/retired.yaml: topics:energy: this id of release 0.1.0 is gone, and retired.yaml "
        "does not list it; restore the record, or list it: table: topics, id: energy, "
        "retired_in: 0.2.0, replaced_by: <id or null>, reason: <why> [retired-missing]"]


def test_a_retired_id_cannot_come_back(released: Path) -> None:
    _write(released, "0.2.0", TOPICS + ENERGY + POWER, RETIRED)
    with pytest.raises(DataInvalid) as caught:
        build(released / "data")
    assert [str(v) for v in caught.value.violations] == [
        "data/records/topics/test.yaml:4: topics:energy: this id was retired in 0.2.0 and "
        "cannot come back; see data/retired.yaml:1; give the record a new id [retired-reused]"]


def test_a_malformed_retired_entry_is_located(released: Path) -> None:
    bad = RETIRED.replace("  reason: renamed for electricity only\n", "  why: renamed\n")
    _write(released, "0.2.0", TOPICS + POWER, bad)
    with pytest.raises(DataInvalid) as caught:
        build(released / "data")
    assert [str(v) for v in caught.value.violations] == [
        "data/retired.yaml:1: 0.reason: reason is required [retired-entry]",
        "data/retired.yaml:5: 0.why: unknown key 'why'; expected table, id, retired_in, "
        "replaced_by, reason [retired-entry]"]


def test_a_lookup_of_a_retired_id_says_what_replaced_it(released: Path) -> None:
    corpus = Corpus.from_folder(released / "tables-0.2.0", backend="arrow")
    with pytest.raises(NotFound, match=r"^no record in any table has the id 'energy': "
                       r"topics:energy was retired in data version 0.2.0, replaced by "
                       r"topics:power \(renamed for electricity only\)$"):
        corpus.record("energy")
    with pytest.raises(NotFound, match="replaced by topics:power"):
        corpus.record("energy", "topics")
    with pytest.raises(NotFound, match=r"^no topic has the id 'energy': topics:energy was "
                       r"retired in data version 0\.2\.0, replaced by topics:power"):
        corpus.resolve_topic("energy")
    assert corpus.resolve_topic("power") == "power"


def _cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "usc_events.cli", "diff", *args],
                          capture_output=True, text=True, check=False, cwd=cwd,
                          env={**os.environ, **(env or {})})


def test_bad_arguments_are_one_line_and_exit_2(released: Path) -> None:
    folder = _cli(str(released / "data"), str(released / "tables-0.2.0"))
    assert folder.returncode == 2
    assert folder.stderr.strip() == (f"error: OLD: {released / 'data'} is neither a build "
                                     "(no manifest.json) nor a release (no versions.json)")
    nothing = _cli("no-such-thing")
    assert (nothing.returncode, nothing.stderr.strip()) == (2, (
        "error: OLD: 'no-such-thing' is neither a data version (such as 0.1.0) nor a folder"))
    fmt = _cli("--format", "yaml")
    assert fmt.returncode == 2 and "choose text, json, markdown" in fmt.stderr
    # Two builds of different schema versions.
    other = released / "other-schema"
    other.mkdir()
    for path in (released / "tables-0.2.0").iterdir():
        other.joinpath(path.name).write_bytes(path.read_bytes())
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["schema_version"] = "9.0.0"
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DiffError, match="builds of different schema versions"):
        diff(released / "tables-0.2.0", other)
    schema = _cli(str(released / "tables-0.2.0"), str(other))
    assert schema.returncode == 2 and schema.stderr.count("\n") == 1
    # An unknown version: not in the local release folder, nor on the server.
    with ReleaseServer(released / "releases") as server:
        unknown = _cli("7.7.7", str(released / "tables-0.2.0"), "--releases",
                       str(released / "releases"),
                       env={"USC_EVENTS_DATA_URL": server.url,
                            "USC_EVENTS_CACHE_DIR": str(released / "cache")})
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: OLD: ") and "7.7.7" in unknown.stderr
    assert unknown.stderr.count("\n") == 1
