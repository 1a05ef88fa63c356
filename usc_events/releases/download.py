"""Download data releases, verified, into a local cache, and read them back offline.

A release (see :mod:`usc_events.releases.make`) is fetched with pooch: the index
``versions.json`` names each version and the sha256 of its ``release.json``; that
manifest gives the sha256 and size of every file, which becomes pooch's registry.
Each file is streamed to a temporary file in the cache and moved into place only
after its size and hash check out, so the cache never holds a partial or
unverified file, and a failed download can simply be run again. A version whose
files are all in the cache and verify is used without touching the network.

Only the standard library is imported at module level; pooch, requests and
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

import io
import json
import os
import re
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from usc_events import settings
from usc_events._files import sha256_of, write_atomically
from usc_events.errors import (
    DownloadError,
    StaleIndexWarning,
    UnknownVersion,
    Unreachable,
)
from usc_events.releases.make import INDEX, RELEASE_MANIFEST
from usc_events.schema.names import version_key
from usc_events.settings import DATA_URL_ENV, DEFAULT_DATA_URL

if TYPE_CHECKING:
    pass

TIMEOUT = 30
#: The copy of the last index fetched, for offline use of "latest".
CACHED_INDEX = "index.json"


@dataclass(frozen=True)
class CachedVersion:
    """A data version found in the cache."""

    version: str
    folder: Path
    #: None when every file is there and verifies; otherwise what is wrong.
    problem: str | None
    bytes: int


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


# --- errors -------------------------------------------------------------------------------


def _reason(error: Exception, url: str) -> tuple[str, bool]:
    """A one-line cause for a requests error, and whether the server was unreachable."""
    import requests

    text = str(error)
    if isinstance(error, requests.HTTPError) and error.response is not None:
        response = error.response
        return f"HTTP {response.status_code} {response.reason} from {url}", False
    if isinstance(error, requests.Timeout):
        return f"no answer from {url} within {TIMEOUT} s", True
    if isinstance(error, (requests.exceptions.ChunkedEncodingError,
                          requests.exceptions.ContentDecodingError)):
        detail = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", text)
        got = (f" (received {detail.group(1)} bytes, {detail.group(2)} more were announced)"
               if detail else "")
        return f"the connection closed before the whole body arrived{got} from {url}", False
    if isinstance(error, requests.ConnectionError):
        host = urlsplit(url).netloc
        if "refused" in text.lower():
            cause = "connection refused"
        elif "resolve" in text.lower() or "name or service not known" in text.lower():
            cause = "host name not found"
        else:
            match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
            cause = match.group(1).strip().lower() if match else "connection failed"
        return f"cannot connect to {host} ({cause}) for {url}", True
    return f"{type(error).__name__} from {url}: {text}", False


def _failure(label: str, error: Exception, url: str) -> DownloadError:
    reason, unreachable = _reason(error, url)
    message = f"{label}: {reason}"
    if unreachable and url.startswith(DEFAULT_DATA_URL):
        message += (f"; the default base URL is a placeholder: set {DATA_URL_ENV} or pass "
                    "base_url to a server of usc-events releases")
    return (Unreachable if unreachable else DownloadError)(message)


# --- fetching -------------------------------------------------------------------------------


def _fetch_bytes(url: str, label: str) -> bytes:
    import pooch
    import requests

    buffer = io.BytesIO()
    try:
        pooch.HTTPDownloader(progressbar=False, timeout=TIMEOUT)(url, buffer, None)
    except requests.RequestException as error:
        raise _failure(label, error, url) from None
    return buffer.getvalue()


class _ProgressBar:
    """A rich progress bar with the interface pooch drives (total, update, reset, close)."""

    def __init__(self, label: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._progress = Progress(TextColumn(label), BarColumn(), DownloadColumn(),
                                  console=Console(stderr=True))
        self._task = self._progress.add_task(label, total=None)
        self._progress.start()

    @property
    def total(self) -> float | None:
        return self._progress.tasks[0].total

    @total.setter
    def total(self, value: float | None) -> None:
        self._progress.update(self._task, total=value or None)

    def update(self, amount: float) -> None:
        self._progress.advance(self._task, amount)

    def reset(self) -> None:
        self._progress.reset(self._task)

    def close(self) -> None:
        self._progress.stop()


class _VerifiedDownload:
    """A pooch downloader that checks size and sha256 itself, to name the file in errors.

    Pooch calls it with a temporary file in the cache; raising here makes pooch
    delete that file, so nothing unverified stays behind.
    """

    def __init__(self, label: str, size: int, sha256: str, progressbar: bool) -> None:
        self.label, self.size, self.sha256, self.progressbar = label, size, sha256, progressbar

    def __call__(self, url: str, output_file: str, pooch_object: Any,
                 check_only: bool = False) -> None:
        import pooch
        import requests

        bar = _ProgressBar(self.label) if self.progressbar else None
        try:
            pooch.HTTPDownloader(progressbar=bar or False, timeout=TIMEOUT)(
                url, output_file, pooch_object)
        except requests.RequestException as error:
            raise _failure(self.label, error, url) from None
        finally:
            if bar is not None:
                bar.close()
        path = Path(output_file)
        size = path.stat().st_size
        if size != self.size:
            raise DownloadError(f"{self.label}: received {size} bytes from {url}, but "
                                f"{RELEASE_MANIFEST} records {self.size}; the file was not kept")
        digest = sha256_of(path)
        if digest != self.sha256:
            raise DownloadError(f"{self.label}: sha256 of the file received from {url} is "
                                f"{digest}, but {RELEASE_MANIFEST} records {self.sha256}; "
                                "the file was not kept")




def _parse_index(content: bytes, url: str) -> dict[str, Any]:
    from usc_events.releases.make import ReleaseError, check_index

    try:
        index = json.loads(content)
        check_index(index, url)
    except (ValueError, ReleaseError) as error:
        raise DownloadError(f"{INDEX}: not a release index at {url} ({error})") from None
    return index  # type: ignore[no-any-return]


def fetch_index(base_url: str | None = None,
                cache_dir: str | os.PathLike[str] | None = None) -> tuple[dict[str, Any], bool]:
    """The release index from the server, or from the cache when the server is unreachable.

    Returns
    -------
    index, stale:
        The index, and True when it is the cached copy (the server could not be reached).

    Raises
    ------
    DownloadError
        When the server fails and no copy of its index is cached.
    """
    base = settings.data_url(base_url)
    folder = settings.cache_dir(cache_dir)
    url = base + INDEX
    cached = folder / CACHED_INDEX
    try:
        index = _parse_index(_fetch_bytes(url, INDEX), url)
    except Unreachable:
        copy = _read_json(cached)
        if isinstance(copy, dict) and copy.get("source") == base \
                and isinstance(copy.get("index"), dict):
            return copy["index"], True
        raise
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, json.dumps({"source": base, "index": index}, indent=2).encode())
    return index, False


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def cache_problem(folder: Path) -> str | None:
    """What keeps the release in ``folder`` from being used; None when every file verifies."""
    if not folder.is_dir():
        return "it is not in the cache"
    release = _read_json(folder / RELEASE_MANIFEST)
    if not isinstance(release, dict) or not isinstance(release.get("files"), dict):
        return f"{RELEASE_MANIFEST} is missing or unreadable"
    for name, entry in sorted(release["files"].items()):
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != entry.get("bytes") or sha256_of(path) != entry.get("sha256"):
            return f"{name} does not match its sha256 in {RELEASE_MANIFEST}"
    return None


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
        When a file cannot be fetched or does not verify (the message names the
        file and the cause); nothing unverified is kept, so calling again retries.
    ValueError
        When ``version`` or the base URL is malformed.

    Notes
    -----
    A pinned version already complete in the cache is returned without any
    network access. ``"latest"`` needs the index; when the server cannot be
    reached, the index cached by the last successful call is used, with a
    :class:`StaleIndexWarning`.
    """
    check_version(version)
    root = settings.cache_dir(cache_dir)
    if version != "latest" and cache_problem(root / version) is None:
        return root / version
    base = settings.data_url(base_url)
    try:
        return _fetch_version(version, base, root, progressbar)
    except Unreachable as error:
        if version == "latest":
            raise
        problem = cache_problem(root / version)
        raise Unreachable(f"{error}; data version {version} cannot be used from the cache "
                          f"instead: {problem}") from None


