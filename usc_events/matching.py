"""Matching names and text the way a person types them: case, accents and punctuation aside.

Only the standard library is used: accents are folded with :mod:`unicodedata`, close
names are suggested with :mod:`difflib`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

#: Typographic characters a person rarely types, mapped to what they type instead.
_TYPED = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "\u00a0": " "})


def fold(text: str) -> str:
    """``text`` without accents, case or typographic quotes, for substring search.

    Examples
    --------
    >>> fold("Zhōu Ēnlái’s")
    "zhou enlai's"
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def key(text: str) -> str:
    """``text`` folded and reduced to its letters and digits, for comparing names.

    "J.D. Vance", "J. D. Vance" and "jd vance" share one key.

    Examples
    --------
    >>> key("J. D. Vance") == key("jd vance")
    True
    """
    return "".join(ch for ch in fold(text) if ch.isalnum())


def words(text: str) -> tuple[str, ...]:
    """The words of ``text``, folded, split at anything that is not a letter or digit."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in fold(text))
    return tuple(cleaned.split())


def closest(query: str, candidates: Iterable[str], limit: int = 3,
            cutoff: float = 0.6) -> list[str]:
    """The candidates most like ``query`` (compared folded), best first, at most ``limit``.

    Examples
    --------
    >>> closest("han zhen", ["Han Zheng", "Tim Cook"])
    ['Han Zheng']
    """
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(fold(candidate), candidate)
    target = fold(query)
    scored = []
    for folded, candidate in by_fold.items():
        ratio = difflib.SequenceMatcher(None, target, folded).ratio()
        # A query that is one word of a longer name ("vanse" for "J.D. Vance") is judged
        # against that word too, so short queries still find long names.
        for word in folded.split():
            ratio = max(ratio, difflib.SequenceMatcher(None, target, word).ratio())
        if ratio >= cutoff:
            scored.append((-ratio, candidate))
    return [candidate for _, candidate in sorted(scored)[:limit]]


def did_you_mean(suggestions: Iterable[str], *, listed: bool = False) -> str | None:
    """The one way a hint suggests values: ``did you mean 'a', 'b'?``; None for no value.

    Each value is named once, in the order given. ``listed`` writes them as a plain list
    (``did you mean: Han Zheng (han-zheng)?``), for labels that are not values to type.

    Examples
    --------
    >>> did_you_mean(["tiktok-ban", "tiktok-ban", "tariffs"])
    "did you mean 'tiktok-ban', 'tariffs'?"
    >>> did_you_mean([]) is None
    True
    """
    distinct = list(dict.fromkeys(suggestions))
    if not distinct:
        return None
    if listed:
        return f"did you mean: {', '.join(distinct)}?"
    return f"did you mean {', '.join(repr(value) for value in distinct)}?"
