"""Table names and version numbers: the light facts every other module draws on.

Kept free of heavy imports so that ``import usc_events`` stays cheap; a test checks
it against the table definitions in :mod:`usc_events.schema.models`.
"""

import re
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
    "references",
    "citations",
]

TABLE_NAMES: tuple[TableName, ...] = get_args(TableName)

#: The tables with a ``date_earliest`` column, which ``scan`` datasets split by year.
#: Named here so that opening a dataset need not import the table definitions; a test
#: checks it against them.
DATED_TABLES: frozenset[TableName] = frozenset({"roles", "meetings", "statements", "positions"})

#: A semantic version ``MAJOR.MINOR.PATCH``: data versions and schema versions alike.
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a semantic version ``MAJOR.MINOR.PATCH``.

    Raises
    ------
    ValueError
        When ``version`` is not of that form.

    Examples
    --------
    >>> sorted(["0.10.0", "0.9.1", "1.0.0"], key=version_key)
    ['0.9.1', '0.10.0', '1.0.0']
    """
    match = SEMVER.match(version) if isinstance(version, str) else None
    if not match:
        raise ValueError(f"{version!r} is not a semantic version; expected e.g. '1.2.0'")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def check_table(table: object) -> TableName:
    """``table`` itself when it names a table; :class:`~usc_events.errors.UnknownTable` if not.

    Examples
    --------
    >>> check_table("meetings")
    'meetings'
    """
    if table in TABLE_NAMES:
        return table
    from usc_events.errors import UnknownTable

    raise UnknownTable(table, TABLE_NAMES)
