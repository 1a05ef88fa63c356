"""Download data releases, verified and checked, into a local cache; read them back offline.

A release (see :mod:`usc_events.releases.make`) is fetched over HTTP(S): the index
``versions.json`` names each version and the sha256 of its ``release.json``; that
manifest gives the sha256 and size of every file. Its file names must be plain names
(checked before anything is written), each file is streamed to a temporary file of this
process's own in the version folder, read only up to its declared size, and moved into
place only after its size and hash check out (:mod:`usc_events.releases.fetch`), all within
one deadline. So the cache never holds a partial or unverified file, and a failed
download can simply be run again; the temporary files of a download that was killed are
removed by the next one. One process at a time works in a version folder (a
file lock, :mod:`usc_events.releases.cache`). Before a version is first used, its tables
pass the checks of a build (:mod:`usc_events.releases.check`). A version whose files are
all in the cache, verify and passed their check is used without touching the network.

Only the standard library is imported at module level; requests, filelock and
platformdirs are imported by the calls that use them.

Examples
--------
Download the newest release from a mirror, then read a table of it (the base URL
can also come from ``USC_EVENTS_DATA_URL``)::

    >>> import usc_events
    >>> url = "https://example.org/usc-events/"
    >>> folder = usc_events.download("latest", base_url=url)  # doctest: +SKIP
    >>> meetings = usc_events.load("meetings", version="0.1.0")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import warnings
from hashlib import sha256
from pathlib import Path
from typing import Any

from usc_events import settings
from usc_events._files import remove_stray_parts, write_atomically
from usc_events.errors import (
    DownloadError,
    StaleIndexWarning,
    UnknownVersion,
    Unreachable,
)
from usc_events.releases.cache import (
    CACHED_INDEX,
    CachedVersion,
    cache_problem,
    cached_versions,
    claim,
    clear_cache,
    file_verifies,
    read_json,
    release_files,
    version_lock,
)
from usc_events.releases.check import checked
from usc_events.releases.fetch import Deadline, fetch_bytes, fetch_file
from usc_events.releases.make import INDEX, RELEASE_MANIFEST
from usc_events.schema.names import version_key


def check_version(version: str) -> str:
    """``version`` itself when it is ``"latest"`` or a semantic version; else ValueError."""
    if version == "latest":
        return version
    try:
        version_key(version)
    except ValueError:
        raise ValueError(f"{version!r} is not a data version; expected 'latest' or e.g. "
                         "'0.1.0'") from None
    return version


def _parse_index(content: bytes, url: str) -> dict[str, Any]:
    from usc_events.releases.make import ReleaseError, check_index

    try:
        index = json.loads(content)
        check_index(index, url)
    except (ValueError, ReleaseError) as error:
        raise DownloadError(f"{INDEX}: not a release index at {url} ({error})") from None
    return index  # type: ignore[no-any-return]


def fetch_index(base_url: str | None = None,
                cache_dir: str | os.PathLike[str] | None = None,
                deadline: Deadline | None = None) -> tuple[dict[str, Any], bool]:
    """The release index from the server, or from the cache when the server is unreachable.

    Returns
    -------
    index, stale:
        The index, and True when it is the cached copy (the server could not be reached).

    Raises
    ------
    DownloadError
        When the server fails and no copy of its index is cached, or the index is larger
        than :data:`usc_events.releases.fetch.MAX_METADATA_BYTES`.
    """
    base = settings.data_url(base_url)
    folder = settings.cache_dir(cache_dir)
    url = base + INDEX
    cached = folder / CACHED_INDEX
    deadline = deadline or Deadline(settings.download_deadline())
    try:
        index = _parse_index(fetch_bytes(url, INDEX, deadline), url)
    except Unreachable:
        copy = read_json(cached)
        if isinstance(copy, dict) and copy.get("source") == base \
                and isinstance(copy.get("index"), dict):
            return copy["index"], True
        raise
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, json.dumps({"source": base, "index": index}, indent=2).encode())
    return index, False


def download(
    version: str = "latest",
    *,
    base_url: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progressbar: bool | None = None,
) -> Path:
    """Make data version ``version`` available in the cache, verified; return its folder.

    Parameters
    ----------
    version:
        ``"latest"`` (the newest in the index) or a data version such as ``"0.1.0"``.
    base_url:
        Where the releases are served; by default ``USC_EVENTS_DATA_URL``, else
        :data:`usc_events.settings.DEFAULT_DATA_URL` (a placeholder).
    cache_dir:
        The cache folder; by default ``USC_EVENTS_CACHE_DIR``, else the platform's
        user cache folder.
    progressbar:
        Show a progress bar per file; by default only when stderr is a terminal.

    Returns
    -------
    Path
        The folder holding the version's tables, ``manifest.json``,
        ``datapackage.json``, ``croissant.json`` and ``release.json``.

    Raises
    ------
    UnknownVersion
        When the index does not list ``version``.
    DownloadError
        When a file cannot be fetched or does not verify, the release names a file that
        is no plain file name, a body is larger than declared, or the whole download
        takes longer than its deadline (``USC_EVENTS_DOWNLOAD_DEADLINE``); the message
        names the file and the cause. Nothing unverified is kept, so calling again retries.
    VersionRejected
        When the version's tables fail the checks of a build (a
        :class:`DownloadError` too); it is not used.
    ValueError
        When ``version``, the base URL or the deadline is malformed.

    Notes
    -----
    A pinned version already complete in the cache is returned without any
    network access. ``"latest"`` needs the index; when the server cannot be
    reached, the index cached by the last successful call is used, with a
    :class:`StaleIndexWarning`.
    """
    check_version(version)
    root = settings.cache_dir(cache_dir)
    deadline = Deadline(settings.download_deadline())
    if version != "latest" and cache_problem(root / version) is None:
        # Checked under the version's lock, so that no other process clears or refills the
        # folder meanwhile; if one cleared it before the lock was had, it is fetched again.
        with version_lock(root, version, deadline):
            if cache_problem(root / version) is None:
                return checked(root / version, version)
    base = settings.data_url(base_url)
    try:
        folder = _fetch_version(version, base, root, progressbar, deadline)
    except Unreachable as error:
        if version == "latest":
            raise
        problem = cache_problem(root / version)
        raise Unreachable(f"{error}; data version {version} cannot be used from the cache "
                          f"instead: {problem}") from None
    with version_lock(root, folder.name, deadline):
        return checked(folder, folder.name)


def _fetch_version(version: str, base: str, root: Path, progressbar: bool | None,
                   deadline: Deadline) -> Path:
    import sys

    index, stale = fetch_index(base, root, deadline)
    if not index["versions"]:
        raise UnknownVersion(f"{base}{INDEX} lists no data versions yet")
    if version == "latest":
        version = str(index.get("latest") or max(index["versions"], key=version_key))
        if stale:
            warnings.warn(f"cannot reach {base}; using the cached index, whose latest data "
                          f"version is {version}", StaleIndexWarning, stacklevel=3)
        if cache_problem(root / version) is None:
            return root / version
    entry = index["versions"].get(version)
    if entry is None:
        known = ", ".join(sorted(index["versions"], key=version_key)) or "none"
        raise UnknownVersion(f"unknown data version {version!r}: {base}{INDEX} lists {known}")
    return _download_release(base, version, entry, root, deadline,
                             sys.stderr.isatty() if progressbar is None else progressbar)


def _download_release(base: str, version: str, entry: dict[str, Any], root: Path,
                      deadline: Deadline, progressbar: bool) -> Path:
    path = str(entry.get("path") or f"{version}/{RELEASE_MANIFEST}")
    url = base + path
    label = f"{version}/{RELEASE_MANIFEST}"
    content = fetch_bytes(url, label, deadline)
    digest = sha256(content).hexdigest()
    if digest != entry["sha256"]:
        raise DownloadError(f"{label}: sha256 of the file received from {url} is {digest}, but "
                            f"{INDEX} records {entry['sha256']}; the file was not kept")
    try:
        release = json.loads(content)
    except ValueError as error:
        raise DownloadError(f"{label}: not valid JSON ({error})") from None
    files = release_files(release, f"{label} of data version {version}")
    if release.get("dataset_version") != version:
        raise DownloadError(f"{label}: describes data version {release.get('dataset_version')!r} "
                            f"with {len(files)} files; expected version {version}")
    folder = root / version
    with version_lock(root, version, deadline):
        claim(folder)
        remove_stray_parts(folder)  # what a download killed mid-file left behind
        if read_json(folder / RELEASE_MANIFEST) != release:
            (folder / RELEASE_MANIFEST).unlink(missing_ok=True)  # ours: written last, below
        files_url = url.rsplit("/", 1)[0] + "/"
        for name, meta in sorted(files.items()):
            target = folder / name
            if not target.resolve().is_relative_to(folder.resolve()):
                raise DownloadError(f"{label} of data version {version}: {name} resolves "
                                    f"outside {folder}; nothing was written")
            if file_verifies(target, meta):
                continue
            fetch_file(files_url + name, f"{version}/{name}", target, meta["bytes"],
                       meta["sha256"], deadline, progressbar)
        write_atomically(folder / RELEASE_MANIFEST, content)
    return folder


__all__ = [
    "CachedVersion",
    "DownloadError",
    "StaleIndexWarning",
    "UnknownVersion",
    "Unreachable",
    "cache_problem",
    "cached_versions",
    "check_version",
    "clear_cache",
    "download",
    "fetch_index",
]
