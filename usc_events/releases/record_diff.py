"""Record-level differences between two folders of tables: a release's or a build's.

A side is a folder written by ``usc-events build`` or a release (one version's
sub-folder, or the release folder, meaning its newest version);
:func:`usc_events.releases.diff.diff` also resolves data versions to folders.

Per table the diff lists the records added, removed (with what replaced them, from the
new side's retired ids) and changed, field by field; evidence and citations are not
compared as tables but under the record they support, as added or removed. Two builds
of different schema versions are not compared (a build is work in progress); a release
against a build or another release compares the columns both sides have and lists the
columns only one side has.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from usc_events.errors import DiffError, TableCorrupt
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.names import TABLE_NAMES, version_key
from usc_events.store.manifest import MANIFEST, read_manifest, verified_table

if TYPE_CHECKING:
    import pyarrow as pa

#: The tables whose rows are reported under the record they support, not as records.
SUPPORT_TABLES: tuple[str, ...] = ("evidence", "citations")
#: The tables compared record by record.
RECORD_TABLES: tuple[str, ...] = tuple(t for t in TABLE_NAMES if t not in SUPPORT_TABLES)
#: The local release folder, relative to the working folder.
DEFAULT_RELEASES = Path("releases")
DiffFormat = Literal["text", "json", "markdown"]
FORMATS: tuple[str, ...] = ("text", "json", "markdown")
_INDEX = "versions.json"
_RELEASE = "release.json"


@dataclass(frozen=True)
class Side:
    """One side of a diff: where its tables are and what they are."""

    label: str
    folder: Path
    kind: Literal["release", "build"]
    manifest: Mapping[str, Any]

    @property
    def version(self) -> str:
        """The data version of the side's tables."""
        return str(self.manifest["dataset_version"])

    @property
    def schema_version(self) -> str:
        """The schema version of the side's tables."""
        return str(self.manifest["schema_version"])

    def describe(self) -> dict[str, str]:
        """The side as plain data."""
        return {"label": self.label, "kind": self.kind, "dataset_version": self.version,
                "schema_version": self.schema_version}


def release_versions(releases: Path) -> list[str]:
    """The versions a local release folder's index lists, oldest first; [] without one."""
    index = releases / _INDEX
    if not index.is_file():
        return []
    try:
        versions = json.loads(index.read_text(encoding="utf-8")).get("versions", {})
        return sorted(versions, key=version_key)
    except (ValueError, AttributeError):
        raise DiffError(f"{index}: not a release index (expected JSON with 'versions')") from None


def folder_side(argument: str, path: Path) -> Side:
    """The tables of ``path``: a build folder, a release's version folder, or a release
    folder (its newest version). :class:`DiffError` naming ``argument`` if none."""
    if (path / _INDEX).is_file():
        versions = release_versions(path)
        if not versions:
            raise DiffError(f"{argument}: the release folder {path} lists no version")
        return folder_side(argument, path / versions[-1])
    if not (path / MANIFEST).is_file():
        raise DiffError(f"{argument}: {path} is neither a build (no {MANIFEST}) nor a release "
                        f"(no {_INDEX})")
    try:
        manifest = read_manifest(path, f"{path}")
    except TableCorrupt as error:
        raise DiffError(f"{argument}: {error}") from None
    kind: Literal["release", "build"] = "release" if (path / _RELEASE).is_file() else "build"
    return Side(f"{kind} {manifest['dataset_version']} ({path})", path, kind, manifest)


# --- comparing ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as JSON data: dates and times in ISO 8601, lists item by item."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _table(side: Side, table: str) -> pa.Table | None:
    if table not in side.manifest["tables"]:
        return None
    try:
        return verified_table(side.folder, side.manifest, table)
    except TableCorrupt as error:
        raise DiffError(f"{side.label}: {error}") from None


def _rows(data: pa.Table | None, key: str) -> dict[str, dict[str, Any]]:
    if data is None:
        return {}
    return {str(row[key]): row for row in data.to_pylist()}


def _retired(side: Side) -> dict[str, dict[str, Any]]:
    entries = side.manifest.get("retired") or []
    return {f"{e['table']}:{e['id']}": e for e in entries if isinstance(e, dict)}


