"""usc-events: a hand-curated, evidence-linked dataset of US–China diplomatic events.

Every record is tied to the exact words of the source document that supports it.

>>> import usc_events
>>> usc_events.tables()  # doctest: +ELLIPSIS
['documents', 'passages', 'actors', ...]

Importing this package is cheap: pyarrow, pandas, polars and pydantic are imported
only by the functions that need them.
"""

from typing import TYPE_CHECKING

from usc_events._names import TABLE_NAMES, Backend, TableName
from usc_events._version import __version__
from usc_events.fetch import download
from usc_events.load import load, manifest, records, tables
from usc_events.scan import scan

if TYPE_CHECKING:
    from usc_events.query import Corpus


def open(version: str | None = None, backend: Backend = "pandas") -> "Corpus":
    """Open the corpus for querying (see :class:`usc_events.query.Corpus`).

    Parameters
    ----------
    version:
        ``None`` for the packaged tables, or a data release (see :func:`load`).
    backend:
        ``"pandas"`` (default), ``"polars"`` or ``"arrow"``: the type of every result.

    Examples
    --------
    >>> import usc_events
    >>> corpus = usc_events.open(backend="arrow")
    >>> corpus.resolve("Han Zheng")
    'han-zheng'
    """
    from usc_events.query import open_corpus

    return open_corpus(version=version, backend=backend)


__all__ = [
    "TABLE_NAMES",
    "Backend",
    "TableName",
    "__version__",
    "download",
    "load",
    "manifest",
    "open",
    "records",
    "scan",
    "tables",
]
