"""The local cache of data versions: what is ours in it, one lock per version, clearing.

Each version lives in ``CACHE/<version>/``. The downloader writes :data:`MARKER` into a
version folder before anything else, and only folders holding it count as the cache's:
they are listed, checked, refilled and deleted; any other file or folder in the cache
folder, a symbolic link included, is left alone. A process works in a version folder only
while it holds that version's lock (``CACHE/.<version>.lock``, a :mod:`filelock` lock), so
concurrent downloads of one version wait for each other instead of colliding.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usc_events import settings
from usc_events._files import is_plain_name, sha256_of, write_atomically
from usc_events.errors import DownloadError, UnknownVersion
from usc_events.releases.fetch import MAX_METADATA_BYTES, Deadline
from usc_events.releases.make import RELEASE_MANIFEST
from usc_events.schema.names import version_key

#: Written by the downloader into every version folder it makes: what proves it is ours.
MARKER = ".usc-events-version"
#: The record of a version's check (:mod:`usc_events.releases.check`), in its folder.
CHECKED = ".usc-events-checked"
#: The copy of the last index fetched, for offline use of "latest".
CACHED_INDEX = "index.json"


@dataclass(frozen=True)
class CachedVersion:
    """A data version found in the cache."""

    version: str
    folder: Path
    #: None when every file is there, verifies and passed its check; otherwise what is wrong.
    problem: str | None
    bytes: int


def is_version(name: str) -> bool:
    """Whether ``name`` is a semantic version (the name of a version folder)."""
    try:
        version_key(name)
    except ValueError:
        return False
    return True


def check_cached_version(version: str) -> str:
    """``version`` when it can name a version folder of the cache; else ValueError."""
    if not is_version(version):
        raise ValueError(f"{version!r} is not a data version; the cache holds versions such "
                         "as '0.1.0' ('latest' names none: give the version itself)")
    return version


def read_json(path: Path, limit: int = MAX_METADATA_BYTES) -> Any:
    """The JSON in the regular file ``path``; None when absent, too large or not JSON."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > limit:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` is a real folder (no symbolic link) that the downloader made."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    marker = read_json(folder / MARKER)
    return isinstance(marker, dict) and marker.get("version") == folder.name


def claim(folder: Path) -> None:
    """Make ``folder`` a version folder of the cache, unless something else is there.

    Raises
    ------
    DownloadError
        When ``folder`` is a symbolic link, a file, or a folder with files that the
        downloader did not write.
    """
    if is_ours(folder):
        return
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DownloadError(f"{folder}: in the cache, but not a folder usc-events made (a file "
                            "or a symbolic link); it was left alone: move it away")
    if folder.is_dir() and any(folder.iterdir()):
        raise DownloadError(f"{folder}: holds files that usc-events did not write (it has no "
                            f"{MARKER}); they were left alone: move the folder away")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / MARKER, json.dumps({"written_by": "usc-events",
                                                  "version": folder.name}) + "\n")


@contextmanager
def version_lock(root: Path, version: str, deadline: Deadline) -> Iterator[None]:
    """Hold the lock of ``version`` in the cache ``root``, waiting at most until the deadline."""
    import filelock

    root.mkdir(parents=True, exist_ok=True)
    path = root / f".{version}.lock"
    lock = filelock.FileLock(path, timeout=deadline.remaining())
    try:
        lock.acquire()
    except filelock.Timeout:
        raise DownloadError(f"data version {version}: another process held its lock ({path}) "
                            f"for the whole {deadline.seconds:g} s deadline of a download") \
            from None
    try:
        yield
    finally:
        lock.release()


def release_files(release: Any, label: str) -> dict[str, dict[str, Any]]:
    """The ``files`` of a release manifest, every name plain and every entry well formed.

    Raises
    ------
    DownloadError
        Naming the file and the release, when a name could lead outside the version
        folder (a path, ``..``, a hidden name) or an entry lacks its size or hash.
    """
    files = release.get("files") if isinstance(release, dict) else None
    if not isinstance(files, dict) or not files:
        raise DownloadError(f"{label}: lists no files")
    for name, entry in files.items():
        if not is_plain_name(name) or name in (RELEASE_MANIFEST, MARKER):
            raise DownloadError(
                f"{label}: names the file {name!r}, which is not a plain file name inside the "
                "version folder; the release is refused and nothing was written")
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) \
                or not isinstance(entry.get("bytes"), int) or entry["bytes"] < 0:
            raise DownloadError(f"{label}: the entry of {name} needs its sha256 and its size "
                                "in bytes")
    return files