def _fetch_version(version: str, base: str, root: Path, progressbar: bool | None) -> Path:
    index, stale = fetch_index(base, root)
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
    return _download_release(base, version, entry, root / version,
                             sys.stderr.isatty() if progressbar is None else progressbar)


def _download_release(base: str, version: str, entry: dict[str, Any], folder: Path,
                      progressbar: bool) -> Path:
    import pooch

    path = str(entry.get("path") or f"{version}/{RELEASE_MANIFEST}")
    url = base + path
    label = f"{version}/{RELEASE_MANIFEST}"
    content = _fetch_bytes(url, label)
    from hashlib import sha256

    digest = sha256(content).hexdigest()
    if digest != entry["sha256"]:
        raise DownloadError(f"{label}: sha256 of the file received from {url} is {digest}, but "
                            f"{INDEX} records {entry['sha256']}; the file was not kept")
    release = json.loads(content)
    files: dict[str, dict[str, Any]] = release.get("files", {})
    if release.get("dataset_version") != version or not files:
        raise DownloadError(f"{label}: describes data version {release.get('dataset_version')!r} "
                            f"with {len(files)} files; expected version {version}")
    folder.mkdir(parents=True, exist_ok=True)
    _remove_strays(folder, set(files))
    store = pooch.create(
        path=folder,
        base_url=url.rsplit("/", 1)[0] + "/",
        registry={name: f"sha256:{meta['sha256']}" for name, meta in files.items()},
        retry_if_failed=0,
    )
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        for name, meta in sorted(files.items()):
            check = _VerifiedDownload(f"{version}/{name}", int(meta["bytes"]), meta["sha256"],
                                      progressbar)
            store.fetch(name, downloader=check)
    finally:
        logger.setLevel(level)
    write_atomically(folder / RELEASE_MANIFEST, content)
    return folder


