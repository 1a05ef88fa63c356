"""The optional parts of usc-events: the extra that installs each, and the one check for it.

The core install explores the corpus: the tables in pandas, Arrow and typed records, the
query helpers and SQL (DuckDB), search, the timeline and the exports to CSV, JSON,
Parquet, SQLite and DuckDB. What needs more is a *feature* of :data:`FEATURES`: it names
the modules it imports and the extra of :data:`EXTRAS` that installs them. Every module
that imports one of them calls :func:`require` first, so a missing package is one clear
error, never a bare ``ModuleNotFoundError``:

>>> from usc_events.extras import message
>>> message("plots")
"drawing plots needs matplotlib and networkx: pip install 'usc-events[plots]'"

The extras' names and requirements are stated here once; ``pyproject.toml`` repeats them
(it cannot import them) and ``tests/test_extras.py`` proves the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Literal

from usc_events.errors import MissingExtra


@dataclass(frozen=True)
class Extra:
    """One optional extra of the package, as ``pyproject.toml`` declares it."""

    name: str
    #: Its requirements, exactly as in ``[project.optional-dependencies]``.
    requirements: tuple[str, ...]
    #: What it is for, as the installation page says it.
    about: str
    #: Whether the ``all`` extra includes it.
    in_all: bool = True


#: The extras users install, by name. ``all`` is every extra marked ``in_all``;
#: :data:`DEVELOPMENT_EXTRAS` are for working on the project.
EXTRAS: dict[str, Extra] = {extra.name: extra for extra in (
    Extra("plots", ("matplotlib>=3.8", "networkx>=3.2"),
          "the plots (`usc-events plot`, `usc_events.query.plots`) and the who-met-whom "
          "network (`corpus.network()`)"),
    Extra("polars", ("polars>=1.0",),
          "results as polars frames (`backend=\"polars\"`)"),
    Extra("pandera", ("pandera>=0.20",),
          "the tables' pandera schemas (`usc_events.schema.columns.pandera_schema`)"),
    Extra("formats", ("pycountry>=23",),
          "the PLOVER and CAMEO-dyad exports, which give countries as ISO 3166-1 alpha-3"),
    Extra("dask", ("dask[dataframe]>=2024.8",),
          "reading the year-partitioned tables (`usc_events.scan`) with Dask", in_all=False),
    Extra("spark", ("pyspark>=3.5",),
          "reading the year-partitioned tables (`usc_events.scan`) with Spark", in_all=False),
)}

#: The extras for working on the project itself (they include ``all``).
DEVELOPMENT_EXTRAS: tuple[str, ...] = ("test", "docs", "bench")

#: The names of the optional features of :data:`FEATURES`.
Feature = Literal["plots", "network", "polars", "pandera", "formats"]


@dataclass(frozen=True)
class Need:
    """What an optional feature needs: the modules it imports, from one extra."""

    #: The feature, as the error message names it ("drawing plots").
    does: str
    extra: str
    #: The top-level modules it imports (each the name of its distribution, too).
    modules: tuple[str, ...]


FEATURES: dict[Feature, Need] = {
    "plots": Need("drawing plots", "plots", ("matplotlib", "networkx")),
    "network": Need("the who-met-whom network", "plots", ("networkx",)),
    "polars": Need("the polars backend", "polars", ("polars",)),
    "pandera": Need("the pandera schemas", "pandera", ("pandera",)),
    "formats": Need("the PLOVER and CAMEO-dyad exports", "formats", ("pycountry",)),
}


def install_command(extra: str) -> str:
    """The command that adds ``extra`` to an installed usc-events."""
    return f"pip install 'usc-events[{extra}]'"


def message(feature: Feature) -> str:
    """What :func:`require` says when ``feature`` cannot be used: the extra to install."""
    need = FEATURES[feature]
    modules = list(need.modules)
    named = modules[0] if len(modules) == 1 else ", ".join(modules[:-1]) + " and " + modules[-1]
    return f"{need.does} needs {named}: {install_command(need.extra)}"


def require(feature: Feature) -> None:
    """Import the modules ``feature`` needs, or raise :class:`MissingExtra` naming its extra.

    Raises
    ------
    MissingExtra
        When one of the modules cannot be imported; the message names the packages
        and the ``pip install`` command of the extra that installs them.
    """
    need = FEATURES[feature]
    for module in need.modules:
        try:
            import_module(module)
        except ImportError:
            raise MissingExtra(message(feature), feature=feature, extra=need.extra,
                               missing=module) from None


__all__ = ["DEVELOPMENT_EXTRAS", "EXTRAS", "FEATURES", "Extra", "Feature", "Need",
           "install_command", "message", "require"]
