"""usc-events: a hand-curated, evidence-linked dataset of US–China diplomatic events.

Every record is tied to the exact words of the source document that supports it.

>>> import usc_events
>>> usc_events.tables()  # doctest: +ELLIPSIS
['documents', 'passages', 'actors', ...]

Importing this package is cheap: pyarrow, pandas, polars and pydantic are imported
only by the functions that need them.
"""

from usc_events._names import TABLE_NAMES, Backend, TableName
from usc_events._version import __version__
from usc_events.load import load, manifest, records, tables

__all__ = [
    "TABLE_NAMES",
    "Backend",
    "TableName",
    "__version__",
    "load",
    "manifest",
    "records",
    "tables",
]
