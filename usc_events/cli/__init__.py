"""The ``usc-events`` command: the app, and one module per group of commands.

- :mod:`~usc_events.cli.app`: the typer app, ``build`` and ``info``, and :func:`main`;
- :mod:`~usc_events.cli.explore`: show, search, timeline, sql, export, plot;
- :mod:`~usc_events.cli.contribute`: validate, schema, new, propose;
- :mod:`~usc_events.cli.releases`: release, download, versions, cache.
"""

from usc_events.cli.app import app, main

__all__ = ["app", "main"]
