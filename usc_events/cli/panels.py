"""The groups ``usc-events --help`` lists its commands in, each named once.

Every command is registered with ``rich_help_panel=`` one of these names;
:func:`in_panel_order` then sorts the app's commands so that the panels appear in
the order of :data:`PANELS` (commands keep their order of registration within a
panel), wherever in the code a command is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

#: Reading the corpus: info, show, search, timeline, sql, plot, export, cite.
EXPLORE = "Explore"
#: The data versions: which exist, downloading them, the cache, what changed.
VERSIONS = "Data versions"
#: Contributing records: validate, new, schema, propose.
CONTRIBUTE = "Contribute"
#: The maintainers' commands: build the tables, release a data version.
MAINTAIN = "Maintain"

#: The panels in the order ``--help`` shows them.
PANELS: tuple[str, ...] = (EXPLORE, VERSIONS, CONTRIBUTE, MAINTAIN)


def in_panel_order(app: typer.Typer) -> None:
    """Sort ``app``'s commands and command groups by panel, in the order of :data:`PANELS`.

    Raises
    ------
    ValueError
        A command was registered without one of the panels (a programming error).
    """
    for entries in (app.registered_commands, app.registered_groups):
        for entry in entries:
            if entry.rich_help_panel not in PANELS:
                name = getattr(entry, "name", None) or getattr(entry.callback, "__name__", "?")
                raise ValueError(f"command {name!r} has no help panel; give it one of "
                                 f"{', '.join(PANELS)}")
        entries.sort(key=lambda entry: PANELS.index(str(entry.rich_help_panel)))
