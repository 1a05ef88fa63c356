"""Rows → Arrow: record batches of each table's rows, with the schema's types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from usc_events.schema.columns import arrow_schema, model

if TYPE_CHECKING:
    import pyarrow as pa


def to_batch(table: str, rows: list[Mapping[str, Any]]) -> pa.RecordBatch:
    """A record batch of ``table`` from its rows (a column a row lacks is null)."""
    import pyarrow as pa

    return pa.RecordBatch.from_pylist(rows, schema=arrow_schema(table))


def to_table(table: str, batches: Sequence[pa.RecordBatch]) -> pa.Table:
    """``table`` made of ``batches``, in their order (none: an empty table)."""
    import pyarrow as pa

    return pa.Table.from_batches(batches, schema=arrow_schema(table))


def sorted_by_key(table: str, data: pa.Table) -> pa.Table:
    """``data`` sorted by ``table``'s primary key."""
    return data.sort_by([(model(table).primary_key, "ascending")])