def _compare_table(table: str, old: pa.Table | None, new: pa.Table | None,
                   retired: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    key = TABLE_MODELS[table].primary_key
    before, after = _rows(old, key), _rows(new, key)
    old_columns = old.column_names if old is not None else []
    new_columns = new.column_names if new is not None else []
    shared = [c for c in new_columns if c in old_columns]
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    for record_id in sorted(before.keys() & after.keys()):
        fields = {c: {"old": plain(before[record_id][c]), "new": plain(after[record_id][c])}
                  for c in shared if before[record_id][c] != after[record_id][c]}
        if fields:
            changed[record_id] = fields
    removed = []
    for record_id in sorted(before.keys() - after.keys()):
        entry = retired.get(f"{table}:{record_id}", {})
        removed.append({"id": record_id, "replaced_by": entry.get("replaced_by"),
                        "reason": entry.get("reason")})
    result: dict[str, Any] = {
        "added": sorted(after.keys() - before.keys()),
        "removed": removed,
        "changed": changed,
    }
    if old is not None and new is not None:
        result["columns_added"] = [c for c in new_columns if c not in old_columns]
        result["columns_removed"] = [c for c in old_columns if c not in new_columns]
    else:
        result["columns_added"] = [] if new is None else ["(the table is new)"]
        result["columns_removed"] = [] if old is None else ["(the table is gone)"]
    return result


_SUPPORT_FIELDS = {"evidence": ("evidence_id", ("document_id", "quote")),
                   "citations": ("citation_id", ("field", "reference_id"))}


def _support(table: str, data: pa.Table | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Per ``table:id`` of a supported record, its evidence (or citations) by id."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    if data is None:
        return found
    key, shown = _SUPPORT_FIELDS[table]
    for row in data.to_pylist():
        record = f"{row['record_type']}:{row['record_id']}"
        found.setdefault(record, {})[row[key]] = {key: row[key], **{f: row[f] for f in shown}}
    return found


def _compare_support(old: Side, new: Side) -> dict[str, dict[str, list[dict[str, Any]]]]:
    records: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in SUPPORT_TABLES:
        before, after = _support(table, _table(old, table)), _support(table, _table(new, table))
        for record in sorted(before.keys() | after.keys()):
            was, now = before.get(record, {}), after.get(record, {})
            added = [now[i] for i in sorted(now.keys() - was.keys())]
            removed = [was[i] for i in sorted(was.keys() - now.keys())]
            if added or removed:
                entry = records.setdefault(record, {})
                entry[f"{table}_added"] = added
                entry[f"{table}_removed"] = removed
    return {record: records[record] for record in sorted(records)}


@dataclass(frozen=True)
class Diff:
    """The differences between two sides, as :meth:`as_dict` gives them."""

    old: Side
    new: Side
    tables: Mapping[str, Mapping[str, Any]]
    support: Mapping[str, Mapping[str, list[dict[str, Any]]]]

    @property
    def empty(self) -> bool:
        """True when no record, column, evidence row or citation differs."""
        return not self.support and not any(
            t["added"] or t["removed"] or t["changed"] or t["columns_added"]
            or t["columns_removed"] for t in self.tables.values())

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table, how many records were added, removed and changed."""
        support: dict[str, int] = {}
        for record in self.support:
            table = record.partition(":")[0]
            support[table] = support.get(table, 0) + 1
        return {table: {"added": len(t["added"]), "removed": len(t["removed"]),
                        "changed": len(t["changed"]), "support_changed": support.get(table, 0)}
                for table, t in self.tables.items()}

    def as_dict(self) -> dict[str, Any]:
        """The diff as JSON data."""
        return {"old": self.old.describe(), "new": self.new.describe(), "counts": self.counts(),
                "tables": plain(dict(self.tables)), "records": plain(dict(self.support))}


def compare(old: Side, new: Side) -> Diff:
    """The record-level differences from ``old`` to ``new``.

    Raises
    ------
    DiffError
        When both sides are builds of different schema versions.
    """
    if old.kind == new.kind == "build" and old.schema_version != new.schema_version:
        raise DiffError(f"OLD and NEW are builds of different schema versions "
                        f"({old.schema_version} and {new.schema_version}); compare a release "
                        "with a build, or rebuild both with one schema")
    retired = _retired(new)
    tables = {table: _compare_table(table, _table(old, table), _table(new, table), retired)
              for table in RECORD_TABLES}
    return Diff(old, new, tables, _compare_support(old, new))


__all__ = ["FORMATS", "RECORD_TABLES", "SUPPORT_TABLES", "Diff", "Side", "compare",
           "folder_side", "release_versions"]
