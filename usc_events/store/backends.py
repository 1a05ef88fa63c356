"""The dataframe backends results come in, and the one conversion to them.

Kept light: pandas and polars are imported by the conversion that needs them; polars,
an extra, through :func:`usc_events.extras.require`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, get_args

from usc_events.extras import require

if TYPE_CHECKING:
    import pyarrow as pa

Backend = Literal["pandas", "polars", "arrow"]

BACKENDS: tuple[Backend, ...] = get_args(Backend)


def check_backend(backend: str) -> Backend:
    """``backend`` if it is one of :data:`BACKENDS` and installed; a clear error otherwise.

    Raises
    ------
    ValueError
        For a name that is not a backend.
    usc_events.errors.MissingExtra
        For ``"polars"`` without the ``polars`` extra.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose pandas, polars or arrow")
    if backend == "polars":
        require("polars")
    return backend


def to_backend(data: pa.Table, backend: Backend) -> Any:
    """Convert an Arrow table to ``backend``.

    pandas frames use Arrow-backed dtypes, so dates stay dates, lists stay lists and
    nulls stay null; polars converts without copying where it can.
    """
    if backend == "arrow":
        return data
    if backend == "polars":
        require("polars")
        import polars as pl

        return pl.from_arrow(data)
    import pandas as pd

    return data.to_pandas(types_mapper=pd.ArrowDtype)
