"""``python -m usc_events.cli``: the same as the ``usc-events`` command."""

from usc_events.cli.app import main

main()
