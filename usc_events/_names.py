"""Table names: the one light list every other module and the public API draw on.

Kept free of heavy imports so that ``import usc_events`` stays cheap; a test checks
it against the table definitions in :mod:`usc_events.schema`.
"""

from typing import Literal, get_args

TableName = Literal[
    "documents",
    "passages",
    "actors",
    "roles",
    "topics",
    "meetings",
    "meeting_participants",
    "statements",
    "positions",
    "discrepancies",
    "evidence",
]

TABLE_NAMES: tuple[TableName, ...] = get_args(TableName)

Backend = Literal["pandas", "polars", "arrow"]
