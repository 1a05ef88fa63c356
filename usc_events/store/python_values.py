"""Python values to Arrow and back without the pandas import pyarrow makes behind them.

pyarrow imports pandas, when it is installed, the first time it converts Python values
(``pa.array``, ``pa.scalar``, ``pa.table`` of lists, ``Table.from_pylist``, a Python
value given to a compute function) and the first time it turns a timestamp with a time
zone into Python (``to_pylist``). That import costs a quarter of a second, more than
``info``, ``show`` or ``search`` otherwise take. These two functions give the same
results by other means: strings are laid into Arrow buffers, and zoned timestamps are
read as the UTC instants Arrow stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import pyarrow as pa


def strings(values: Sequence[str | None]) -> pa.Array:
    """``pa.array(values, pa.string())``, built from buffers.

    Examples
    --------
    >>> strings(["han-zheng", None]).to_pylist()
    ['han-zheng', None]
    """
    import numpy as np
    import pyarrow as pa

    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] >= 2**31:  # past what 32-bit offsets hold
        return pa.array(values, pa.string())
    nulls = [v is None for v in values]
    validity = None
    if any(nulls):
        bits = np.packbits(np.logical_not(nulls), bitorder="little")
        validity = pa.py_buffer(bits.tobytes())
    return pa.StringArray.from_buffers(
        len(encoded), pa.py_buffer(offsets.astype(np.int32).tobytes()),
        pa.py_buffer(b"".join(encoded)), validity, null_count=sum(nulls))


def string_table(columns: Mapping[str, Sequence[str | None]]) -> pa.Table:
    """A table of string columns, as ``pa.table(columns)`` with a string schema gives."""
    import pyarrow as pa

    return pa.Table.from_arrays([strings(v) for v in columns.values()], names=list(columns))


def python_rows(data: pa.Table) -> list[dict[str, Any]]:
    """``data.to_pylist()``; timestamps in UTC come back in UTC without importing pandas."""
    import pyarrow as pa

    zoned = [i for i, f in enumerate(data.schema)
             if pa.types.is_timestamp(f.type) and f.type.tz is not None]
    if any(data.schema.field(i).type.tz != "UTC" for i in zoned):
        other: list[dict[str, Any]] = data.to_pylist()  # another zone: pyarrow's own
        return other
    naive = data
    for i in zoned:  # the same instants as naive UTC times (a view: no compute kernel)
        field = data.schema.field(i)
        plain = pa.timestamp(field.type.unit)
        naive = naive.set_column(i, field.name, pa.chunked_array(
            [chunk.view(plain) for chunk in data.column(i).chunks], plain))
    rows: list[dict[str, Any]] = naive.to_pylist()
    names = [data.schema.field(i).name for i in zoned]
    utc = ZoneInfo("UTC")  # the zone pyarrow gives them
    for row in rows:
        for name in names:
            if row[name] is not None:
                row[name] = row[name].replace(tzinfo=utc)
    return rows
