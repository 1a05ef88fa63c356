"""Where data releases come from and where they are kept: one place, with overrides.

Each setting is resolved in the same order: an explicit argument, then an
environment variable, then the default.

======================  ================================  ========================================
setting                 environment variable              default
======================  ================================  ========================================
base URL of releases    ``USC_EVENTS_DATA_URL``           :data:`DEFAULT_DATA_URL` (a placeholder)
cache folder            ``USC_EVENTS_CACHE_DIR``          the platform's user cache folder
deadline of a download  ``USC_EVENTS_DOWNLOAD_DEADLINE``  :data:`DEFAULT_DEADLINE` seconds
======================  ================================  ========================================

Examples
--------
>>> from usc_events.settings import data_url
>>> data_url("http://127.0.0.1:8000/releases")
'http://127.0.0.1:8000/releases/'
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

DATA_URL_ENV = "USC_EVENTS_DATA_URL"
CACHE_DIR_ENV = "USC_EVENTS_CACHE_DIR"
DEADLINE_ENV = "USC_EVENTS_DOWNLOAD_DEADLINE"

#: Seconds a whole download (the index, the release manifest and every file) may take.
DEFAULT_DEADLINE = 600.0

#: The default base URL of the releases. It is a placeholder under the reserved
#: ``.invalid`` top-level domain, which never resolves: the project has no public
#: release host yet. Point ``USC_EVENTS_DATA_URL`` (or ``base_url=``) at a folder
#: made by ``usc-events release`` and served over HTTP(S).
DEFAULT_DATA_URL = "https://releases.usc-events.invalid/data/"

APP_NAME = "usc-events"


def data_url(override: str | None = None) -> str:
    """The base URL of the releases, ending with ``/``.

    Raises
    ------
    ValueError
        When the URL is not an ``http`` or ``https`` URL with a host.
    """
    source = "base_url"
    url = override
    if url is None:
        url = os.environ.get(DATA_URL_ENV) or None
        source = DATA_URL_ENV
    if url is None:
        url, source = DEFAULT_DATA_URL, "the default base URL"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{source}: {url!r} is not an http(s) URL; expected e.g. "
                         "'https://example.org/usc-events/'")
    return url if url.endswith("/") else url + "/"


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder where downloaded releases are kept (not created here)."""
    if override is not None:
        return Path(override).expanduser()
    from_env = os.environ.get(CACHE_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def download_deadline(override: float | None = None) -> float:
    """Seconds a whole download may take before it is abandoned.

    Raises
    ------
    ValueError
        When the value (argument or environment variable) is not a positive number.
    """
    source, value = "deadline", override
    if value is None:
        text = os.environ.get(DEADLINE_ENV) or None
        if text is None:
            return DEFAULT_DEADLINE
        source = DEADLINE_ENV
        try:
            value = float(text)
        except ValueError:
            value = -1.0
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{source}: expected a positive number of seconds, e.g. 600; "
                         f"got {os.environ.get(DEADLINE_ENV) if override is None else override!r}")
    return float(value)


__all__ = ["CACHE_DIR_ENV", "DATA_URL_ENV", "DEADLINE_ENV", "DEFAULT_DATA_URL",
           "DEFAULT_DEADLINE", "cache_dir", "data_url", "download_deadline"]
