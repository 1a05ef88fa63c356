"""Write the built tables and their manifest, and compare committed tables with a build.

:func:`write` puts every table and ``manifest.json`` (with the Frictionless and
Croissant metadata) in place at once; :func:`compare` tells how a folder of tables
differs from a fresh build, by content, so a different pyarrow writing different
bytes is no difference.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events._files import replace_folder, write_atomically
from usc_events.errors import UnsafeOutput
from usc_events.schema.columns import model
from usc_events.schema.models import SCHEMA_VERSION
from usc_events.schema.names import TABLE_NAMES
from usc_events.store.manifest import MANIFEST, document_listing
from usc_events.store.metadata import CROISSANT, DATAPACKAGE, stale_metadata, write_metadata

if TYPE_CHECKING:
    import pyarrow as pa

    from usc_events.build.builder import BuiltTables


#: What a build writes into its folder (besides the tables' own files, in the manifest).
BUILD_FILES = frozenset({MANIFEST, DATAPACKAGE, CROISSANT,
                         *(f"{table}.parquet" for table in TABLE_NAMES)})


def check_out_dir(out_dir: Path, data_dir: Path | None = None) -> None:
    """Refuse an output folder whose replacing would delete what a build did not write.

    ``out_dir`` may be new, empty, or a folder of a build (its ``manifest.json`` and the
    files a build writes, nothing else); it may not be, hold or lie inside ``data_dir``.

    Raises
    ------
    UnsafeOutput
        Naming the folder and what in it is not a build's.
    """
    target = out_dir.resolve()
    if data_dir is not None:
        data = data_dir.resolve()
        if target == data or data.is_relative_to(target) or target.is_relative_to(data):
            where = ("is" if target == data else "holds" if data.is_relative_to(target)
                     else "is inside")
            raise UnsafeOutput(f"{out_dir}: {where} the data folder {data_dir}; the tables are "
                               "never written there, as replacing it would delete the records: "
                               "choose another --out")
    if not target.exists():
        return
    if not target.is_dir():
        raise UnsafeOutput(f"{out_dir}: is a file, not a folder of tables; it was left alone")
    found = sorted(path.name for path in target.iterdir())
    if not found:
        return
    if MANIFEST not in found:
        raise UnsafeOutput(f"{out_dir}: not empty and holds no {MANIFEST}, so it is no folder "
                           "that 'usc-events build' wrote; it was left alone: choose a new or "
                           "empty folder")
    foreign = [name for name in found if name not in BUILD_FILES]
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                          else "")
        raise UnsafeOutput(f"{out_dir}: holds files a build does not write ({shown}); the "
                           "folder was left alone: move them away or choose another folder")


def write(corpus: BuiltTables, out_dir: Path, data_dir: Path | None = None) -> dict[str, Any]:
    """Write every table and ``manifest.json`` to ``out_dir``, atomically.

    The files are written to a temporary folder beside ``out_dir`` that then
    replaces it, so a failure leaves the previous tables as they were. A folder that
    a build did not write, and the data folder ``data_dir``, are refused
    (:func:`check_out_dir`). Returns the manifest.
    """
    check_out_dir(out_dir, data_dir)
    written: dict[str, Any] = {}
    replace_folder(out_dir.resolve(),
                   lambda staging: written.update(write_files(corpus, staging)))
    return written


def write_files(corpus: BuiltTables, folder: Path) -> dict[str, Any]:
    """Write the Parquet files and manifest into an existing ``folder``."""
    import pyarrow.parquet as pq

    tables: dict[str, Any] = {}
    for table, data in corpus.tables.items():
        path = folder / f"{table}.parquet"
        pq.write_table(data, path, compression="zstd", write_statistics=True)
        content = path.read_bytes()
        tables[table] = {
            "file": path.name,
            "rows": data.num_rows,
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    manifest: dict[str, Any] = {
        "dataset_version": corpus.version,
        "schema_version": SCHEMA_VERSION,
        "tables": tables,
    }
    manifest["documents"] = document_listing(corpus.tables["documents"])
    if corpus.retired:
        manifest["retired"] = [dict(entry) for entry in corpus.retired]
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    write_metadata(folder, manifest)
    return manifest


def compare(corpus: BuiltTables, out_dir: Path) -> list[str]:
    """How the tables in ``out_dir`` differ from ``corpus``; empty when they agree.

    Tables are compared by content (schema, metadata and values), so a different
    pyarrow version writing different bytes is not a difference.
    """
    import pyarrow.parquet as pq

    differences = []
    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file():
        return [f"{MANIFEST} is missing; run 'usc-events build'"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for key, fresh in (("dataset_version", corpus.version), ("schema_version", SCHEMA_VERSION)):
        if manifest.get(key) != fresh:
            differences.append(
                f"{MANIFEST}: {key} is {manifest.get(key)!r}, a fresh build gives {fresh!r}"
            )
    if manifest.get("documents") != document_listing(corpus.tables["documents"]):
        differences.append(f"{MANIFEST}: the documents it lists differ from a fresh build")
    if manifest.get("retired", []) != [dict(e) for e in corpus.retired]:
        differences.append(f"{MANIFEST}: the retired ids differ from data/retired.yaml")
    for table, data in corpus.tables.items():
        path = out_dir / f"{table}.parquet"
        if not path.is_file():
            differences.append(f"{table}: {path.name} is missing")
            continue
        committed = pq.ParquetFile(path).read()  # not read_table: no pyarrow.dataset import
        if not committed.equals(data, check_metadata=True):
            differences.append(f"{table}: {_describe_difference(table, committed, data)}")
    differences.extend(stale_metadata(out_dir, manifest))
    return differences


def _describe_difference(table: str, committed: pa.Table, fresh: pa.Table) -> str:
    if not committed.schema.equals(fresh.schema, check_metadata=True):
        return "the schema differs from a fresh build"
    key = model(table).primary_key
    old, new = set(committed.column(key).to_pylist()), set(fresh.column(key).to_pylist())
    added, removed = sorted(new - old), sorted(old - new)
    parts = []
    if added:
        parts.append(f"{len(added)} record(s) not yet built, e.g. {added[0]!r}")
    if removed:
        parts.append(f"{len(removed)} record(s) no longer in data/, e.g. {removed[0]!r}")
    if not parts:
        changed = [
            row
            for row, (a, b) in enumerate(zip(committed.to_pylist(), fresh.to_pylist(), strict=True))
            if a != b
        ]
        first = committed.column(key)[changed[0]].as_py() if changed else "?"
        parts.append(f"{len(changed)} record(s) changed, e.g. {first!r}")
    return "; ".join(parts)