def cache_problem(folder: Path) -> str | None:
    """What keeps the release in ``folder`` from being used; None when every file verifies."""
    if folder.is_symlink():
        return "it is a symbolic link, which the cache never follows"
    if not folder.is_dir():
        return "it is not in the cache"
    if not is_ours(folder):
        return f"the folder was not written by usc-events (it has no {MARKER})"
    release = read_json(folder / RELEASE_MANIFEST)
    try:
        files = release_files(release, RELEASE_MANIFEST)
    except DownloadError:
        return f"{RELEASE_MANIFEST} is missing or unreadable"
    for name, entry in sorted(files.items()):
        path = folder / name
        if path.is_symlink() or not path.is_file():
            return f"{name} is missing"
        if not file_verifies(path, entry):
            return f"{name} does not match its sha256 in {RELEASE_MANIFEST}"
    return None


def file_verifies(path: Path, entry: Mapping[str, Any]) -> bool:
    """Whether ``path`` is a regular file of the size and sha256 its release entry gives."""
    return (not path.is_symlink() and path.is_file() and path.stat().st_size == entry["bytes"]
            and sha256_of(path) == entry["sha256"])


def cached_versions(cache_dir: str | os.PathLike[str] | None = None) -> list[CachedVersion]:
    """The data versions in the cache, oldest first, each with what (if anything) is wrong."""
    root = settings.cache_dir(cache_dir)
    found = []
    if root.is_dir():
        for folder in root.iterdir():
            if not is_version(folder.name) or not is_ours(folder):
                continue
            size = sum(p.stat().st_size for p in folder.iterdir()
                       if p.is_file() and not p.is_symlink())
            problem = cache_problem(folder) or recorded_rejection(folder)
            found.append(CachedVersion(folder.name, folder, problem, size))
    return sorted(found, key=lambda c: version_key(c.version))


def recorded_rejection(folder: Path) -> str | None:
    """The first problem recorded by the check of ``folder``; None if it passed or never ran."""
    record = read_json(folder / CHECKED)
    if not isinstance(record, dict) or not record.get("problems"):
        return None
    return f"rejected: {record['problems'][0]}"


def clear_cache(version: str | None = None,
                cache_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Delete one cached data version, or all of them and the cached index.

    Only what the downloader wrote is deleted: folders named by a version that hold its
    :data:`MARKER`, and the cached index. Symbolic links are never followed (nor deleted),
    other files and folders are left alone, and ``version`` must be a version (not
    ``"latest"``). Returns what was removed.

    Raises
    ------
    UnknownVersion
        When ``version`` is not in the cache, or its folder is not the downloader's.
    ValueError
        When ``version`` is not a semantic version.
    """
    root = settings.cache_dir(cache_dir)
    if version is not None:
        check_cached_version(version)
        folder = root / version
        if not folder.exists() and not folder.is_symlink():
            raise UnknownVersion(f"data version {version} is not in the cache ({root})")
        if not is_ours(folder):
            raise UnknownVersion(f"{folder}: not a version folder written by usc-events (it is "
                                 f"a symbolic link or has no {MARKER}); it was left alone")
        targets = [folder]
    else:
        targets = [c.folder for c in cached_versions(root)]
    removed = []
    deadline = Deadline(settings.download_deadline())
    for folder in targets:
        with version_lock(root, folder.name, deadline):
            if is_ours(folder):
                shutil.rmtree(folder)
                removed.append(folder.name)
    index = root / CACHED_INDEX
    copy = read_json(index)
    if version is None and isinstance(copy, dict) and {"source", "index"} <= copy.keys():
        index.unlink()
        removed.append(CACHED_INDEX)
    return removed


__all__ = ["CACHED_INDEX", "CHECKED", "MARKER", "CachedVersion", "cache_problem", "cached_versions",
           "check_cached_version", "clear_cache", "is_version"]
