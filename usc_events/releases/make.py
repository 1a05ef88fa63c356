"""Pack the built tables as a versioned data release.

A release folder holds one sub-folder per data version and an index::

    DIR/versions.json          the versions, the latest, the sha256 of each release.json
    DIR/0.1.0/release.json     versions, creation time, and sha256 and size of every file
    DIR/0.1.0/manifest.json    the build manifest (rows and hashes per table)
    DIR/0.1.0/*.parquet        the tables
    DIR/0.1.0/datapackage.json Frictionless Data Package
    DIR/0.1.0/croissant.json   Croissant JSON-LD (with its publication date)
    DIR/0.1.0/changes.json     the record-level diff from the previous release

Serve ``DIR`` over HTTP(S) and point ``USC_EVENTS_DATA_URL`` at it; see
:mod:`usc_events.releases.download`. Released versions are immutable: releasing a version
again with other content is refused, so a version cited in a paper always means
the same bytes. Data versions follow semantic versioning, a breaking schema
change needs a new major version, and each version needs its changelog entry; the
release adds a generated "Record changes" section to that entry (counts per table and
the ids changed, from the diff with the previous release).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usc_events._files import replace_folder, sha256_of, write_atomically
from usc_events.errors import ReleaseError, TableCorrupt
from usc_events.releases.diff_report import changelog_section
from usc_events.releases.notes import entry_in, with_record_changes
from usc_events.releases.record_diff import Diff, Side, compare, folder_side
from usc_events.schema.names import version_key
from usc_events.store.manifest import MANIFEST, read_manifest, verify_all

RELEASE_MANIFEST = "release.json"
#: The record-level changes from the previous release, beside the manifest.
CHANGES = "changes.json"
INDEX = "versions.json"
FORMAT = 1


@dataclass(frozen=True)
class Release:
    """What :func:`make_release` did."""

    version: str
    folder: Path
    files: Mapping[str, Mapping[str, Any]]
    latest: str
    #: False when the version was already released with the same tables (nothing written).
    written: bool






def changelog_entry(changelog: Path, version: str) -> str:
    """The text of the changelog section headed by ``version``.

    A section starts at a level-2 or level-3 heading that names the version, as in
    ``## [0.2.0] - 2025-02-01`` or ``## Data 0.2.0``, and runs to the next heading of
    the same or a higher level.

    Raises
    ------
    ReleaseError
        When the file is missing or has no such section.
    """
    return entry_in(_read_changelog(changelog), version, changelog.name)


def _read_changelog(changelog: Path) -> str:
    try:
        return changelog.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReleaseError(f"{changelog.name}: not found; a release needs a changelog entry "
                           f"for its version (pass --changelog)") from None


def _record_changes(index: Mapping[str, Any], out_dir: Path, tables_dir: Path,
                    manifest: Mapping[str, Any]) -> Diff:
    """The diff from the newest release before this version (or from nothing) to the tables."""
    version = manifest["dataset_version"]
    earlier = [v for v in index["versions"] if version_key(v) < version_key(version)]
    new = Side(f"data version {version}", tables_dir, "release", manifest)
    if earlier:
        # Named by its version alone: the release's files name no folder of the machine.
        previous = folder_side("OLD", out_dir / max(earlier, key=version_key))
        old = dataclasses.replace(previous, label=f"release {previous.version}")
    else:
        old = Side("no earlier release", out_dir, "release",
                   {"dataset_version": "none", "schema_version": manifest["schema_version"],
                    "tables": {}})
    return compare(old, new)


def read_index(path: Path) -> dict[str, Any]:
    """The release index at ``path``; an empty index when the file does not exist."""
    if not path.is_file():
        return {"format": FORMAT, "latest": None, "versions": {}}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReleaseError(f"{path.name}: not valid JSON ({error.msg} at line {error.lineno})") \
            from None
    check_index(index, path.name)
    return index  # type: ignore[no-any-return]


def check_index(index: Any, name: str) -> None:
    """Raise :class:`ReleaseError` unless ``index`` has the shape of a release index."""
    if not isinstance(index, dict) or not isinstance(index.get("versions"), dict):
        raise ReleaseError(f"{name}: not a release index (expected an object with 'versions')")
    for version, entry in index["versions"].items():
        try:
            version_key(version)
        except ValueError as error:
            raise ReleaseError(f"{name}: {error}") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise ReleaseError(f"{name}: version {version} has no sha256 of its {RELEASE_MANIFEST}")


def _latest(versions: Mapping[str, Any]) -> str | None:
    return max(versions, key=version_key) if versions else None


def _created(now: dt.datetime | None) -> str:
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        now = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit()
               else dt.datetime.now(dt.UTC))
    return now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _read_build_manifest(tables_dir: Path) -> dict[str, Any]:
    """The manifest of the built tables, every file verified: a release is made of them."""
    try:
        manifest = read_manifest(tables_dir, f"the tables folder {tables_dir.name}/")
        verify_all(tables_dir, manifest)
    except TableCorrupt as error:
        raise ReleaseError(str(error)) from None
    return manifest


def _check_breaking_change(index: Mapping[str, Any], version: str, schema_version: str) -> None:
    earlier = [v for v in index["versions"] if version_key(v) < version_key(version)]
    if not earlier:
        return
    previous = max(earlier, key=version_key)
    before = index["versions"][previous].get("schema_version")
    if not before:
        return
    if version_key(schema_version)[0] > version_key(before)[0] \
            and version_key(version)[0] == version_key(previous)[0]:
        raise ReleaseError(
            f"data version {version}: the schema changes from {before} (in {previous}) to "
            f"{schema_version}, a breaking change; the data version must be a new major "
            f"version ({version_key(previous)[0] + 1}.0.0)")


def _write_json(path: Path, value: Any) -> None:
    write_atomically(path, json.dumps(value, indent=2, sort_keys=True) + "\n")


def make_release(
    out_dir: Path,
    tables_dir: Path | None = None,
    changelog: Path = Path("CHANGELOG.md"),
    created: dt.datetime | None = None,
) -> Release:
    """Pack the tables of ``tables_dir`` as a release in ``out_dir``.

    Parameters
    ----------
    out_dir:
        The release folder; created if needed. Earlier releases in it are kept and
        its ``versions.json`` gains the new version.
    tables_dir:
        A folder written by ``usc-events build`` (tables, ``manifest.json``,
        ``datapackage.json``); by default the tables shipped in the package.
    changelog:
        The changelog, which must have an entry for the data version.
    created:
        The creation time to record; by default now (or ``SOURCE_DATE_EPOCH``).

    Raises
    ------
    ReleaseError
        When the tables do not match their manifest, the metadata is stale, the
        changelog has no entry, a breaking schema change comes without a major
        version, or the version was released before with other tables.
    """
    from usc_events._version import __version__
    from usc_events.store.load import bundled_folder as data_dir
    from usc_events.store.metadata import CROISSANT, DATAPACKAGE, croissant, datapackage

    tables_dir = (tables_dir or data_dir()).resolve()
    manifest = _read_build_manifest(tables_dir)
    version, schema_version = manifest["dataset_version"], manifest["schema_version"]
    packaged = tables_dir / DATAPACKAGE
    expected = datapackage(manifest)
    if not packaged.is_file() or json.loads(packaged.read_text(encoding="utf-8")) != expected:
        raise ReleaseError(f"{DATAPACKAGE}: missing or out of date in {tables_dir.name}/; "
                           "run 'usc-events build' first")
    changelog_text = _read_changelog(changelog)
    entry_in(changelog_text, version, changelog.name)

    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    index = read_index(out_dir / INDEX)
    target = out_dir / version
    manifest_sha = sha256_of(tables_dir / MANIFEST)
    if version in index["versions"]:
        released = _released_files(target)
        if released.get(MANIFEST, {}).get("sha256") == manifest_sha:
            return Release(version, target, released, index["latest"], written=False)
        raise ReleaseError(f"data version {version} is already released in {out_dir.name}/ with "
                           "other tables; a released version never changes: raise the version "
                           "in data/dataset.yaml and add its changelog entry")
    if target.exists():
        raise ReleaseError(f"{out_dir.name}/{version}/ exists but {INDEX} does not list it; "
                           "remove that folder and release again")
    _check_breaking_change(index, version, schema_version)
    record_changes = _record_changes(index, out_dir, tables_dir, manifest)
    changelog_text = with_record_changes(changelog_text, version,
                                         changelog_section(record_changes), changelog.name)
    changes = entry_in(changelog_text, version, changelog.name)

    stamp = _created(created)

    def fill(staging: Path) -> None:
        names = [entry["file"] for entry in manifest["tables"].values()]
        for name in [*names, MANIFEST, DATAPACKAGE]:
            shutil.copyfile(tables_dir / name, staging / name)
        (staging / CROISSANT).write_text(
            json.dumps(croissant(manifest, date_published=stamp[:10]), indent=2,
                       ensure_ascii=False) + "\n", encoding="utf-8")
        _write_json(staging / CHANGES, record_changes.as_dict())
        files = {path.name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
                 for path in sorted(staging.iterdir())}
        release = {
            "format": FORMAT,
            "dataset_version": version,
            "schema_version": schema_version,
            "package_version": __version__,
            "created": stamp,
            "changes": changes,
            "files": files,
        }
        _write_json(staging / RELEASE_MANIFEST, release)

    replace_folder(target, fill, prefix=f".staging-{version}-")
    index["versions"][version] = {
        "path": f"{version}/{RELEASE_MANIFEST}",
        "sha256": sha256_of(target / RELEASE_MANIFEST),
        "schema_version": schema_version,
        "created": stamp,
    }
    index["format"] = FORMAT
    index["latest"] = _latest(index["versions"])
    _write_json(out_dir / INDEX, index)
    if changelog.read_text(encoding="utf-8") != changelog_text:
        write_atomically(changelog, changelog_text)
    return Release(version, target, _released_files(target), index["latest"], written=True)


def _released_files(folder: Path) -> dict[str, Any]:
    try:
        release = json.loads((folder / RELEASE_MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    files = release.get("files", {})
    return files if isinstance(files, dict) else {}


__all__ = ["CHANGES", "INDEX", "RELEASE_MANIFEST", "Release", "ReleaseError", "make_release",
           "version_key"]
