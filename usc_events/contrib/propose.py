"""Draft a contribution from a new article, for a person to review.

:func:`propose` reads an article and drafts what a curator would start from:

- the document's metadata, every field left for the reviewer, with what the text
  suggests (a headline, a dateline, a byline, a publication date) given as comments;
- one ``statements`` record per direct quote, with its speaker where the sentence
  names one: the grammatical subject of the attribution verb, a surname or title
  for an actor named earlier, or a pronoun resolved to the last person who was a
  subject (see :mod:`usc_events.contrib.speakers`); where the sentence does not
  say, the speaker is left open with the reason. The channel, the meeting and the
  topics are drafted where the sentence names them;
- one ``meetings`` record per meeting, call or visit the article says happened,
  with its participants, an EDTF date (inferred from a weekday and the
  publication date, the reasoning in the note) and its place
  (see :mod:`usc_events.contrib.events`);
- one ``actors`` record per new actor, with a guessed kind, marked new;
- the known actors mentioned and the dates written in the text, as comments.

Every drafted record carries its evidence (the sentence, verbatim) and a note
starting with ``NEEDS REVIEW:`` that gives a confidence and the reasoning. The
build refuses such notes, so nothing drafted enters the corpus before a person
has checked it: a guess is never presented as fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from usc_events.build.quotes import occurrences
from usc_events.build.table_rules import NEEDS_REVIEW
from usc_events.contrib import events
from usc_events.contrib.article_text import (
    FUZZY_CUTOFF,
    MIN_QUOTE_WORDS,
    DateMention,
    KnownActor,
    Lines,
    Mention,
    find_dates,
    find_mentions,
    quote_spans,
    sentence_spans,
    slug,
)
from usc_events.contrib.drafts import Draft, known_actors, known_corpus, write_draft
from usc_events.contrib.names import Entity
from usc_events.contrib.speakers import Attributor, Speaker
from usc_events.contrib.templates import schema_header

__all__ = [
    "FUZZY_CUTOFF", "MIN_QUOTE_WORDS", "DateMention", "Draft", "KnownActor", "Mention",
    "Speaker", "find_dates", "find_mentions", "known_actors", "known_corpus", "propose",
    "slug", "write_draft",
]


# --- the drafts ------------------------------------------------------------------------


#: Above this many characters, a sentence's occurrences are counted among whole
#: sentences only (searching the whole text for each would make the time quadratic).
EXACT_OCCURRENCES = 2_000_000


class _Evidence:
    """Evidence items, with ``occurrence`` where the quote recurs (each quote searched once).

    In a text longer than :data:`EXACT_OCCURRENCES`, a quote that is a whole
    sentence is counted among the sentences; should it also occur inside another
    sentence, ``validate`` reports it as ambiguous, with a hint.
    """

    def __init__(self, document_id: str, text: str, sentences: list[tuple[int, int]]) -> None:
        self.document_id = document_id
        self.text = text
        self._starts: dict[str, list[int]] = {}
        if len(text) > EXACT_OCCURRENCES:
            for s0, s1 in sentences:
                self._starts.setdefault(text[s0:s1], []).append(s0)

    def __call__(self, start: int, end: int) -> dict[str, Any]:
        quote = self.text[start:end]
        item: dict[str, Any] = {"document_id": self.document_id, "quote": quote}
        starts = self._starts.get(quote)
        if starts is None:
            starts = self._starts[quote] = occurrences(self.text, quote)
        if len(starts) > 1:
            import bisect

            item["occurrence"] = bisect.bisect_left(starts, start) + 1
        return item


def _dump(records: Iterable[dict[str, Any]] | dict[str, Any]) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when installed: faster
    return str(
        yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100,
                  default_flow_style=False)
    )


def _comment(lines: Iterable[str]) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def _metadata(document_id: str, file_name: str, text: str, dates: list[DateMention]) -> str:
    lines = [line.strip() for line in text[:5000].splitlines() if line.strip()]
    hints = []
    if lines and len(lines[0]) <= 150 and not lines[0].endswith("."):
        hints.append(f"title: the first line may be the headline: {lines[0]!r}")
    place = events.dateline(text[:5000])
    if place:
        hints.append(f"dateline: the text has {place.upper()!r}")
    byline = re.search(r"^By\s+([A-Z][^\n]{2,60})$", text[:5000], re.MULTILINE)
    if byline:
        hints.append(f"author: the byline reads {byline.group(1).strip()!r}")
    published = events.publication_date(text, dates)
    if published:
        hints.append(f"published_text: the top of the text has {published[1]!r}")
    elif dates:
        hints.append(f"published_text: the first date in the text is {dates[0].text!r}")
    record: dict[str, Any] = {
        "document_id": document_id,
        "file_name": file_name,
        "title": None,
        "outlet": None,
        "author": None,
        "published_earliest": None,
        "published_latest": None,
        "published_text": None,
        "dateline": None,
        "kind": None,
        "language": None,
        "url": None,
        "note": f"{NEEDS_REVIEW}: drafted by 'usc-events propose'; every field is left for "
        "the reviewer (see the comments above); replace this note with how the metadata "
        "was established.",
        "passages": [],
    }
    header = [
        "Draft of a document's metadata, for review. Fill in every field from the text",
        "(null where the text does not say), add boilerplate passages, replace the note.",
        "What the text suggests (guesses, not facts):",
        *(f"  {hint}" for hint in hints or ["nothing"]),
    ]
    return schema_header("documents", 2) + "\n" + _comment(header) + _dump(record)


def _review(confidence: float, line: int, reason: str) -> str:
    return f"{NEEDS_REVIEW}: confidence {confidence:.2f}; line {line}; {reason}."


class _Drafter:
    """Drafts the records of one article, sentence by sentence, in one pass."""

    def __init__(self, text: str, document_id: str, actors: Sequence[KnownActor],
                 topics: Sequence[tuple[str, str]]) -> None:
        self.text = text
        self.document_id = document_id
        self.lines = Lines(text)
        self.mentions = find_mentions(text, actors)
        self.sentences = sentence_spans(text)
        self.evidence = _Evidence(document_id, text, self.sentences)
        self.dates = find_dates(text)
        self.date_starts = [d.start for d in self.dates]
        self.published = events.publication_date(text, self.dates)
        self.dateline = events.dateline(text[:5000])
        self.topics = events.topic_phrases(topics)
        self.known_ids = {a.actor_id for a in actors}
        self.attributor = Attributor(text, self.mentions, {a.actor_id: a.kind for a in actors})
        self.statements: list[dict[str, Any]] = []
        self.meetings: list[dict[str, Any]] = []
        self.participants: list[dict[str, Any]] = []
        self.new_actors: dict[str, tuple[dict[str, Any], str]] = {}
        self._meeting_keys: dict[tuple[str, frozenset[str]], dict[str, Any]] = {}

    def run(self) -> None:
        quotes = quote_spans(self.text)
        outer = [(q[0], q[1]) for q in quotes]
        at = 0
        for s0, s1 in self.sentences:
            mine = []
            while at < len(quotes) and quotes[at][0] < s1:
                if quotes[at][0] >= s0:
                    mine.append(quotes[at])
                at += 1
            bounds = [s0, *(p for q in mine for p in (q[0], q[1])), s1]
            outside = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
            meeting = self._meeting(s0, s1, outside)
            for i, quote in enumerate(mine):
                self._statement(s0, s1, quote, (outside[i], outside[i + 1]), outside, meeting)
            self.attributor.observe(s0, s1, outer[at - len(mine) : at] if mine else [])
            if not mine:
                self.attributor.set_subject(self.attributor.sentence_subject(s0, s1))
            self.attributor.sentence_index += 1

    def _dates_in(self, s0: int, s1: int) -> list[DateMention]:
        import bisect

        return self.dates[bisect.bisect_left(self.date_starts, s0)
                          : bisect.bisect_left(self.date_starts, s1)]

    def _outside_text(self, outside: Sequence[tuple[int, int]]) -> str:
        return " … ".join(self.text[a:b] for a, b in outside)

    def _statement(self, s0: int, s1: int, quote: tuple[int, int, int, int],
                   frames: tuple[tuple[int, int], tuple[int, int]],
                   outside: Sequence[tuple[int, int]], meeting: dict[str, Any] | None) -> None:
        text = self.text
        speaker = self.attributor.attribute(frames)
        line = self.lines.of(quote[0])
        if speaker.new and speaker.actor_id in self.known_ids:
            speaker = Speaker(speaker.actor_id, speaker.name, 0.4,
                              speaker.reason + f"; the id {speaker.actor_id!r} already exists")
        elif speaker.new and speaker.actor_id is not None:
            entity = self.attributor.entities.get(speaker.actor_id)
            if entity is not None:
                self._new_actor(entity, speaker.confidence, f"the speaker of a quote on line "
                                f"{line}")
        frame = self._outside_text(outside)
        reasons = [speaker.reason]
        found = events.channel(frame)
        channel = "unspecified"
        meeting_id = None
        if meeting is not None:
            meeting_id = meeting["meeting_id"]
            channel = "phone_call" if meeting["kind"] == "phone_call" else "in_person"
            reasons.append(f"said in the sentence that reports {meeting_id}")
        elif self.meetings and re.search(r"\b(?:during|at|in|on) (?:the|their) (?:meeting|"
                                         r"talks|call|phone call|visit)\b", frame):
            meeting = self.meetings[-1]
            meeting_id = meeting["meeting_id"]
            reasons.append(f"the sentence places it at a meeting, taken for {meeting_id}, the "
                           "last one drafted")
        if found is not None:
            channel = found[0]
            reasons.append(f"channel from {found[1]!r}")
        sentence = text[s0:s1]
        topics = events.topics_of(sentence, self.topics)
        if topics:
            reasons.append("topics from the words " + ", ".join(repr(w) for _, w in topics))
        date = events.event_date(sentence, self._dates_in(s0, s1), self.published)
        if meeting is not None:
            date_value, basis = meeting["date"], meeting["date_basis"]
            reasons.append("dated as the meeting")
        elif date.edtf is not None and not date.edtf.startswith(".."):
            date_value, basis = date.edtf, date.basis
            reasons.append(f"date: {date.reason}")
        else:
            date_value, basis = None, None
        self.statements.append({
            "statement_id": f"{self.document_id}-quote-{len(self.statements) + 1}",
            "speaker_id": speaker.actor_id,
            "kind": "direct_quote",
            "text": text[quote[2] : quote[3]],
            "meeting_id": meeting_id,
            "channel": channel,
            "date": date_value,
            "date_basis": basis,
            "topic_ids": [t for t, _ in topics],
            "note": _review(speaker.confidence, line, "; ".join(reasons)),
            "evidence": [self.evidence(s0, s1)],
        })

    def _meeting(self, s0: int, s1: int, outside: Sequence[tuple[int, int]]
                 ) -> dict[str, Any] | None:
        found = events.find_meeting(self.text, s0, s1, outside)
        if found is None:
            return None
        people: dict[str, Entity] = {}
        for a, b in found.zones:
            for entity in self.attributor.named_in(a, b):
                people.setdefault(entity.actor_id, entity)
        key = (found.kind, frozenset(people))
        line = self.lines.of(found.start)
        if key in self._meeting_keys and people:
            known = self._meeting_keys[key]
            known["evidence"].append(self.evidence(s0, s1))
            return known
        sentence = self.text[s0:s1]
        date = events.event_date(sentence, self._dates_in(s0, s1), self.published)
        location, where = events.place(sentence, self.dateline, found.kind)
        names = [e.name for e in people.values()]
        kind_words = {"phone_call": "phone call", "visit": "visit", "meeting": "meeting"}
        meeting_id = f"{self.document_id}-{found.kind.replace('_', '-')}-{len(self.meetings) + 1}"
        confidence = 0.7 if len(people) >= 2 else 0.4
        reasons = [f"{found.verb!r} reports it as having happened",
                   f"participants: {', '.join(names) if names else 'none named'}",
                   f"date: {date.reason}", f"place: {where}"]
        record: dict[str, Any] = {
            "meeting_id": meeting_id,
            "kind": found.kind,
            "title": f"{' and '.join(names) if names else 'Unnamed'} "
                     f"{kind_words[found.kind]}",
            "location": location,
            "date": date.edtf,
            "date_basis": date.basis,
            "summary": None,
            "plover_event": "CONSULT",
            "cameo_code": {"phone_call": "041", "visit": "042"}.get(found.kind, "040"),
            "note": _review(confidence, line, "; ".join(reasons)),
            "evidence": [self.evidence(s0, s1)],
        }
        self.meetings.append(record)
        self._meeting_keys[key] = record
        for entity in people.values():
            if entity.new:
                self._new_actor(entity, 0.6, f"a participant in {meeting_id}")
            self.participants.append({
                "meeting_id": meeting_id,
                "actor_id": entity.actor_id,
                "role": "participant",
                "note": _review(confidence, line, f"{entity.name!r} is named in the sentence "
                                f"that reports the {kind_words[found.kind]}; set host or guest "
                                "where the text says who received whom"),
                "evidence": [self.evidence(s0, s1)],
            })
        return record

    def _name_evidence(self, start: int, length: int) -> dict[str, Any]:
        """The name as evidence; in a very long text, the sentence that names it."""
        if len(self.text) <= EXACT_OCCURRENCES:
            return self.evidence(start, start + length)
        import bisect

        s0, s1 = self.sentences[bisect.bisect_right(self.sentences, (start, len(self.text))) - 1]
        return self.evidence(s0, s1)

    def _new_actor(self, entity: Entity, confidence: float, why: str) -> None:
        if entity.actor_id in self.new_actors or entity.actor_id in self.known_ids:
            return
        description = None
        if entity.apposition:
            description = entity.apposition[0].upper() + entity.apposition[1:] + "."
        elif entity.titles and entity.kind == "person":
            description = " ".join(sorted(entity.titles)).capitalize() + "."
        name_at = self.text.index(entity.name, entity.start)
        basis = (f"kind {entity.kind!r} guessed from "
                 + (f"the apposition {entity.apposition!r}" if entity.apposition
                    else "the words of the name"))
        self.new_actors[entity.actor_id] = ({
            "actor_id": entity.actor_id,
            "name": entity.name,
            "kind": entity.kind,
            "country": None,
            "aliases": [],
            "description": description,
            "note": f"{NEEDS_REVIEW}: new actor (not in the corpus); confidence "
            f"{confidence:.2f}; drafted as {why}; {basis}; check kind, set country and "
            "description from the text, or delete this record if it is a known actor.",
            "evidence": [self._name_evidence(name_at, len(entity.name))],
        }, f"new: {entity.name} ({entity.kind})")
        if entity.organisation and entity.kind == "person":
            org_id = slug(entity.organisation)
            titles = " ".join(entity.titles)
            kind = "company" if re.search(r"executive|ceo|founder|company|chair", titles) else (
                "government_body" if "minist" in titles else "organization")
            self.attributor.entities.setdefault(org_id, Entity(
                org_id, entity.organisation, kind, True, self.text.index(entity.organisation,
                                                                        name_at)))
            self._new_actor(self.attributor.entities[org_id], confidence,
                            f"the organisation of {entity.name!r}")


def propose(
    text: str, text_bytes: bytes, name: str, actors: Sequence[KnownActor],
    known_documents: Sequence[str] = (), topics: Sequence[tuple[str, str]] = (),
) -> Draft:
    """Draft a contribution from an article's ``text`` (file name ``name``).

    ``actors`` are the corpus's actors, ``topics`` its vocabulary as (id, label).
    Returns a :class:`Draft` whose ``files`` are, relative to a draft folder laid
    out like ``data/``: ``sources/<id>.yaml`` (metadata), ``records/statements/
    <id>.yaml`` and, where the article supports them, ``records/meetings/``,
    ``records/meeting_participants/`` and ``records/actors/<id>.yaml``; the
    article itself goes to ``sources/<text_name>``.
    """
    document_id = slug(Path(name).stem)
    if document_id in known_documents:
        document_id = f"{document_id}-new"
    text_name = f"{document_id}.txt"
    draft = Draft(document_id, text_bytes=text_bytes, text_name=text_name)
    drafter = _Drafter(text, document_id, actors, topics)
    draft.files[f"sources/{document_id}.yaml"] = _metadata(document_id, text_name, text,
                                                           drafter.dates)
    drafter.run()
    summary = _summary(drafter.lines, drafter.mentions, drafter.dates)
    draft.files[f"records/statements/{document_id}.yaml"] = (
        schema_header("statements", 3) + "\n" + _comment([
            "Drafts of the article's direct quotes, for review: check each speaker, channel,",
            "meeting, date and topics against the text, then replace each NEEDS REVIEW note.",
            "A speaker left empty is one the sentence does not name: the note says why.",
            *summary,
        ]) + (_dump(drafter.statements) if drafter.statements else "[]\n"))
    if drafter.meetings:
        draft.files[f"records/meetings/{document_id}.yaml"] = (
            schema_header("meetings", 3) + "\n" + _comment([
                "Drafts of the meetings, calls and visits the article reports, for review:",
                "write each summary, check kind, date, place and title against the text.",
            ]) + _dump(drafter.meetings))
        draft.files[f"records/meeting_participants/{document_id}.yaml"] = (
            schema_header("meeting_participants", 3) + "\n" + _comment([
                "Drafts of the meetings' participants, for review.",
            ]) + (_dump(drafter.participants) if drafter.participants else "[]\n"))
    if drafter.new_actors:
        draft.files[f"records/actors/{document_id}.yaml"] = (
            schema_header("actors", 3) + "\n"
            + _comment(["Drafts of new actors (not in the corpus), each marked 'new', for "
                        "review."])
            + "".join("\n# " + mark + "\n" + _dump([record])
                      for record, mark in drafter.new_actors.values()))
    return draft


def _summary(lines: Lines, mentions: list[Mention], dates: list[DateMention]) -> list[str]:
    result = ["", "Known actors mentioned (for speakers and meeting participants):"]
    by_actor: dict[str, list[Mention]] = {}
    for m in mentions:
        by_actor.setdefault(m.actor_id, []).append(m)
    for actor_id, found in by_actor.items():
        first = found[0]
        result.append(
            f"  {actor_id}: {len(found)} time(s), first on line {lines.of(first.start)} "
            f"as {first.matched!r} ({first.how})"
        )
    if not by_actor:
        result.append("  none")
    result.append("Dates written in the text (a date is a fact only where the text ties it "
                  "to an event):")
    for d in dates[:200]:
        result.append(f"  line {lines.of(d.start)}: {d.text!r}"
                      + (f" = {d.iso}" if d.iso else " (incomplete)"))
    if len(dates) > 200:
        result.append(f"  … and {len(dates) - 200} more")
    if not dates:
        result.append("  none")
    return result
