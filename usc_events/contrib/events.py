"""What an article says happened, for :mod:`usc_events.contrib.propose`: meetings, dates,
channels, topics.

- a meeting or call where a sentence says one took place ("met", "held talks",
  "spoke by telephone"), never one that is planned ("will meet");
- its date as an EDTF string: stated when the sentence gives day, month and year;
  inferred (with the reasoning) from a weekday or a day without a year and the
  publication date; else open-ended up to the publication date;
- its place from the sentence ("in Lisbon"), else from the dateline;
- a statement's channel from the phrases that name one ("according to a readout
  from", "in a post on X", "told a regular briefing");
- a statement's topics, where the sentence uses the words of a topic's label or id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from usc_events.contrib.article_text import MONTHS, WEEKDAYS, DateMention

_MEETING = re.compile(
    r"\b(?P<call>spoke (?:by|on the|over the) (?:tele)?phone|talked (?:by|on the) (?:tele)?phone"
    r"|held an? (?:phone|telephone|video) call|(?:phone|telephone) (?:call|conversation)s? with"
    r"|spoke in a (?:phone|telephone) call)"
    r"|\b(?P<meet>met(?: with)?|held (?:talks|a meeting|meetings)|sat down with"
    r"|(?:had|held) (?:a |an )?(?:face-to-face |bilateral )?meeting with)"
    r"|\b(?P<visit>visited|paid a visit to)"
)
_NOT_HAPPENED = re.compile(
    r"\b(?:will|would|shall|may|might|could|to|plans? to|planned to|expected to|set to|"
    r"scheduled to|hopes? to|not|never|yet to|due to)\s+(?:\w+\s+)?$"
)
_OBJECT_STOP = re.compile(
    r"\s+(?:to|on|in|at|for|about|over|during|after|before|amid|since|that|last|this|"
    r"earlier|later|by)\b|[,.;:—–“\"]"
)
_PLACE = re.compile(r"\bin\s+(?:the\s+)?([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})")
_RELATIVE = re.compile(r"\b(?P<word>yesterday|today|last night|this morning)\b", re.IGNORECASE)
CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("transition_team_readout", re.compile(r"\b(?:readout|account)\b[^.]{0,60}\btransition team"
                                           r"|\btransition team(?:’s|'s)? (?:readout|account)")),
    ("foreign_ministry_readout", re.compile(r"\breadout\b")),
    ("social_media_post", re.compile(
        r"\b(?:in an? (?:social media )?post on|posted on|wrote on|on social media|"
        r"on Truth Social|on Weibo|in a tweet|tweeted)\b")),
    ("official_statement", re.compile(
        r"\b(?:in a (?:written |brief |short )?statement|issued a statement|statement "
        r"(?:released|issued|published))\b")),
    ("press_conference", re.compile(
        r"\b(?:(?:regular|daily|news|press|weekly) (?:briefing|conference)|briefing)\b")),
    ("phone_call", re.compile(r"\b(?:during|on|in) the (?:phone |telephone )?call\b|"
                              r"\bby (?:tele)?phone\b")),
    ("in_person", re.compile(r"\b(?:during|at|in) (?:the|their) (?:meeting|talks)\b")),
    ("campaign_speech", re.compile(r"\b(?:campaign|rally)\b")),
)
_GENERIC = frozenset((
    "the", "us", "u.s.", "china", "chinese", "china's", "us–china", "relations", "and", "of",
    "on", "in", "to", "for", "as", "with", "a", "an",
))


@dataclass(frozen=True)
class EventDate:
    """An EDTF date for a record, how it was obtained, and the reasoning."""

    edtf: str | None
    basis: str | None
    reason: str


@dataclass(frozen=True)
class MeetingMention:
    """A sentence that says a meeting, call or visit happened."""

    kind: str
    verb: str
    start: int
    end: int
    #: The offsets of the phrases that can name participants: subject and object.
    zones: tuple[tuple[int, int], ...]


def publication_date(text: str, dates: Sequence[DateMention]) -> tuple[dt.date, str] | None:
    """The date the article was published: a full date on a short line at its top
    (a date line, "Published …"), or in its dateline ("BEIJING, March 4, 2025 —")."""
    top = []
    for match in re.finditer(r"[^\n]*\S[^\n]*", text[:3000]):
        top.append(match.span())
        if len(top) == 3:
            break
    for d in dates:
        if not top or d.start >= top[-1][1]:
            break
        if d.iso is None:
            continue
        line = next(text[a:b] for a, b in top if a <= d.start < b)
        dash = re.search(r"\s[—–-]\s", line)
        if len(line.split()) <= 12 or re.match(r"\s*(?:Published|Updated|Posted|Date)", line) \
                or (dash and line.index(d.text) < dash.start() and line[:1].isupper()):
            return dt.date.fromisoformat(d.iso), d.text
    return None


def event_date(sentence: str, inside: Sequence[DateMention],
               published: tuple[dt.date, str] | None) -> EventDate:
    """The date of what a sentence reports, as EDTF, from its words and the publication date.

    ``inside`` are the dates written in the sentence.
    """
    full = [d for d in inside if d.iso]
    if full:
        return EventDate(full[0].iso, "stated", f"the sentence gives the date {full[0].text!r}")
    if published is None:
        return EventDate(None, None, "the text gives no full date and no publication date: "
                         "set the date from the text, or leave it open")
    day, printed = published
    partial = [d for d in inside if d.month and d.day]
    if partial:
        d = partial[0]
        assert d.month is not None and d.day is not None
        try:
            year = day.year if (d.month, d.day) <= (day.month, day.day) else day.year - 1
            when = dt.date(year, d.month, d.day)
        except ValueError:
            return EventDate(None, None, f"{d.text!r} is not a date of any year near the "
                             f"publication date {printed!r}")
        return EventDate(when.isoformat(), "inferred", f"the sentence says {d.text!r} without "
                         f"a year; {year} from the publication date {printed!r}")
    weekdays = [d for d in inside if d.weekday is not None]
    if weekdays:
        d = weekdays[0]
        assert d.weekday is not None
        back = (day.weekday() - d.weekday) % 7
        when = day - dt.timedelta(days=back)
        same = " (the publication day itself; check that the week before is not meant)"
        return EventDate(when.isoformat(), "inferred", f"the sentence says {d.text!r}; the "
                         f"article is dated {printed!r} ({WEEKDAYS[day.weekday()]}), so the "
                         f"{d.text} on or before it is {when.isoformat()}"
                         f"{same if back == 0 else ''}")
    relative = _RELATIVE.search(sentence)
    if relative is not None:
        word = relative.group("word").lower()
        when = day - dt.timedelta(days=1 if word == "yesterday" else 0)
        if word == "last night":
            return EventDate(f"{(day - dt.timedelta(days=1)).isoformat()}/{day.isoformat()}",
                             "inferred", f"'last night' in an article dated {printed!r}")
        return EventDate(when.isoformat(), "inferred",
                         f"{relative.group(0)!r} in an article dated {printed!r}")
    return EventDate(f"../{day.isoformat()}", "inferred", "the sentence gives no date; it "
                     f"reports the event as past in an article dated {printed!r}, so no later "
                     "than that")


def find_meeting(text: str, s0: int, s1: int, outside: Sequence[tuple[int, int]]
                 ) -> MeetingMention | None:
    """A meeting, call or visit the sentence ``[s0, s1)`` says took place."""
    for start, end in outside:
        for match in _MEETING.finditer(text, start, end):
            if _NOT_HAPPENED.search(text, max(s0, match.start() - 30), match.start()):
                continue
            kind = "phone_call" if match.group("call") else (
                "visit" if match.group("visit") else "meeting")
            stop = _OBJECT_STOP.search(text, match.end(), end)
            object_end = stop.start() if stop else end
            return MeetingMention(kind, match.group(0), s0, s1,
                                  ((start, match.start()), (match.end(), object_end)))
    return None


def place(sentence: str, dateline: str | None, kind: str) -> tuple[str | None, str]:
    """Where a meeting took place: from the sentence, else the dateline (not for a call)."""
    for match in _PLACE.finditer(sentence):
        name = match.group(1)
        if name.split()[0] not in MONTHS.split("|") and name.split()[0] not in WEEKDAYS:
            return name, f"the sentence says it was in {name!r}"
    if kind == "phone_call":
        return None, "a call has no single place"
    if dateline:
        return dateline, (f"not stated in the sentence; {dateline!r} is the dateline, where "
                          "the report was filed: check that the meeting was held there")
    return None, "the text does not say where"


def dateline(text: str) -> str | None:
    """The place of the dateline ("LISBON —", "BEIJING, Jan 14 (Reuters) -"), title-cased."""
    found = re.search(r"^([A-Z][A-Z .'-]{2,40}?)(?:,[^—–\n]{0,40})?\s+[—–-]", text,
                      re.MULTILINE)
    if found is None:
        return None
    return " ".join(w.capitalize() for w in found.group(1).split())


def channel(sentence: str) -> tuple[str, str] | None:
    """The channel a sentence names, and the phrase that names it."""
    for value, pattern in CHANNELS:
        found = pattern.search(sentence)
        if found is not None:
            return value, found.group(0)
    return None


def topic_phrases(topics: Sequence[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    """For each topic (id, label), a pattern of the phrases that name it."""
    result = []
    for topic_id, label in topics:
        phrases = {" ".join(topic_id.split("-"))}
        words = re.split(r"\s+", label.lower().replace("–", "-"))
        head: list[str] = []
        for w in words:
            if w in ("on", "in", "to", "of", "for", "and", "as", "with"):
                break
            head.append(w)
        while head and (head[0] in _GENERIC or head[0].endswith(("’s", "'s"))):
            head = head[1:]
        if head and not all(w in _GENERIC for w in head):
            phrases.add(" ".join(head))
        alternatives = "|".join(
            r"[\s-]+".join(re.escape(w.rstrip("s")).replace(r"\-", "[-–]")
                            + ("s?" if w.endswith("s") or i == 0 else "")
                            for i, w in enumerate(p.split()))
            for p in sorted(phrases, key=len, reverse=True)
        )
        result.append((topic_id, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)))
    return result


def topics_of(sentence: str, patterns: Sequence[tuple[str, re.Pattern[str]]]
              ) -> list[tuple[str, str]]:
    """The topics whose phrases a sentence uses, with the words found."""
    found = []
    for topic_id, pattern in patterns:
        match = pattern.search(sentence)
        if match is not None:
            found.append((topic_id, match.group(0)))
    return found
