"""Shortening text for a line: the one cut that the terminal, the docs, citations and plots use.

Only the standard library is imported; a caller that measures text in terminal cells
passes its own measure (rich's ``cell_len``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

#: Where a shortened text may end: at the end of a word (``"word"``); at the last space
#: inside the room, so that a word ending just where the room does goes too
#: (``"space"``, the cut of the docs' page titles and of citation labels); or wherever
#: the room ends (``"any"``).
CutAt = Literal["word", "space", "any"]


def shorten(text: str, limit: int | None, marker: str = "…", *, at: CutAt = "word",
            trim: str = " ,;:", width: Callable[[str], int] = len,
            count_marker: bool = True) -> str:
    """``text`` whole when it fits in ``limit``; else cut, with ``marker`` after it.

    Parameters
    ----------
    text:
        What to shorten. It is cut, never otherwise changed (fold its white space first
        where it may hold line breaks).
    limit:
        How much ``text`` may take, as ``width`` measures it (by default in characters;
        pass ``rich.cells.cell_len`` for terminal cells). ``None`` keeps it whole.
    marker:
        What follows a shortened text.
    at:
        Where the cut may fall (:data:`CutAt`). Either way a first word longer than the
        room is cut inside.
    trim:
        Characters taken off the end of the cut before the marker.
    count_marker:
        Whether the marker counts toward ``limit`` (the room of the cut is ``limit``
        less the marker, at least 1) or comes after it.

    Examples
    --------
    >>> shorten("extensive common interests and vast opportunities", 30)
    'extensive common interests…'
    >>> shorten("common interests, and vast opportunities", 20)
    'common interests…'
    >>> text = "common interests and vast"
    >>> shorten(text, 17), shorten(text, 17, at="space")
    ('common interests…', 'common…')
    >>> shorten("common interests and vast opportunities", 20, "...", at="any")
    'common interests...'
    >>> shorten("short", None), shorten("short", 5)
    ('short', 'short')
    """
    if limit is None or width(text) <= limit:
        return text
    room = max(limit - width(marker), 1) if count_marker else limit
    cut = text[:room]
    while width(cut) > room:
        cut = cut[:-1]
    ends_word = at == "any" or (at == "word" and text[len(cut):len(cut) + 1] in ("", " "))
    if not ends_word:
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(trim) + marker


__all__ = ["CutAt", "shorten"]
