"""The manifest of a folder of tables: its one name, one reader and one verification policy.

``manifest.json`` sits beside the Parquet tables that ``usc-events build`` writes (in
the package, in a build folder, in a release). It records the dataset and schema
versions and, per table, its file name, row count, size and SHA-256. Every reader of
tables goes through :func:`read_manifest` and :func:`verified_table`, so every folder is
trusted on the same terms: the file name is plain (it cannot point outside the folder),
the bytes match their hash and the row count matches the manifest.

The manifest of a build also lists the documents (:data:`DOCUMENT_LISTING` of each), so
that ``usc-events info`` answers from it alone, without reading a table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events._files import is_plain_name, sha256_of
from usc_events.errors import TableCorrupt
from usc_events.schema.dates import EDTF_OF_BOUND
from usc_events.schema.names import version_key

if TYPE_CHECKING:
    import pyarrow as pa

#: The manifest's file name, in every folder of tables.
MANIFEST = "manifest.json"

#: What the manifest lists of each document, in the documents table's order; the date
#: bounds among them are written as ISO 8601 text.
DOCUMENT_LISTING = ("document_id", "file_name", "outlet", "kind", "published_earliest",
                    "published_latest")
_LISTED_BOUNDS = tuple(key for key in DOCUMENT_LISTING if key in EDTF_OF_BOUND)


def document_listing(documents: pa.Table) -> list[dict[str, Any]]:
    """The manifest's listing of the ``documents`` table (see :data:`DOCUMENT_LISTING`)."""
    from usc_events.store.python_values import python_rows

    rows = python_rows(documents.select(list(DOCUMENT_LISTING)))
    for row in rows:
        for key in _LISTED_BOUNDS:
            row[key] = None if row[key] is None else row[key].isoformat()
    return rows


def listed_documents(manifest: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    """The documents ``manifest`` lists, their date bounds as datetimes.

    ``where`` names the folder in messages.

    Raises
    ------
    TableCorrupt
        When the manifest lists no documents (it was written before it did) or lists them
        in another shape.
    """
    listing = manifest.get("documents")
    if not isinstance(listing, list):
        raise TableCorrupt(f"{MANIFEST} in {where} lists no documents; the tables were built "
                           "by an older version (run 'usc-events build')")
    documents = []
    for number, entry in enumerate(listing, 1):
        if not isinstance(entry, dict) or set(entry) != set(DOCUMENT_LISTING):
            raise TableCorrupt(f"{MANIFEST} in {where}: document {number} of its listing "
                               f"needs exactly {', '.join(DOCUMENT_LISTING)}")
        try:
            bounds = {key: None if entry[key] is None else dt.datetime.fromisoformat(entry[key])
                      for key in _LISTED_BOUNDS}
        except (TypeError, ValueError) as error:
            raise TableCorrupt(f"{MANIFEST} in {where}: document {number} of its listing: a "
                               f"date bound is not an ISO 8601 time ({error})") from None
        documents.append({key: bounds.get(key, entry[key]) for key in DOCUMENT_LISTING})
    return documents


def read_manifest(folder: Path, label: str | None = None) -> dict[str, Any]:
    """The manifest of the tables in ``folder``, checked for shape and plain file names.

    ``label`` names the folder in messages (a version, "the package"); by default its name.

    Raises
    ------
    TableCorrupt
        When the manifest is missing, is not JSON, or names a file outside ``folder``.
    """
    where = label or f"{folder.name}/"
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TableCorrupt(f"{MANIFEST} not found in {where}; the data was not built "
                           "(run 'usc-events build')") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise TableCorrupt(f"{MANIFEST} in {where} is not valid JSON ({error})") from None
    _check_shape(manifest, where)
    return manifest  # type: ignore[no-any-return]


def _check_shape(manifest: Any, where: str) -> None:
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise TableCorrupt(f"{MANIFEST} in {where}: expected an object with 'tables'")
    for key in ("dataset_version", "schema_version"):
        try:
            version_key(str(manifest.get(key)))
        except ValueError as error:
            raise TableCorrupt(f"{MANIFEST} in {where}: {key}: {error}") from None
    for table, entry in manifest["tables"].items():
        if not isinstance(entry, dict) or not {"file", "rows", "sha256"} <= entry.keys():
            raise TableCorrupt(f"{MANIFEST} in {where}: table {table!r} needs file, rows "
                               "and sha256")
        if not is_plain_name(entry["file"]):
            raise TableCorrupt(f"{MANIFEST} in {where}: table {table!r} names the file "
                               f"{entry['file']!r}; only a plain file name inside the folder "
                               "is allowed")


def verified_path(folder: Path, manifest: Mapping[str, Any], table: str) -> Path:
    """The file of ``table`` in ``folder``, once its bytes match the manifest's hash.

    Raises
    ------
    TableCorrupt
        When the manifest lists no such table, or the file is missing or altered.
    """
    entry = manifest["tables"].get(table)
    if entry is None:
        raise TableCorrupt(f"{MANIFEST} lists no table {table!r}; it lists: "
                           f"{', '.join(manifest['tables'])}")
    path = folder / str(entry["file"])
    if not path.is_file():
        raise TableCorrupt(f"{entry['file']}: listed in {MANIFEST} but missing")
    digest = sha256_of(path)
    if digest != entry["sha256"]:
        raise TableCorrupt(
            f"{entry['file']}: sha256 is {digest}, but {MANIFEST} records {entry['sha256']} "
            f"for table {table}; the file was altered or damaged")
    return path


def verified_table(folder: Path, manifest: Mapping[str, Any], table: str) -> pa.Table:
    """Table ``table`` of ``folder``, read once its hash and row count match the manifest."""
    import pyarrow.parquet as pq

    path = verified_path(folder, manifest, table)
    # ParquetFile rather than read_table: read_table goes through pyarrow.dataset, whose
    # import also imports pandas when it is installed (a quarter of a second per command).
    data = pq.ParquetFile(path).read()
    expected = manifest["tables"][table]["rows"]
    if data.num_rows != expected:
        raise TableCorrupt(f"{path.name}: {data.num_rows} rows, but {MANIFEST} records "
                           f"{expected}")
    return data


def verify_all(folder: Path, manifest: Mapping[str, Any]) -> None:
    """Check every table file of ``folder`` against the manifest (hashes only)."""
    for table in manifest["tables"]:
        verified_path(folder, manifest, table)
