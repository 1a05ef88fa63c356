"""``usc-events cite``: the citation of the dataset, or of one record and its sources.

:func:`register` adds the command to the typer app of :mod:`usc_events.cli.app`; the
citation itself is :func:`usc_events.query.cite.cite`'s. The citation is printed as
it is (no table, no wrapping), so it can be redirected into a file a reference
manager imports.
"""

from typing import Annotated

import typer

from usc_events.cli.console import plain, usage
from usc_events.cli.panels import EXPLORE


def cite(
    record_id: Annotated[str | None, typer.Argument(
        help="A record id (any table) or an actor's name; leave out to cite the dataset.",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="text, bibtex, ris or csl-json.")] = "text",
    table: Annotated[str | None, typer.Option(
        "--table", help="The record's table, when its id exists in several.")] = None,
) -> None:
    """Cite the dataset, or one record with every document and reference behind it."""
    from usc_events.query.cite import CITE_FORMATS, cite

    if fmt not in CITE_FORMATS:
        raise usage(f"unknown format {fmt!r} for --format; choose {', '.join(CITE_FORMATS)}")
    typer.echo(plain(cite(record_id, fmt, table=table)), nl=False)


def register(app: typer.Typer) -> None:
    """Add ``cite`` to ``app``."""
    app.command(rich_help_panel=EXPLORE)(cite)
