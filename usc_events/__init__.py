"""usc-events: a hand-curated, evidence-linked dataset of US–China diplomatic events.

Every record is tied to the exact words of the source document that supports it.

>>> import usc_events
>>> usc_events.tables()  # doctest: +ELLIPSIS
['documents', 'passages', 'actors', ...]

Importing this package is cheap: its entry points are imported on first use, and
pyarrow, pandas, polars and pydantic only by the functions that need them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from usc_events._version import __version__

if TYPE_CHECKING:
    from usc_events.query.cite import cite as cite
    from usc_events.query.corpus import Corpus as Corpus
    from usc_events.query.corpus import open_corpus as open  # noqa: F401 (the public name)
    from usc_events.releases.diff import diff as diff
    from usc_events.releases.download import download as download
    from usc_events.releases.versions import load as load
    from usc_events.releases.versions import manifest as manifest
    from usc_events.releases.versions import records as records
    from usc_events.releases.versions import tables as tables
    from usc_events.schema.names import TABLE_NAMES as TABLE_NAMES
    from usc_events.schema.names import TableName as TableName
    from usc_events.store.backends import Backend as Backend
    from usc_events.store.scan import scan as scan

#: Each public name, and the module it is defined in.
_ENTRY_POINTS: dict[str, tuple[str, str]] = {
    "TABLE_NAMES": ("usc_events.schema.names", "TABLE_NAMES"),
    "TableName": ("usc_events.schema.names", "TableName"),
    "Backend": ("usc_events.store.backends", "Backend"),
    "Corpus": ("usc_events.query.corpus", "Corpus"),
    "cite": ("usc_events.query.cite", "cite"),
    "diff": ("usc_events.releases.diff", "diff"),
    "download": ("usc_events.releases.download", "download"),
    "load": ("usc_events.releases.versions", "load"),
    "manifest": ("usc_events.releases.versions", "manifest"),
    "open": ("usc_events.query.corpus", "open_corpus"),
    "records": ("usc_events.releases.versions", "records"),
    "scan": ("usc_events.store.scan", "scan"),
    "tables": ("usc_events.releases.versions", "tables"),
}


def __getattr__(name: str) -> Any:
    """Import a public entry point the first time it is used."""
    try:
        module, attribute = _ENTRY_POINTS[name]
    except KeyError:
        raise AttributeError(f"module 'usc_events' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_ENTRY_POINTS])


__all__ = ["__version__", *_ENTRY_POINTS]
