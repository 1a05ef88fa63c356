"""The sentence of a document around a quoted span, so evidence can be read in context."""

from __future__ import annotations

import re

#: Words that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "inc", "co", "corp", "ltd", "gov", "sen", "rep",
    "gen", "lt", "col", "no", "vs", "etc", "jan", "feb", "mar", "apr", "aug", "sept", "sep",
    "oct", "nov", "dec", "u.s", "u.k", "u.n", "d.c", "p.m", "a.m",
})

# A sentence ends at . ! ? (with closing quotes or brackets after it) followed by white
# space, or at a line break.
_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
_LAST_WORD = re.compile(r"([\w.]+)$")


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if match.group() == "\n":
        return True
    if not match.group().startswith("."):
        return True
    word = _LAST_WORD.search(text, 0, match.start())
    if word is None:
        return True
    token = word.group(1).lower()
    # Initials and abbreviations: "J.D.", "U.S.", "Mr."
    return not (len(token.rstrip(".")) == 1 or token.rstrip(".") in ABBREVIATIONS
                or (token.rstrip(".").replace(".", "").isalpha() and "." in token))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence(s) of ``text`` that contain the span ``[start, end)``.

    The result widens the span to whole sentences: it never cuts the span itself.

    Examples
    --------
    >>> text = "First one. Mr. Li met J.D. Vance today. Last."
    >>> low, high = sentence_bounds(text, text.index("Vance"), text.index("Vance") + 5)
    >>> text[low:high]
    'Mr. Li met J.D. Vance today.'
    """
    low = 0
    high = len(text)
    for match in _END.finditer(text):
        if not _is_boundary(text, match):
            continue
        if match.end() <= start:
            low = match.end()
        elif match.start() >= start and match.end() >= end:
            high = match.end() if match.group() != "\n" else match.start()
            break
    while low < high and text[low].isspace():
        low += 1
    while high > low and text[high - 1].isspace():
        high -= 1
    return min(low, start), max(high, end)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` containing ``[start, end)``, trimmed of white space."""
    low, high = sentence_bounds(text, start, end)
    return text[low:high]
