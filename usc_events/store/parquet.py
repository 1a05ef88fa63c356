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
from usc_events.schema.columns import model
from usc_events.schema.models import SCHEMA_VERSION
from usc_events.store.manifest import MANIFEST
from usc_events.store.metadata import stale_metadata, write_metadata

if TYPE_CHECKING:
    import pyarrow as pa

    from usc_events.build.builder import BuiltTables


def write(corpus: BuiltTables, out_dir: Path) -> dict[str, Any]:
    """Write every table and ``manifest.json`` to ``out_dir``, atomically.

    The files are written to a temporary folder beside ``out_dir`` that then
    replaces it, so a failure leaves the previous tables as they were.
    Returns the manifest.
    """
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
