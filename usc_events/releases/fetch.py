"""HTTP for the downloader: bounded bodies, one deadline, temporary files that are our own.

Every request reads at most the size the release declares (or :data:`MAX_METADATA_BYTES`
for the index and a release's manifest) and gives up once the download's overall
deadline has passed (:func:`usc_events.settings.download_deadline`), however slowly the
server sends. A file is streamed into a temporary file of a name no other process uses,
checked for size and sha256, and only then renamed into place; whatever goes wrong, that
temporary file is removed, and nobody else's is touched.

Only the standard library is imported at module level; requests and rich are imported by
the calls that use them.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from usc_events._files import PART_SUFFIX, staged_file
from usc_events.errors import DownloadError, Unreachable
from usc_events.settings import DATA_URL_ENV, DEADLINE_ENV, DEFAULT_DATA_URL

if TYPE_CHECKING:
    import requests

#: Seconds one connection attempt or one read may take.
TIMEOUT = 30
#: The most a release index or a release manifest may hold (bytes): both are small JSON.
MAX_METADATA_BYTES = 4 * 1024 * 1024
#: How much is read from the network at once.
CHUNK = 64 * 1024


class Deadline:
    """The moment by which a whole download (every request of it) must be done."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def timeout(self) -> float:
        """How long one read may wait: the per-read timeout, or less near the deadline."""
        return max(0.1, min(TIMEOUT, self.remaining()))

    def check(self, label: str, url: str) -> None:
        if self.remaining() <= 0:
            raise DownloadError(
                f"{label}: not complete within {self.seconds:g} s from {url}, the deadline of a "
                f"download (set {DEADLINE_ENV} to allow longer); nothing of it was kept")


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


def failure(label: str, error: Exception, url: str) -> DownloadError:
    """The error to raise for a requests error while fetching ``label`` from ``url``."""
    reason, unreachable = _reason(error, url)
    message = f"{label}: {reason}"
    if unreachable and url.startswith(DEFAULT_DATA_URL):
        message += (f"; the default base URL is a placeholder: set {DATA_URL_ENV} or pass "
                    "base_url to a server of usc-events releases")
    return (Unreachable if unreachable else DownloadError)(message)


# --- streaming ----------------------------------------------------------------------------


def _open(url: str, label: str, deadline: Deadline) -> requests.Response:
    import requests

    deadline.check(label, url)
    try:
        response = requests.get(url, stream=True, timeout=deadline.timeout())
        response.raise_for_status()
    except requests.RequestException as error:
        raise failure(label, error, url) from None
    return response


def _chunks(url: str, label: str, limit: int, what: str, deadline: Deadline,
            ) -> Iterator[bytes]:
    """The body of ``url`` in pieces: at most ``limit`` bytes, done before the deadline."""
    import requests
    import urllib3

    response = _open(url, label, deadline)
    too_long = (f"{label}: {url} sends more than the {limit} bytes {what}; the download was "
                "stopped and nothing of it was kept")
    announced = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity") != "identity"
    expected = int(announced) if announced and announced.isdigit() and not encoded else None
    if expected is not None and expected > limit:
        response.close()
        raise DownloadError(too_long)
    raw: Any = response.raw
    read = getattr(raw, "read1", None) or raw.read
    received = 0
    try:
        while True:
            chunk = read(CHUNK, decode_content=True)
            if not chunk:
                break
            received += len(chunk)
            if received > limit:
                raise DownloadError(too_long)
            yield chunk
            deadline.check(label, url)
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError,
            requests.RequestException, OSError) as error:
        if isinstance(error, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            deadline.check(label, url)
            raise Unreachable(f"{label}: no answer from {url} within {TIMEOUT} s") from None
        if expected is None:
            raise DownloadError(f"{label}: the connection broke off from {url} "
                                f"({type(error).__name__})") from None
    finally:
        response.close()
    if expected is not None and received < expected:
        raise DownloadError(
            f"{label}: the connection closed before the whole body arrived (received "
            f"{received} bytes, {expected - received} more were announced) from {url}")


def fetch_bytes(url: str, label: str, deadline: Deadline,
                limit: int = MAX_METADATA_BYTES) -> bytes:
    """The body of ``url``, at most ``limit`` bytes (an index or a release manifest)."""
    return b"".join(_chunks(url, label, limit, "a usc-events index or manifest may hold",
                            deadline))


class _ProgressBar:
    """A rich progress bar of one file on standard error."""

    def __init__(self, label: str, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._progress = Progress(TextColumn(label), BarColumn(), DownloadColumn(),
                                  console=Console(stderr=True))
        self._task = self._progress.add_task(label, total=total or None)
        self._progress.start()

    def update(self, amount: int) -> None:
        self._progress.advance(self._task, amount)

    def close(self) -> None:
        self._progress.stop()


def fetch_file(url: str, label: str, target: Path, size: int, sha256: str,
               deadline: Deadline, progressbar: bool = False) -> None:
    """Stream ``url`` into ``target`` once it has ``size`` bytes and hash ``sha256``.

    The bytes go to a temporary file of this call's own beside ``target``
    (:func:`usc_events._files.staged_file`), which is renamed into place only when size
    and hash check out and is removed otherwise.
    """
    from usc_events.releases.make import RELEASE_MANIFEST

    digest = hashlib.sha256()
    received = 0
    bar = _ProgressBar(label, size) if progressbar else None
    try:
        with staged_file(target, PART_SUFFIX) as temporary:
            with temporary.open("xb") as out:
                for chunk in _chunks(url, label, size, f"{RELEASE_MANIFEST} records",
                                     deadline):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            if received != size:
                raise DownloadError(f"{label}: received {received} bytes from {url}, but "
                                    f"{RELEASE_MANIFEST} records {size}; the file was not kept")
            if digest.hexdigest() != sha256:
                raise DownloadError(f"{label}: sha256 of the file received from {url} is "
                                    f"{digest.hexdigest()}, but {RELEASE_MANIFEST} records "
                                    f"{sha256}; the file was not kept")
    finally:
        if bar is not None:
            bar.close()


__all__ = ["MAX_METADATA_BYTES", "TIMEOUT", "Deadline", "failure", "fetch_bytes", "fetch_file"]
