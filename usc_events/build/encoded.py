"""A column as its distinct values and, for each row, which of them it holds.

Values repeat: a million statements name forty topics, and most leave their note
empty or say the same. Where a column's values repeat so (``rules._encoded`` samples
it), the rules check its pattern, vocabulary, length, minimum and foreign key on its
distinct values, one hash pass for them all, and go back to the rows only for the
values that fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from usc_events.build.finding import rows

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Encoded:
    """``values`` as ``distinct`` (no nulls) and ``indices`` (null where the row is null)."""

    distinct: pa.Array
    indices: pa.ChunkedArray

    def rows_where(self, mask: pa.Array) -> list[int]:
        """The rows holding a distinct value for which ``mask`` is true, in row order."""
        import pyarrow.compute as pc

        failing = pc.indices_nonzero(pc.fill_null(mask, False))
        if len(failing) == 0:
            return []
        return rows(pc.is_in(self.indices, value_set=pc.cast(failing, self.indices.type)))


def encode(values: pa.ChunkedArray | pa.Array) -> Encoded:
    """The distinct values of ``values`` and each row's index among them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    encoded = pc.dictionary_encode(values)
    chunks = encoded.chunks
    if not chunks:
        return Encoded(pa.nulls(0, values.type), pa.chunked_array([], pa.int32()))
    # The chunks share the final dictionary; unify them where they do not.
    if any(len(c.dictionary) != len(chunks[-1].dictionary) for c in chunks):
        chunks = encoded.unify_dictionaries().chunks
    indices = pa.chunked_array([c.indices for c in chunks], type=chunks[0].indices.type)
    return Encoded(chunks[-1].dictionary, indices)
