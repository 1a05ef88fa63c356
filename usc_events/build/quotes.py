"""Find a verbatim quote in a document's text.

Offsets count Unicode code points of the text exactly as shipped: nothing is
normalised, so curly quotes, non-breaking spaces and ``…`` must match as they are.
"""

from __future__ import annotations

from usc_events.errors import QuoteNotLocated

#: The most work (the text's length times the quote's) spent looking for the passage
#: closest to a missing quote: about two seconds. Past it the hint suggests nothing.
HINT_WORK = 10**10


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
        passage = closest_passage(text, quote)
        raise QuoteNotLocated(
            "quote not found in the document",
            hint=(f"closest passage: {passage!r}" if passage is not None else
                  "no closest passage is suggested for a quote this long in a text this long; "
                  "copy the quote from the text again"),
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


def closest_passage(text: str, quote: str) -> str | None:
    """The span of ``text`` most like ``quote`` (rapidfuzz's best partial alignment).

    None, without searching, when the text's length times the quote's passes
    :data:`HINT_WORK`, or when nothing of the quote is in the text.

    Examples
    --------
    >>> closest_passage("Beta said tariffs would stay high.", "Beta said tariffs will stay")
    'Beta said tariffs would stay'
    """
    if not quote or not text or len(text) * len(quote) > HINT_WORK:
        return None
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(quote, text)
    if found is None or found.score == 0:
        return None
    start, end = found.dest_start, found.dest_end
    while start < end < len(text) and text[start].isspace():  # of equal windows, the one
        start, end = start + 1, end + 1                        # that begins with a word
    return text[start:end]
