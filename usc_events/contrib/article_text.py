"""What :mod:`usc_events.contrib.propose` reads in an article: names, quotes, sentences and dates.

Everything here is linear in the length of the text: one pass per pattern, no
search inside a loop over the text's positions.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: Quotes shorter than this many words are taken for scare quotes or titles and skipped.
MIN_QUOTE_WORDS = 3
#: Smallest rapidfuzz ratio (0-100) at which a name in the text is taken for a known actor.
FUZZY_CUTOFF = 88.0

#: A capitalised word (a name's part, an initial "J.D.", an acronym "AMD").
WORD = r"[A-Z][\w'’.-]*"
#: Two to four capitalised words: a name the corpus may not know.
NAME = r"[A-Z][\w'’.-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’.-]*[a-z][\w'’-]*){1,3}"
QUOTES = re.compile(r"“([^“”]+)”|\"([^\"\n]+)\"")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_MONTH = rf"(?P<month>{MONTHS}|(?:{_MONTH_ABBREVIATIONS})\.?)"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATES = re.compile(
    rf"\b{_MONTH}\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>[0-9]{{4}}))?\b"
    rf"|\b(?P<day2>[0-9]{{1,2}})\s+(?P<month2>{MONTHS})(?:\s+(?P<year2>[0-9]{{4}}))?\b"
    r"|\b(?P<iso>[0-9]{4}-[0-9]{2}-[0-9]{2})\b"
    rf"|\b(?P<weekday>{'|'.join(WEEKDAYS)})\b"
)


@dataclass(frozen=True)
class KnownActor:
    """An actor already in the corpus: its id, the names the sources use, and its kind."""

    actor_id: str
    names: tuple[str, ...]
    kind: str | None = None


@dataclass(frozen=True)
class Mention:
    """A known actor named in the article."""

    actor_id: str
    start: int
    end: int
    matched: str
    score: float

    @property
    def how(self) -> str:
        if self.score >= 100:
            return "exact match"
        return f"fuzzy match, score {self.score:.0f}"


@dataclass(frozen=True)
class DateMention:
    """A date written in the article; ``iso`` when the text gives day, month and year.

    ``month`` and ``day`` are set whenever the text gives them (``day`` without a
    year, for "March 3"), ``weekday`` for a bare day of the week (0 = Monday).
    """

    text: str
    start: int
    iso: str | None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None


def slug(text: str) -> str:
    """A lower-case, hyphenated identifier made from ``text``.

    Examples
    --------
    >>> slug("Gamma Delta-Smith, Jr.")
    'gamma-delta-smith-jr'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "draft"


class Lines:
    """Line numbers of offsets, by bisection over the line starts (no rescanning)."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def find_mentions(text: str, actors: Sequence[KnownActor]) -> list[Mention]:
    """Where known actors are named: exact names and aliases, then fuzzy matches.

    A capitalised run of words that is not an exact name is compared with every
    name with rapidfuzz's ratio; at :data:`FUZZY_CUTOFF` or above it counts. Each
    distinct run is compared once, so the cost grows with the text, not with the
    number of times a name recurs.
    """
    from rapidfuzz import fuzz, process

    found: list[Mention] = []
    taken = bytearray(len(text))
    names = sorted(
        ((name, actor.actor_id) for actor in actors for name in actor.names if name),
        key=lambda pair: -len(pair[0]),
    )
    owner = dict(names)
    if names:  # one scan for all names, the longest first where several start at one place
        pattern = "|".join(re.escape(name) for name, _ in names)
        for match in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text):
            taken[match.start() : match.end()] = b"\1" * (match.end() - match.start())
            name = match.group(0)
            found.append(Mention(owner[name], match.start(), match.end(), name, 100.0))
    choices = [name for name, _ in names if len(name) >= 5]
    best_of: dict[str, tuple[str, float] | None] = {}
    for match in re.finditer(NAME, text):
        if any(taken[match.start() : match.end()]):
            continue
        run = match.group(0)
        if run not in best_of:
            best = process.extractOne(run, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            best_of[run] = None if best is None else (best[0], float(best[1]))
        hit = best_of[run]
        if hit is not None:
            taken[match.start() : match.end()] = b"\1" * (match.end() - match.start())
            found.append(Mention(owner[hit[0]], match.start(), match.end(), run, hit[1]))
    return sorted(found, key=lambda m: m.start)


def find_dates(text: str) -> list[DateMention]:
    """Dates written in the text; ``iso`` only when day, month and year are all given."""
    import datetime as dt

    months = MONTHS.split("|")
    result = []
    for match in _DATES.finditer(text):
        groups = match.groupdict()
        iso = groups["iso"]
        month_name = groups["month"] or groups["month2"]
        day, year = groups["day"] or groups["day2"], groups["year"] or groups["year2"]
        number = None
        if month_name:
            number = next(i for i, m in enumerate(months, 1) if m.startswith(month_name[:3]))
        if number and day and year:
            try:
                iso = dt.date(int(year), number, int(day)).isoformat()
            except ValueError:
                iso = None
        elif iso:
            try:
                dt.date.fromisoformat(iso)
            except ValueError:
                iso = None
        weekday = WEEKDAYS.index(groups["weekday"]) if groups["weekday"] else None
        result.append(DateMention(match.group(0), match.start(), iso, number,
                                  int(day) if day else None, weekday))
    return result


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as spans; a full stop inside quotation marks does not end one."""
    masked = list(text)
    for match in QUOTES.finditer(text):
        for i in range(match.start() + 1, match.end() - 1):
            if masked[i] not in "\n":
                masked[i] = "x"
    flat = "".join(masked)
    spans = []
    start = 0
    for match in re.finditer(r"\s+(?=[A-Z“\"])|\n+", flat):
        at = match.start()
        before = text[at - 2 : at] if at >= 2 else text[:at]
        ends = "\n" in match.group(0) or (
            before[-1:] in (".", "!", "?") or (before[-1:] in ("”", '"') and before[:1] in ".!?")
        )
        if ends and flat[at - 1 : at] != "x" and not _abbreviation(text, at):
            spans.append((start, at))
            start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gen|Gov|St|Jan|Feb|Aug|Sept|Oct|Nov|Dec|No)\.|(?:\b[A-Z]\.){2,})$"
)


def _abbreviation(text: str, at: int) -> bool:
    """Whether the full stop before ``at`` ends an abbreviation ("Mr.", "U.S.", "J.")."""
    return text[at - 1 : at] == "." and bool(_ABBREVIATIONS.search(text, max(0, at - 8), at))


def quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Each quotation: outer start and end (with the marks), and the quoted words' span.

    The words exclude the punctuation a writer puts inside the closing mark; quotes
    of fewer than :data:`MIN_QUOTE_WORDS` words are left out (scare quotes, titles).
    """
    result = []
    for match in QUOTES.finditer(text):
        inner_start, inner_end = match.span(1) if match.group(1) else match.span(2)
        inner = text[inner_start:inner_end]
        words = inner.strip().rstrip(",.;:").strip()
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        words_start = inner_start + inner.index(words)
        result.append((match.start(), match.end(), words_start, words_start + len(words)))
    return result
