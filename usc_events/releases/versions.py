"""The public loaders: a table of the shipped data, or of any data version, by name.

``version=None`` (the default) or the bundled version itself (the ``dataset_version``
of the package's manifest, see :func:`bundled_version`) reads the bundled tables and
never touches the network, so a pin to the version a paper used works offline. Any
other version is read from the cache, downloaded and verified first if need be
(:mod:`usc_events.releases.download`). :func:`list_versions` says which versions there
are: the bundled one, the cached ones and, when a release host is configured, its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from usc_events.errors import TableCorrupt, Unreachable
from usc_events.schema.names import TABLE_NAMES, TableName, check_table, version_key
from usc_events.store.backends import Backend, check_backend, to_backend
from usc_events.store.load import as_records, bundled_folder, bundled_manifest, read_bundled
from usc_events.store.manifest import read_manifest, verified_table

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from usc_events.releases.download import CachedVersion
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
    """Whether ``version`` means the tables shipped in the package.

    ``None`` does, and so does the bundled version's own number: a release of that
    version holds the same tables (a released version is never changed), so there
    is nothing to download.

    Examples
    --------
    >>> is_bundled(None), is_bundled(bundled_version()), is_bundled("latest")
    (True, True, False)
    """
    if version is None:
        return True
    try:
        return version == bundled_version()
    except TableCorrupt:  # a damaged package: a release of any version is still usable
        return False


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


# --- which versions there are ----------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """The data versions one can use: bundled, cached, and those of the release host."""

    #: The release host's base URL; None when none is configured (the placeholder).
    source: str | None
    #: Each version, newest first: version, schema_version, created, latest, cached,
    #: bundled, on_host.
    versions: list[dict[str, Any]]
    #: The newest version the host lists, when it was asked.
    latest: str | None = None
    bundled: str | None = None
    #: True when the host could not be reached and its index cached by the last
    #: download was used instead.
    stale: bool = False
    #: What limits the listing (no host configured, the host unreachable), or None.
    notes: list[str] = field(default_factory=list)


def list_versions(base_url: str | None = None,
                  cache_dir: str | os.PathLike[str] | None = None) -> Listing:
    """The bundled version, the cached ones and, from a configured host, the released ones.

    With no host configured (the default base URL is a placeholder) no request is made;
    with a host that cannot be reached, its index cached by the last download is used,
    or, without one, the listing holds what is here and a note says why.

    Raises
    ------
    usc_events.errors.DownloadError
        When the host answers, but not with a release index.
    """
    from usc_events import settings
    from usc_events.releases.download import cached_versions, fetch_index

    base = settings.data_url(base_url)
    configured = base != settings.DEFAULT_DATA_URL
    index: dict[str, Any] = {"versions": {}, "latest": None}
    stale = False
    notes = []
    if not configured:
        notes.append(f"no release host is configured (set {settings.DATA_URL_ENV} or pass "
                     "a base URL); only the bundled and cached versions are listed")
    else:
        try:
            index, stale = fetch_index(base, cache_dir)
        except Unreachable as error:
            notes.append(f"{error}; only the bundled and cached versions are listed")
        if stale:
            notes.append(f"cannot reach {base}; showing the index cached by the last download")
    cached = {c.version: c for c in cached_versions(cache_dir)}
    try:
        bundled: str | None = bundled_version()
    except TableCorrupt:
        bundled = None
    listed: dict[str, dict[str, Any]] = index["versions"]
    rows = []
    for version in sorted({*listed, *cached, *([bundled] if bundled else [])},
                          key=version_key, reverse=True):
        about = listed.get(version) or _about(version, bundled, cached)
        here = cached.get(version)
        rows.append({
            "version": version,
            "schema_version": about.get("schema_version"),
            "created": about.get("created"),
            "latest": version == index.get("latest"),
            "cached": here is not None and here.problem is None,
            "bundled": version == bundled,
            "on_host": version in listed,
        })
    return Listing(base if configured else None, rows, index.get("latest"), bundled, stale,
                   notes)


def _about(version: str, bundled: str | None,
           cached: dict[str, CachedVersion]) -> dict[str, Any]:
    """Schema version and creation time of a version the host did not list."""
    from usc_events.releases.cache import read_json
    from usc_events.releases.make import RELEASE_MANIFEST

    if version == bundled:
        return {"schema_version": bundled_manifest().get("schema_version")}
    release = read_json(cached[version].folder / RELEASE_MANIFEST)
    return release if isinstance(release, dict) else {}
