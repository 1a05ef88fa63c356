"""The ``usc-events`` command: the app, and one module per group of commands.

- :mod:`~usc_events.cli.app`: the typer app, ``build`` and ``info``, and :func:`main`;
- :mod:`~usc_events.cli.explore`: show, search, timeline, sql, export, plot;
- :mod:`~usc_events.cli.contribute`: validate, schema, new, propose;
- :mod:`~usc_events.cli.releases`: release, download, versions, diff, cache;
- :mod:`~usc_events.cli.panels`: the groups ``--help`` lists the commands in;
- :mod:`~usc_events.cli.render`: terminal layout (field lists, lists, listings);
- :mod:`~usc_events.cli.console`: the consoles, and printing data and errors safely.
"""

from usc_events.cli.app import app, main

__all__ = ["app", "main"]
