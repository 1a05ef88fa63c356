"""The command line's one pair of consoles, and the one way it prints data and errors.

Text that comes from the data (names, quotes, notes, file names) is printed through
:func:`plain`, which removes control characters and terminal escape sequences, and is
never read as rich markup or emoji codes: what the corpus says cannot restyle or
take over the terminal. Usage errors go through :func:`usage`: one line, exit code 2.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console


class _OnFirstUse:
    """A rich console made when it is first used, so that ``--help`` never imports rich."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, soft_wrap=True, highlight=False,
                                    emoji=False)
        return getattr(self._console, name)


#: Standard output and standard error; no markup, emoji or highlighting is applied
#: to what is printed unless a caller asks for markup of its own.
out = cast("Console", _OnFirstUse(stderr=False))
err = cast("Console", _OnFirstUse(stderr=True))

#: ANSI escape sequences (CSI, OSC and single-character escapes) and the C0/C1 control
#: characters other than tab and newline.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles, hyperlinks
    r"|\x1b[@-_]"  # other escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # control characters but tab and newline
)


def plain(text: object) -> str:
    """``text`` as a string with control characters and escape sequences removed.

    Examples
    --------
    >>> plain("Han\\x1b[31m Zheng\\x07")
    'Han Zheng'
    """
    return _CONTROL.sub("", str(text))


def usage(message: str) -> typer.Exit:
    """Print a usage error on one line; the caller raises the returned exit (code 2)."""
    err.print(f"error: {plain(message)}", markup=False)
    return typer.Exit(2)


def failure(message: str, code: int = 1) -> typer.Exit:
    """Print a failure (nothing found, invalid data) on one line; the caller raises the exit."""
    err.print(plain(message), markup=False)
    return typer.Exit(code)


#: The command-line option of each Python argument whose name differs from it.
OPTION_OF = {"kinds": "--kind", "start": "--from", "end": "--to"}


def speak_cli(error: Exception) -> str:
    """``error``'s message as the command line says it: its options and commands, not the
    Python API's arguments and methods."""
    import shlex

    from usc_events.errors import InvalidValue, NotFound

    if isinstance(error, NotFound) and error.search:
        return f"{error.reason}; try: usc-events search {shlex.quote(error.search)}"
    if isinstance(error, InvalidValue):
        option = OPTION_OF.get(error.argument, f"--{error.argument.replace('_', '-')}")
        return error.explain(f"{option} {error.value!r}")
    return str(error)
