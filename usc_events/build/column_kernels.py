"""Whole-column answers that Arrow's own kernels give slowly on millions of values.

- :func:`missing`: which values are not among a table's keys. Arrow hashes on one
  core, and slowly once the keys' hash table outgrows the processor's cache: ten
  million speaker ids against 200,000 actors take 2.5 s, against 20,000 0.23 s. With
  :data:`LARGE` keys and values or more, DuckDB, which hashes on every core, answers in
  about 1 s; below that Arrow answers sooner than DuckDB is imported and connected.
- :func:`has_repeats`: whether a column gives a value twice, by sorting it.
- :func:`may_hold_controls`: whether text may hold a control character other than tab
  and line feed, read off the bytes of all values at once; matching the pattern value by
  value costs several times as much, so it is only matched where this says so.

The tests hold each to the plain way of asking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from usc_events.build.finding import rows

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

#: From this many keys and values on, :func:`missing` asks DuckDB.
LARGE = 100_000
#: The most bytes a column's chunks are joined into one array for: below 32-bit offsets.
_ONE_ARRAY = 2**31 - 1
#: The bytes of the control characters that free text may hold: tab and line feed.
_ALLOWED_CONTROLS = (9, 10)


def missing(values: pa.ChunkedArray | pa.Array, keys: pa.ChunkedArray | pa.Array) -> list[int]:
    """The positions of the non-null ``values`` that are not among ``keys``, in order."""
    import pyarrow.compute as pc

    if min(len(values), len(keys)) < LARGE:
        return rows(pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=keys))))
    import numpy as np
    import pyarrow as pa

    connection = _connect()
    connection.register("checked", pa.table({"i": np.arange(len(values)), "v": values}))
    connection.register("keys", pa.table({"k": keys}))
    found = connection.execute(
        "SELECT i FROM checked ANTI JOIN keys ON checked.v = keys.k "
        "WHERE checked.v IS NOT NULL ORDER BY i"
    ).fetchnumpy()["i"]
    return [int(i) for i in found]


def has_repeats(values: pa.ChunkedArray) -> bool:
    """Whether a value is given twice (nulls aside): sorted, two neighbours are equal.

    Sorting costs less than hashing here, in Arrow and in DuckDB alike: the values of a
    primary key are all distinct, one hopes, and a hash table of millions of them
    touches memory all over. The chunks are joined first where their bytes fit one
    array: Arrow sorts one array in about half the time it sorts the same values in
    many chunks, which it merges.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = len(values) - values.null_count
    if valid < 2:
        return False
    if values.num_chunks > 1 and values.nbytes < _ONE_ARRAY:
        values = pa.chunked_array([values.combine_chunks()])
    ordered = values.take(pc.array_sort_indices(values, null_placement="at_end"))[:valid]
    return bool(pc.any(pc.equal(ordered[1:], ordered[:-1])).as_py())


def may_hold_controls(values: pa.ChunkedArray | pa.Array) -> bool:
    """False only when no value holds a control character other than tab and line feed.

    In UTF-8 a byte below 0x20 is always such a character, never part of another, so
    the bytes of all values are read at once. True may be wrong (bytes of a null slot
    count too); the caller then matches each value.
    """
    import numpy as np
    import pyarrow as pa

    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        if not pa.types.is_string(chunk.type):
            return True
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
        start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[start:end]
        low = data < 0x20
        if low.any() and np.isin(data[low], _ALLOWED_CONTROLS, invert=True).any():
            return True
    return False


def _connect() -> duckdb.DuckDBPyConnection:
    import duckdb

    return duckdb.connect()
