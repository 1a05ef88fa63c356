"""The public loaders: a table of the shipped data, or of any data version, by name.

``version=None`` (the default) reads the bundled tables and never touches the
network. Any other version is read from the cache, downloaded and verified first if
need be (:mod:`usc_events.releases.download`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from usc_events.schema.names import TABLE_NAMES, TableName, check_table
from usc_events.store.backends import Backend, check_backend, to_backend
from usc_events.store.load import as_records, bundled_folder, bundled_manifest, read_bundled
from usc_events.store.manifest import read_manifest, verified_table

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from usc_events.schema.models import (
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


def tables() -> list[TableName]:
    """The names of the tables, in the order of the data model.

    Examples
    --------
    >>> import usc_events
    >>> usc_events.tables()[:3]
    ['documents', 'passages', 'actors']
    """
    return list(TABLE_NAMES)


def bundled_version() -> str:
    """The data version shipped in the package."""
    return str(bundled_manifest()["dataset_version"])


def is_bundled(version: str | None) -> bool:
    """Whether ``version`` means the tables shipped in the package."""
    return version is None


def version_folder(version: str | None) -> Path:
    """The folder holding data version ``version``: the package's, or the cache's."""
    if is_bundled(version):
        return bundled_folder()
    from usc_events.releases.download import download

    return download(str(version))


def manifest(version: str | None = None) -> dict[str, Any]:
    """The manifest of a data version: versions, and per table its file, rows and hash.

    ``None`` (the default) for the tables shipped in the package.
    """
    if is_bundled(version):
        return bundled_manifest()
    return read_manifest(version_folder(version), f"data version {version}")


def read_arrow(table: TableName, version: str | None = None) -> pa.Table:
    """Table ``table`` of data version ``version`` as Arrow, verified."""
    if is_bundled(version):
        return read_bundled(table)
    folder = version_folder(version)
    return verified_table(folder, read_manifest(folder, f"data version {version}"), table)


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
    usc_events.errors.DownloadError
        When a release is asked for and cannot be fetched or verified.

    Examples
    --------
    >>> import usc_events
    >>> meetings = usc_events.load("meetings", backend="arrow")
    >>> "date_earliest" in meetings.column_names
    True
    """
    name = check_table(table)
    backend = check_backend(backend)
    return to_backend(read_arrow(name, version), backend)


@overload
def records(table: Literal["documents"], version: str | None = ...) -> list[Document]: ...
@overload
def records(table: Literal["passages"], version: str | None = ...) -> list[Passage]: ...
@overload
def records(table: Literal["actors"], version: str | None = ...) -> list[Actor]: ...
@overload
def records(table: Literal["roles"], version: str | None = ...) -> list[Role]: ...
@overload
def records(table: Literal["topics"], version: str | None = ...) -> list[Topic]: ...
@overload
def records(table: Literal["meetings"], version: str | None = ...) -> list[Meeting]: ...
@overload
def records(table: Literal["meeting_participants"],
            version: str | None = ...) -> list[MeetingParticipant]: ...
@overload
def records(table: Literal["statements"], version: str | None = ...) -> list[Statement]: ...
@overload
def records(table: Literal["positions"], version: str | None = ...) -> list[Position]: ...
@overload
def records(table: Literal["discrepancies"],
            version: str | None = ...) -> list[Discrepancy]: ...
@overload
def records(table: Literal["evidence"], version: str | None = ...) -> list[Evidence]: ...


def records(table: TableName, version: str | None = None) -> list[Any] | list[Record]:
    """The rows of ``table`` as typed, immutable pydantic models.

    Examples
    --------
    >>> import usc_events
    >>> actor = usc_events.records("actors")[0]
    >>> type(actor).__name__
    'Actor'
    """
    name = check_table(table)
    return as_records(name, read_arrow(name, version))