def _remove_strays(folder: Path, keep: set[str]) -> None:
    """Delete what a killed download may have left: temporary files, a stale manifest."""
    for path in folder.iterdir():
        if path.name not in keep and path.is_file():
            path.unlink()




# --- the cache ------------------------------------------------------------------------------


def cached_versions(cache_dir: str | os.PathLike[str] | None = None) -> list[CachedVersion]:
    """The data versions in the cache, oldest first, each with what (if anything) is wrong."""
    root = settings.cache_dir(cache_dir)
    found = []
    if root.is_dir():
        for folder in root.iterdir():
            if not folder.is_dir() or not _is_version(folder.name):
                continue
            size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
            found.append(CachedVersion(folder.name, folder, cache_problem(folder), size))
    return sorted(found, key=lambda c: version_key(c.version))


def _is_version(name: str) -> bool:
    try:
        version_key(name)
    except ValueError:
        return False
    return True


def clear_cache(version: str | None = None,
                cache_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Delete one cached data version, or all of them and the cached index.

    Only what this module writes is deleted (version folders and the cached index),
    so a cache folder shared with other files is safe. Returns what was removed.
    """
    root = settings.cache_dir(cache_dir)
    if version is not None:
        check_version(version)
        targets = [root / version] if (root / version).is_dir() else []
        if not targets:
            raise UnknownVersion(f"data version {version} is not in the cache ({root})")
    else:
        targets = [c.folder for c in cached_versions(root)]
    removed = []
    for folder in targets:
        shutil.rmtree(folder)
        removed.append(folder.name)
    if version is None and (root / CACHED_INDEX).is_file():
        (root / CACHED_INDEX).unlink()
        removed.append(CACHED_INDEX)
    return removed


__all__ = [
    "CachedVersion",
    "DownloadError",
    "StaleIndexWarning",
    "UnknownVersion",
    "Unreachable",
    "cached_versions",
    "clear_cache",
    "download",
    "fetch_index",
]
