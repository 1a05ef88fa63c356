"""Matching names and text the way a person types them: case, accents and punctuation aside.

Accents are folded with :mod:`unicodedata`, close names are suggested with :mod:`difflib`.
Against many candidates (a corpus of 200k ids) :class:`Choices` first narrows them to a
shortlist sharing the most character trigrams with the query (an index built once, with
NumPy), then ranks that shortlist exactly as :func:`closest` ranks everything.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

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
    if text.isascii():  # nothing to decompose or translate
        return text.casefold()
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


def _ratio(target: str, folded: str) -> float:
    """How alike ``target`` and a folded candidate are: the whole, or its best word."""
    ratio = difflib.SequenceMatcher(None, target, folded).ratio()
    # A query that is one word of a longer name ("vanse" for "J.D. Vance") is judged
    # against that word too, so short queries still find long names.
    for word in folded.split():
        ratio = max(ratio, difflib.SequenceMatcher(None, target, word).ratio())
    return ratio


def _bounds(target: str, folds: list[str]) -> list[float]:
    """An upper bound of :func:`_ratio` for each of ``folds``, computed in C by rapidfuzz.

    rapidfuzz's ratio is 2·LCS/(len a + len b); difflib's matching blocks form a common
    subsequence, so its ratio is never higher. One call scores every candidate and word.
    """
    import numpy as np
    from rapidfuzz.fuzz import ratio
    from rapidfuzz.process import cdist

    texts, owners = list(folds), []  # each candidate, then the words of those with several
    for i, folded in enumerate(folds):
        words = folded.split()
        if words != [folded]:
            texts += words
            owners += [i] * len(words)
    scores = cdist([target], texts, scorer=ratio, dtype=np.float64)[0]
    best = scores[:len(folds)]
    if owners:
        np.maximum.at(best, owners, scores[len(folds):])
    return [float(b) / 100 + 1e-9 for b in best]


def closest(query: str, candidates: Iterable[str], limit: int = 3,
            cutoff: float = 0.6) -> list[str]:
    """The candidates most like ``query`` (compared folded), best first, at most ``limit``.

    To ask about many queries against the same candidates, build :class:`Choices` once.

    Examples
    --------
    >>> closest("han zhen", ["Han Zheng", "Tim Cook"])
    ['Han Zheng']
    """
    return Choices(candidates).closest(query, limit, cutoff)


class Choices:
    """Candidates folded once, to find the closest to many queries.

    Up to ``exact`` candidates, every one is compared with the query; past that, the
    :data:`SHORTLIST` sharing the most rare trigrams with it are, so a hint costs about the
    same against 200k candidates as against 2k. The ranking is always :func:`_ratio`,
    best first and then by name.
    """

    #: Up to this many candidates, each is compared with the query.
    EXACT = 2000
    #: Past that, the candidates compared: those sharing the most trigrams with the query.
    SHORTLIST = 64

    def __init__(self, candidates: Iterable[str], exact: int | None = None) -> None:
        names = list(candidates)
        folds = [fold(candidate) for candidate in names]
        if len(dict.fromkeys(folds)) < len(folds):  # two alike: the first is kept
            by_fold: dict[str, str] = {}
            for folded, candidate in zip(folds, names, strict=True):
                by_fold.setdefault(folded, candidate)
            folds, names = list(by_fold), list(by_fold.values())
        self.folds, self.names = folds, names
        self.exact = self.EXACT if exact is None else exact
        self._index: tuple[Any, Any] | None = None

    def closest(self, query: str, limit: int = 3, cutoff: float = 0.6) -> list[str]:
        """The candidates most like ``query``, best first, at most ``limit``."""
        target = fold(query)
        if len(self.folds) <= self.exact:
            picked: Iterable[int] = range(len(self.folds))
        else:
            picked = self._shortlist(target)
        return self._rank(target, picked, limit, cutoff)

    def _rank(self, target: str, picked: Iterable[int], limit: int,
              cutoff: float) -> list[str]:
        # Compared in order of an upper bound of the ratio: once the bound falls below the
        # ``limit``-th best ratio found, no later candidate can enter the list.
        compared = list(picked)
        bounds = _bounds(target, [self.folds[i] for i in compared])
        bounded = sorted((-b, self.names[i], i) for b, i in zip(bounds, compared, strict=True))
        scored: list[tuple[float, str]] = []
        for negative_bound, name, i in bounded:
            if -negative_bound < cutoff:
                break
            if len(scored) >= limit and -negative_bound < -scored[limit - 1][0]:
                break
            ratio = _ratio(target, self.folds[i])
            if ratio >= cutoff:
                scored.append((-ratio, name))
                scored.sort()
        return [name for _, name in scored[:limit]]

    def _shortlist(self, target: str) -> list[int]:
        import numpy as np

        keys, owners = self._trigram_index()
        query = _trigrams(target)
        if len(query) == 0:
            return []
        starts = np.searchsorted(keys, query, "left")
        ends = np.searchsorted(keys, query, "right")
        sizes = ends - starts
        # Rare trigrams tell candidates apart; the most common are left out unless needed.
        common = max(1000, len(self.folds) // 20)
        kept = [(s, e) for s, e, n in zip(starts, ends, sizes, strict=True) if 0 < n <= common]
        if not kept:
            order = np.argsort(sizes)
            kept = [(starts[i], ends[i]) for i in order[:3] if sizes[i] > 0]
        if not kept:
            return []
        found, counts = np.unique(np.concatenate([owners[s:e] for s, e in kept]),
                                  return_counts=True)
        best = found[np.argsort(-counts, kind="stable")[: self.SHORTLIST]]
        return [int(i) for i in best]

    def _trigram_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Every candidate's trigrams, sorted, with the candidate each belongs to."""
        import numpy as np

        if self._index is None:
            codes = _codes("".join(f"\x02{text}\x03" for text in self.folds))
            lengths = np.fromiter((len(t) + 2 for t in self.folds), np.int64, len(self.folds))
            owner = np.repeat(np.arange(len(self.folds), dtype=np.int32), lengths)
            grams = _grams(codes)
            # A trigram across two candidates has one's end or the other's start in the middle.
            within = (codes[1:-1] != 2) & (codes[1:-1] != 3)
            # Sorted by trigram and then by candidate, as one 64-bit number each.
            pairs = np.sort((grams[within].astype(np.uint64) << np.uint64(32))
                            | owner[1:-1][within].astype(np.uint64))
            self._index = ((pairs >> np.uint64(32)).astype(np.uint32),
                           (pairs & np.uint64(0xFFFFFFFF)).astype(np.int32))
        return self._index


def _codes(text: str) -> np.ndarray:
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _grams(codes: np.ndarray) -> np.ndarray:
    """Each run of three code points hashed to 32 bits (a rare collision only widens a
    shortlist)."""
    import numpy as np

    with np.errstate(over="ignore"):
        grams: np.ndarray = ((codes[:-2] * np.uint32(0x9E3779B1))
                             ^ (codes[1:-1] * np.uint32(0x85EBCA77)) ^ codes[2:])
    return grams


def _trigrams(text: str) -> np.ndarray:
    """The distinct trigrams of ``text``, its start and end marked, as integers."""
    import numpy as np

    return np.unique(_grams(_codes(f"\x02{text}\x03")))


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
