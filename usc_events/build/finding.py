"""What a rule reports: a :class:`Finding` (table, row, field, message, code), and hints.

The rules of :mod:`usc_events.build.rules` and :mod:`usc_events.build.table_rules` yield
findings; :mod:`usc_events.build.findings` locates each in its file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.matching import Choices, did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Finding:
    """One rule broken by one row of one table."""

    table: str
    row: int
    field: str
    message: str
    code: str
    #: The offending value, when the rule is about one value (not compared).
    value: Any = dataclasses.field(default=None, compare=False)
    #: How to fix it, where one helps, e.g. the closest existing id (not compared).
    hint: str | None = dataclasses.field(default=None, compare=False)
    #: Another row of the same table the finding is about, e.g. the first use of an id.
    related: int | None = dataclasses.field(default=None, compare=False)


def closest(value: object, choices: Iterable[str] | Choices) -> str | None:
    """``did you mean 'x'?`` for the choice most like ``value``, or None when none is close.

    For many values against the same choices, pass them as :class:`Choices`, built once.

    Examples
    --------
    >>> closest("han-zeng", ["han-zheng", "elon-musk"])
    "did you mean 'han-zheng'?"
    """
    index = choices if isinstance(choices, Choices) else Choices(choices)
    return did_you_mean(index.closest(str(value), limit=1))


def rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Row numbers where a boolean mask is true (nulls count as false)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    filled = pc.fill_null(mask, False)
    indices = pc.indices_nonzero(filled)
    return pa.array(indices).to_pylist()  # type: ignore[no-any-return]
