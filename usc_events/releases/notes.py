"""A version's changelog entry: finding it, and writing its generated "Record changes".

An entry starts at a level-2 or level-3 heading that names the version, as in
``## [1.0.0] - 2025-02-01`` or ``## Data 1.0.0``, and runs to the next heading of the
same or a higher level. ``usc-events release`` puts the section ``### Record changes``
(see :func:`usc_events.releases.diff_report.changelog_section`) at the end of the entry,
or replaces the one already there, so releasing again writes the same text.
"""

from __future__ import annotations

import datetime as dt
import re

from usc_events.errors import ReleaseError
from usc_events.releases.diff_report import RECORD_CHANGES

_HEADING = re.compile(r"^(#+)\s")


def _entry_bounds(lines: list[str], version: str, name: str) -> tuple[int, int, int]:
    """The heading's index, the index one past the entry, and the heading's level."""
    heading = re.compile(rf"^(#{{2,3}})\s+.*(?<![\w.])\[?v?{re.escape(version)}\]?(?![\w.])")
    for number, line in enumerate(lines):
        match = heading.match(line)
        if not match:
            continue
        level = len(match.group(1))
        end = number + 1
        while end < len(lines):
            other = _HEADING.match(lines[end])
            if other and len(other.group(1)) <= level:
                break
            end += 1
        return number, end, level
    raise ReleaseError(f"{name}: no entry for data version {version}; add a heading "
                       f"such as '## [{version}] - {dt.date.today().isoformat()}' with the changes")


def entry_in(text: str, version: str, name: str) -> str:
    """The body of ``version``'s entry in the changelog ``text`` (``name`` in messages).

    Raises
    ------
    ReleaseError
        When there is no such entry, or it is empty.
    """
    lines = text.splitlines()
    start, end, _ = _entry_bounds(lines, version, name)
    body = "\n".join(lines[start + 1:end]).strip()
    if not body or body.startswith(f"### {RECORD_CHANGES}"):
        raise ReleaseError(f"{name}:{start + 1}: the entry for {version} is empty; "
                           "say what changed")
    return body


def with_record_changes(text: str, version: str, section: str, name: str) -> str:
    """``text`` with ``section`` as the last part of ``version``'s entry."""
    lines = text.splitlines()
    start, end, _level = _entry_bounds(lines, version, name)
    body = lines[start + 1:end]
    marker = f"### {RECORD_CHANGES}"
    if marker in body:
        at = body.index(marker)
        stop = at + 1
        while stop < len(body):
            other = _HEADING.match(body[stop])
            if other and len(other.group(1)) <= 3:
                break
            stop += 1
        body = body[:at] + body[stop:]
    while body and not body[-1].strip():
        body.pop()
    new_body = [*body, "", *section.splitlines(), ""]
    result = [*lines[:start + 1], *new_body, *lines[end:]]
    return "\n".join(result).rstrip("\n") + "\n"


__all__ = ["entry_in", "with_record_changes"]
