"""Rows → Arrow tables, with the schema's types, sorted by primary key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from usc_events.schema.columns import arrow_schema, model
from usc_events.schema.models import TABLE_MODELS

if TYPE_CHECKING:
    import pyarrow as pa


def to_arrow(rows: Mapping[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    """One Arrow table per table of the schema, rows in the order given."""
    import pyarrow as pa

    return {
        table: pa.Table.from_pylist(rows[table], schema=arrow_schema(table))
        for table in TABLE_MODELS
    }


def sorted_by_key(table: str, data: pa.Table) -> pa.Table:
    """``data`` sorted by ``table``'s primary key."""
    return data.sort_by([(model(table).primary_key, "ascending")])
