"""Read the tables of a folder (the package's own, a build's, a release's), verified.

Only the standard library is imported at module level: pyarrow, pandas, polars
and pydantic are imported by the call that needs them. Which folder a data
version lives in is :mod:`usc_events.releases.versions`' business; this module reads
whatever folder it is given, through :mod:`usc_events.store.manifest`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.store.manifest import read_manifest, verified_path, verified_table

if TYPE_CHECKING:
    import pyarrow as pa

    from usc_events.schema.models import Record

#: How messages name the folder of the tables shipped in the package.
PACKAGE = "the package"


def bundled_folder() -> Path:
    """The folder of the Parquet tables shipped in the package, and their manifest."""
    return Path(__file__).resolve().parent.parent / "data"


@cache
def bundled_manifest() -> dict[str, Any]:
    """The manifest of the tables shipped in the package (read once)."""
    return read_manifest(bundled_folder(), PACKAGE)


@cache
def bundled_path(table: str) -> Path:
    """The verified file of a shipped table (its hash checked once per process)."""
    return verified_path(bundled_folder(), bundled_manifest(), table)


def read_bundled(table: str) -> pa.Table:
    """A shipped table as Arrow, verified against the package's manifest."""
    return verified_table(bundled_folder(), bundled_manifest(), table)


def read_folder(folder: Path, table: str) -> pa.Table:
    """A table of any folder of tables, verified against that folder's manifest."""
    return verified_table(folder, read_manifest(folder), table)


def as_records(table: str, data: pa.Table) -> list[Record]:
    """The rows of ``data`` as typed, immutable pydantic models of ``table``."""
    from usc_events.schema.models import TABLE_MODELS

    definition = TABLE_MODELS[table]
    return [definition.model_validate(row) for row in data.to_pylist()]
