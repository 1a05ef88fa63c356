"""Ids never vanish or come back: ``data/retired.yaml`` and the previous release's ids.

``data/retired.yaml`` lists the retired ids, each as a mapping::

    - table: statements
      id: transition-team-topics
      retired_in: 1.0.0
      replaced_by: transition-team-topics-quote   # an id of the same table, or null
      reason: split into the direct quote and its paraphrase

The previous release is the newest version before the one being built in the release
folder beside the data folder (``releases/versions.json``, as ``usc-events release``
writes it). The build fails when an id of that release is gone and not listed, and when
a listed id is in the build again. Evidence, citation and passage ids are derived from
spans and hashes, so they change with their content and are not kept: the diff reports
them under their records instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from usc_events._files import sha256_of
from usc_events.build.collect import Collector
from usc_events.build.layout import display_path
from usc_events.build.yaml_reader import read_yaml
from usc_events.errors import DataInvalid, Violation
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import SEMVER, version_key

RETIRED_FILE = "retired.yaml"
#: The release folder, beside the data folder.
RELEASES_FOLDER = "releases"
#: The tables whose ids are kept across releases (the others are derived from content).
KEPT_ID_TABLES: tuple[str, ...] = tuple(
    t for t in TABLE_MODELS if t not in ("evidence", "citations", "passages"))
_KEYS = ("table", "id", "retired_in", "replaced_by", "reason")
_REQUIRED = ("table", "id", "retired_in", "reason")


def read_retired(data_dir: Path, collector: Collector) -> list[dict[str, Any]]:
    """The entries of ``data/retired.yaml`` (none if there is no such file), checked."""
    path = data_dir / RETIRED_FILE
    if not path.is_file():
        return []
    display = display_path(path, data_dir)
    try:
        parsed = read_yaml(path, display)
    except DataInvalid as error:
        collector.violations.extend(error.violations)
        return []
    collector.violations.extend(p.violation(display) for p in parsed.problems)
    if not isinstance(parsed.value, list):
        collector.violations.append(Violation(
            display, 1, None, None, "expected a list of retired ids (table, id, retired_in, "
            "replaced_by, reason)", "file-shape"))
        return []
    entries: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(parsed.value):
        line = parsed.lines.get((number,), 1)

        def problem(message: str, field: str | None = None, *, at: int = line) -> None:
            collector.violations.append(Violation(display, at, None, field, message,
                                                  "retired-entry"))

        if not isinstance(item, dict):
            problem("expected a mapping with table, id, retired_in, replaced_by and reason")
            continue
        unknown = sorted(set(item) - set(_KEYS))
        missing = [k for k in _REQUIRED if not item.get(k)]
        for key in unknown:
            problem(f"unknown key {key!r}; expected {', '.join(_KEYS)}", f"{number}.{key}",
                    at=parsed.lines.get((number, key), line))
        for key in missing:
            problem(f"{key} is required", f"{number}.{key}")
        if unknown or missing:
            continue
        table, record_id = str(item["table"]), str(item["id"])
        if table not in KEPT_ID_TABLES:
            problem(f"table {table!r} is not one whose ids are kept; expected one of "
                    f"{', '.join(KEPT_ID_TABLES)}", f"{number}.table",
                    at=parsed.lines.get((number, "table"), line))
            continue
        if not isinstance(item["retired_in"], str) or not SEMVER.match(item["retired_in"]):
            collector.violations.append(Violation(
                display, parsed.lines.get((number, "retired_in"), line), None,
                f"{number}.retired_in", f"{item['retired_in']!r} is not a semantic version; "
                "expected e.g. '1.0.0'", "version"))
            continue
        if (table, record_id) in seen:
            problem(f"{table}:{record_id} is listed twice", f"{number}.id")
            continue
        seen.add((table, record_id))
        entries.append({"table": table, "id": record_id, "retired_in": item["retired_in"],
                        "replaced_by": item.get("replaced_by"), "reason": str(item["reason"]),
                        "line": line, "file": display})
    return entries


def previous_release(data_dir: Path, version: str) -> tuple[Path, str] | None:
    """The folder and version of the newest release before ``version``, if any."""
    releases = data_dir.parent / RELEASES_FOLDER
    try:
        index = json.loads((releases / "versions.json").read_text(encoding="utf-8"))
        versions = [v for v in index["versions"] if SEMVER.match(v)]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise DataInvalid([Violation(display_path(releases / "versions.json", data_dir), None,
                                     None, None, "not a release index (expected JSON with "
                                     "'versions')", "previous-release")]) from None
    if not SEMVER.match(version):
        return None
    older = [v for v in versions if version_key(v) < version_key(version)]
    if not older:
        return None
    newest = max(older, key=version_key)
    return releases / newest, newest


def release_ids(folder: Path, data_dir: Path) -> dict[str, set[str]]:
    """The ids of the kept tables of the release in ``folder``, each file verified."""
    import pyarrow.parquet as pq

    display = display_path(folder / "manifest.json", data_dir)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        tables: Mapping[str, Any] = manifest["tables"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataInvalid([Violation(display, None, None, None, f"cannot read the previous "
                                     f"release's manifest ({error})", "previous-release")]) \
            from None
    ids: dict[str, set[str]] = {}
    for table in KEPT_ID_TABLES:
        entry = tables.get(table)
        if entry is None:
            continue
        path = folder / Path(str(entry["file"])).name
        if not path.is_file() or sha256_of(path) != entry.get("sha256"):
            raise DataInvalid([Violation(display, None, None, table, f"{path.name} is missing or "
                                         "does not match the sha256 its manifest records",
                                         "previous-release")])
        key = TABLE_MODELS[table].primary_key
        # ParquetFile, not read_table: that goes through pyarrow.dataset, which imports pandas.
        keys = pq.ParquetFile(path).read(columns=[key]).column(key)
        ids[table] = {str(v) for v in keys.to_pylist()}
    return ids


def check_ids(data_dir: Path, version: str, collector: Collector,
              retired: list[dict[str, Any]]) -> None:
    """Report ids of the previous release that vanished unlisted, and retired ids reused."""
    built = {t: {str(key): i for i, key in
                 enumerate(collector.column(t, TABLE_MODELS[t].primary_key))}
             for t in KEPT_ID_TABLES}
    listed = {(e["table"], e["id"]): e for e in retired}
    for (table, record_id), entry in listed.items():
        where = built.get(table, {}).get(record_id)
        if where is None:
            continue
        origin = collector.origin(table, where)
        collector.violations.append(Violation(
            origin.file, origin.line, f"{table}:{record_id}", None,
            f"this id was retired in {entry['retired_in']} and cannot come back",
            "retired-reused", hint=f"see {entry['file']}:{entry['line']}; give the record a "
            "new id"))
    if collector.violations:  # records that could not be read would look removed
        return
    try:
        found = previous_release(data_dir, version)
        if found is None:
            return
        folder, previous = found
        ids = release_ids(folder, data_dir)
    except DataInvalid as error:
        collector.violations.extend(error.violations)
        return
    display = display_path(data_dir / RETIRED_FILE, data_dir)
    for table, known in ids.items():
        for record_id in sorted(known - built.get(table, {}).keys()):
            if (table, record_id) not in listed:
                collector.violations.append(Violation(
                    display, None, f"{table}:{record_id}", None,
                    f"this id of release {previous} is gone, and {RETIRED_FILE} does not list "
                    "it", "retired-missing",
                    hint=f"restore the record, or list it: table: {table}, id: {record_id}, "
                    f"retired_in: {version}, replaced_by: <id or null>, reason: <why>"))


def shipped(retired: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries as the manifest ships them (without where they were written)."""
    return [{k: e[k] for k in _KEYS} for e in retired]
