"""Find a verbatim quote in a document's text.

Offsets count Unicode code points of the text exactly as shipped: nothing is
normalised, so curly quotes, non-breaking spaces and ``…`` must match as they are.
"""

from __future__ import annotations

import difflib

from usc_events.errors import QuoteNotLocated


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text`` (overlaps included)."""
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """``(start, end)`` of ``quote`` in ``text``, so that ``text[start:end] == quote``.

    Parameters
    ----------
    occurrence:
        Which occurrence (1-based) is meant; required when the quote occurs more
        than once.

    Raises
    ------
    QuoteNotLocated
        With a message saying what was expected; when the quote is absent, the
        message quotes the closest passage of the text.

    Examples
    --------
    >>> locate("a cat and a cat", "cat", occurrence=2)
    (12, 15)
    """
    starts = occurrences(text, quote)
    if not starts:
        raise QuoteNotLocated(
            "quote not found in the document",
            hint=f"closest passage: {closest_passage(text, quote)!r}",
        )
    if occurrence is None:
        if len(starts) > 1:
            raise QuoteNotLocated(
                f"quote occurs {len(starts)} times (at offsets {', '.join(map(str, starts))})",
                hint=f"add 'occurrence: N' with N from 1 to {len(starts)}",
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise QuoteNotLocated(
            f"occurrence {occurrence} asked for, but the quote occurs {len(starts)} time"
            f"{'s' if len(starts) != 1 else ''}"
        )
    start = starts[occurrence - 1]
    return start, start + len(quote)


def closest_passage(text: str, quote: str) -> str:
    """The span of ``text`` most like ``quote``, of about the quote's length."""
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, block.a - block.b)
    return text[start : start + len(quote)]
