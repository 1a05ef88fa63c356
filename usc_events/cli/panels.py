"""The groups ``usc-events --help`` lists its commands in, each named once, and the app.

Every command is registered with ``rich_help_panel=`` one of these names;
:func:`in_panel_order` then sorts the app's commands so that the panels appear in
the order of :data:`PANELS` (commands keep their order of registration within a
panel), wherever in the code a command is added.

Help is click's plain text, each panel a section of its own (:class:`PanelledGroup`):
typer's rich panels import rich, its Markdown renderer and markdown-it, which alone
take longer than importing typer, and ``--help`` should answer at once.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer import _click as click  # the copy of click that typer 0.29 runs on

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

#: The section of the commands of a group that has no panels (``cache``'s).
COMMANDS = "Commands"


class PanelledGroup(TyperGroup):
    """A command group whose plain help lists its commands in one section per panel.

    Each command is shown with its first sentence, wrapped rather than cut short, and the
    sections share one column of names.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            panel = getattr(command, "rich_help_panel", None) or COMMANDS
            sections.setdefault(panel, []).append(
                (name, command.get_short_help_str(limit=sys.maxsize)))
        width = max((len(name) for rows in sections.values() for name, _ in rows), default=0)
        for panel in sorted(sections, key=lambda p: PANELS.index(p) if p in PANELS
                            else len(PANELS)):
            with formatter.section(panel):  # names padded alike: one column in every section
                formatter.write_dl([(name.ljust(width), text) for name, text in sections[panel]])


def new_app(**settings: Any) -> typer.Typer:
    """A typer app (the command, or a group of it) with plain, panelled help."""
    return typer.Typer(cls=PanelledGroup, rich_markup_mode=None, **settings)


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
