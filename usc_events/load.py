"""Load the packaged tables, verified against their manifest.

Only the standard library is imported at module level: pyarrow, pandas, polars
and pydantic are imported by the call that needs them.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from usc_events._names import TABLE_NAMES, Backend, TableName
from usc_events.backends import check_backend, to_backend
from usc_events.errors import TableCorrupt

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from usc_events.schema import (
        Actor,
        Discrepancy,
        Document,
        Evidence,
        Meeting,
        MeetingParticipant,
        Passage,
        Position,
        Record,
        Role,
        Statement,
        Topic,
    )

MANIFEST = "manifest.json"


def data_dir() -> Path:
    """The folder of the packaged Parquet tables and their manifest."""
    return Path(__file__).resolve().parent / "data"


def tables() -> list[TableName]:
    """The names of the tables, in the order of the data model.

    Examples
    --------
    >>> import usc_events
    >>> usc_events.tables()[:3]
    ['documents', 'passages', 'actors']
    """
    return list(TABLE_NAMES)


@cache
def manifest() -> dict[str, Any]:
    """The manifest of the packaged tables: versions, and per table its file, rows and hash."""
    path = data_dir() / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError:
        raise TableCorrupt(
            f"{path.name} not found in the package; the data was not built (run 'usc-events build')"
        ) from None


def _check_name(table: str) -> TableName:
    if table not in TABLE_NAMES:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLE_NAMES)}")
    return table


@cache
def _verified_path(table: TableName) -> Path:
    entry = manifest()["tables"].get(table)
    if entry is None:
        raise TableCorrupt(f"{MANIFEST} lists no table {table!r}")
    path = data_dir() / str(entry["file"])
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise TableCorrupt(f"{entry['file']}: listed in {MANIFEST} but missing") from None
    digest = hashlib.sha256(content).hexdigest()
    if digest != entry["sha256"]:
        raise TableCorrupt(
            f"{entry['file']}: sha256 is {digest}, but {MANIFEST} "
            f"records {entry['sha256']}; the file was altered or damaged"
        )
    return path


def _read_arrow(table: TableName) -> pa.Table:
    import pyarrow.parquet as pq

    path = _verified_path(table)
    data = pq.read_table(path)
    expected = manifest()["tables"][table]["rows"]
    if data.num_rows != expected:
        raise TableCorrupt(f"{path.name}: {data.num_rows} rows, but {MANIFEST} records {expected}")
    return data


@overload
def load(table: TableName, backend: Literal["pandas"] = ...,
         version: str | None = ...) -> pd.DataFrame: ...
@overload
def load(table: TableName, backend: Literal["polars"],
         version: str | None = ...) -> pl.DataFrame: ...
@overload
def load(table: TableName, backend: Literal["arrow"], version: str | None = ...) -> pa.Table: ...


def load(table: TableName, backend: Backend = "pandas",
         version: str | None = None) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Load one table of the packaged corpus, or of a downloaded data release.

    Parameters
    ----------
    table:
        A name from :func:`tables`, e.g. ``"meetings"``.
    backend:
        ``"pandas"`` (Arrow-backed dtypes: dates stay dates, lists stay lists,
        nulls stay null), ``"polars"`` or ``"arrow"``.
    version:
        None (the default) for the tables shipped in the package; a data version
        such as ``"0.1.0"``, or ``"latest"``, for that release, read from the cache
        and downloaded first if need be (see :func:`usc_events.download`).

    Raises
    ------
    ValueError
        For an unknown table or backend.
    TableCorrupt
        When the file does not match the manifest.
    usc_events.fetch.DownloadError
        When a release is asked for and cannot be fetched or verified.

    Examples
    --------
    >>> import usc_events
    >>> meetings = usc_events.load("meetings", backend="arrow")
    >>> "date_earliest" in meetings.column_names
    True
    """
    name = _check_name(table)
    backend = check_backend(backend)
    if version is None:
        data = _read_arrow(name)
    else:
        from usc_events.fetch import read_table

        data = read_table(name, version)
    return to_backend(data, backend)


@overload
def records(table: Literal["documents"]) -> list[Document]: ...
@overload
def records(table: Literal["passages"]) -> list[Passage]: ...
@overload
def records(table: Literal["actors"]) -> list[Actor]: ...
@overload
def records(table: Literal["roles"]) -> list[Role]: ...
@overload
def records(table: Literal["topics"]) -> list[Topic]: ...
@overload
def records(table: Literal["meetings"]) -> list[Meeting]: ...
@overload
def records(table: Literal["meeting_participants"]) -> list[MeetingParticipant]: ...
@overload
def records(table: Literal["statements"]) -> list[Statement]: ...
@overload
def records(table: Literal["positions"]) -> list[Position]: ...
@overload
def records(table: Literal["discrepancies"]) -> list[Discrepancy]: ...
@overload
def records(table: Literal["evidence"]) -> list[Evidence]: ...


def records(table: TableName) -> list[Any] | list[Record]:
    """The rows of ``table`` as typed, immutable pydantic models.

    Examples
    --------
    >>> import usc_events
    >>> actor = usc_events.records("actors")[0]
    >>> type(actor).__name__
    'Actor'
    """
    from usc_events.schema import TABLE_MODELS

    name = _check_name(table)
    definition = TABLE_MODELS[name]
    return [definition.model_validate(row) for row in _read_arrow(name).to_pylist()]
