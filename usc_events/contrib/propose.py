"""Draft a contribution from a new article, for a person to review.

:func:`propose` reads an article and drafts what a curator would start from:

- the document's metadata, every field left for the reviewer, with what the text
  suggests (a headline, a dateline, a byline) given as comments;
- one ``statements`` record per direct quote, with its likely speaker: a known
  actor (matched by name or alias, exactly or fuzzily with rapidfuzz) or a new
  name next to an attribution verb ("said", "told"…); a pronoun ("he added") is
  left for the reviewer to resolve;
- one ``actors`` record per new speaker;
- the known actors mentioned and the dates written in the text, as comments.

Every drafted record carries its evidence (the sentence, verbatim) and a note
starting with ``NEEDS REVIEW:`` that gives a confidence and the reasoning. The
build refuses such notes, so nothing drafted enters the corpus before a person
has checked it: a guess is never presented as fact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usc_events.build.quotes import occurrences
from usc_events.build.table_rules import NEEDS_REVIEW
from usc_events.contrib.templates import schema_header

#: Verbs and phrases that attribute a quote to a speaker.
ATTRIBUTION = (
    r"said|says|told|tells|added|adds|stated|states|noted|notes|declared|wrote|writes|posted|"
    r"urged|warned|argued|insisted|remarked|explained|continued|asked|replied|according to"
)
_VERB = re.compile(rf"\b(?:{ATTRIBUTION})\b")
_PRONOUN = r"(?:he|she|they|He|She|They)"
_NAME = r"[A-Z][\w'’.-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’.-]*[a-z][\w'’-]*){1,3}"
_NAME_BEFORE = re.compile(rf"({_NAME})\s*(?:,[^,“”\"\n]{{1,80}},\s*)?$")
_NAME_AFTER = re.compile(rf"^\s+({_NAME})")
_PRONOUN_BEFORE = re.compile(rf"\b({_PRONOUN})\s+$")
_PRONOUN_AFTER = re.compile(rf"^\s+({_PRONOUN})\b")
_QUOTES = re.compile(r"“([^“”]+)”|\"([^\"\n]+)\"")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBREVIATIONS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_MONTH = rf"(?P<month>{_MONTHS}|(?:{_MONTH_ABBREVIATIONS})\.?)"
_DATES = re.compile(
    rf"\b{_MONTH}\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>[0-9]{{4}}))?\b"
    rf"|\b(?P<day2>[0-9]{{1,2}})\s+(?P<month2>{_MONTHS})(?:\s+(?P<year2>[0-9]{{4}}))?\b"
    r"|\b(?P<iso>[0-9]{4}-[0-9]{2}-[0-9]{2})\b"
    r"|\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
#: Quotes shorter than this many words are taken for scare quotes or titles and skipped.
MIN_QUOTE_WORDS = 3
#: Smallest rapidfuzz ratio (0-100) at which a name in the text is taken for a known actor.
FUZZY_CUTOFF = 88.0


@dataclass(frozen=True)
class KnownActor:
    """An actor already in the corpus: its id and the names the sources use."""

    actor_id: str
    names: tuple[str, ...]


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
    """A date written in the article; ``iso`` when the text gives day, month and year."""

    text: str
    start: int
    iso: str | None


@dataclass
class Draft:
    """The drafted files: paths relative to the draft folder, and their text."""

    document_id: str
    files: dict[str, str] = field(default_factory=dict)
    #: The article's exact bytes, to be copied beside its metadata.
    text_bytes: bytes = b""
    text_name: str = ""


def slug(text: str) -> str:
    """A lower-case, hyphenated identifier made from ``text``.

    Examples
    --------
    >>> slug("Gamma Delta-Smith, Jr.")
    'gamma-delta-smith-jr'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "draft"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- finding things in the text --------------------------------------------------------


def find_mentions(text: str, actors: Sequence[KnownActor]) -> list[Mention]:
    """Where known actors are named: exact names and aliases, then fuzzy matches.

    A capitalised run of words that is not an exact name is compared with every
    name with rapidfuzz's ratio; at :data:`FUZZY_CUTOFF` or above it counts.
    """
    from rapidfuzz import fuzz, process

    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    names = sorted(
        ((name, actor.actor_id) for actor in actors for name in actor.names if name),
        key=lambda pair: -len(pair[0]),
    )
    for name, actor_id in names:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            found.append(Mention(actor_id, match.start(), match.end(), name, 100.0))
    choices = [name for name, _ in names if len(name) >= 5]
    owner = dict(names)
    for match in re.finditer(_NAME, text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        best = process.extractOne(
            match.group(0), choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if best is not None:
            name, score, _ = best
            taken.append(match.span())
            found.append(Mention(owner[name], match.start(), match.end(), match.group(0), score))
    return sorted(found, key=lambda m: m.start)


def find_dates(text: str) -> list[DateMention]:
    """Dates written in the text; ``iso`` only when day, month and year are all given."""
    import datetime as dt

    months = _MONTHS.split("|")
    result = []
    for match in _DATES.finditer(text):
        groups = match.groupdict()
        iso = groups["iso"]
        month_name = groups["month"] or groups["month2"]
        day, year = groups["day"] or groups["day2"], groups["year"] or groups["year2"]
        if month_name and day and year:
            number = next(i for i, m in enumerate(months, 1) if m.startswith(month_name[:3]))
            try:
                iso = dt.date(int(year), number, int(day)).isoformat()
            except ValueError:
                iso = None
        elif iso:
            try:
                dt.date.fromisoformat(iso)
            except ValueError:
                iso = None
        result.append(DateMention(match.group(0), match.start(), iso))
    return result


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as spans; a full stop inside quotation marks does not end one."""
    masked = list(text)
    for match in _QUOTES.finditer(text):
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
        if ends and flat[at - 1 : at] != "x":
            spans.append((start, at))
            start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to, and why."""

    actor_id: str | None
    name: str | None
    confidence: float
    reason: str
    new: bool = False


def _guess_speaker(
    text: str, sentence: tuple[int, int], quote: tuple[int, int], mentions: list[Mention]
) -> Speaker:
    s0, s1 = sentence
    q0, q1 = quote
    outside = [m for m in mentions if s0 <= m.start and m.end <= s1 and not q0 <= m.start < q1]
    candidates: list[tuple[int, int, Speaker]] = []
    for segment_start, segment_end in ((s0, q0), (q1, s1)):
        for verb in _VERB.finditer(text, segment_start, segment_end):
            v0, v1 = verb.span()
            word = verb.group(0)
            for m in outside:
                distance = v0 - m.end if m.end <= v0 else m.start - v1 if m.start >= v1 else 99
                if 0 <= distance <= 60:
                    confidence = 0.8 if distance <= 3 else 0.6
                    reason = (
                        f"{m.matched!r} (known actor {m.actor_id}, {m.how}) is next to "
                        f"{word!r}"
                    )
                    candidates.append((distance, 0, Speaker(m.actor_id, m.matched, confidence,
                                                            reason)))
            before, after = text[segment_start:v0], text[v1:segment_end]
            for pattern, part, offset in ((_PRONOUN_BEFORE, before, 0), (_PRONOUN_AFTER, after, 0)):
                found = pattern.search(part)
                if found:
                    reason = (
                        f"the speaker is the pronoun {found.group(1)!r} before {word!r}: "
                        "resolve it from the text and set speaker_id"
                    )
                    candidates.append((1 + offset, 2, Speaker(None, None, 0.3, reason)))
            for pattern, part in ((_NAME_BEFORE, before), (_NAME_AFTER, after)):
                found = pattern.search(part)
                if found and not any(m.matched in found.group(1) for m in outside):
                    name = found.group(1)
                    reason = (
                        f"{name!r}, not a known actor, is next to {word!r}: a new actor is "
                        "drafted for it; check that it is not a known actor under another name"
                    )
                    distance = len(part) - found.end(1) if part is before else found.start(1)
                    candidates.append((distance, 1, Speaker(slug(name), name, 0.5, reason, True)))
    if candidates:
        return min(candidates, key=lambda c: (c[0], c[1]))[2]
    if outside:
        m = outside[0]
        reason = (
            f"no attribution verb; {m.matched!r} (known actor {m.actor_id}) is named in the "
            "same sentence"
        )
        return Speaker(m.actor_id, m.matched, 0.3, reason)
    return Speaker(None, None, 0.1, "no speaker found near the quote: set speaker_id")


# --- the drafts ------------------------------------------------------------------------


def _occurrence(text: str, quote: str, start: int) -> int | None:
    starts = occurrences(text, quote)
    return starts.index(start) + 1 if len(starts) > 1 else None


def _evidence(document_id: str, text: str, start: int, end: int) -> dict[str, Any]:
    quote = text[start:end]
    item: dict[str, Any] = {"document_id": document_id, "quote": quote}
    occurrence = _occurrence(text, quote, start)
    if occurrence is not None:
        item["occurrence"] = occurrence
    return item


def _dump(records: Iterable[dict[str, Any]] | dict[str, Any]) -> str:
    import yaml

    return str(
        yaml.safe_dump(records, sort_keys=False, allow_unicode=True, width=100,
                       default_flow_style=False)
    )


def _comment(lines: Iterable[str]) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def _metadata(document_id: str, file_name: str, text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    hints = []
    if lines and len(lines[0]) <= 150 and not lines[0].endswith("."):
        hints.append(f"title: the first line may be the headline: {lines[0]!r}")
    dateline = re.search(r"^([A-Z][A-Z .,'-]{2,40}?)\s+[—–-]", text, re.MULTILINE)
    if dateline:
        hints.append(f"dateline: the text has {dateline.group(1)!r}")
    byline = re.search(r"^By\s+([A-Z][^\n]{2,60})$", text, re.MULTILINE)
    if byline:
        hints.append(f"author: the byline reads {byline.group(1).strip()!r}")
    dates = find_dates(text)
    if dates:
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


def propose(
    text: str, text_bytes: bytes, name: str, actors: Sequence[KnownActor],
    known_documents: Sequence[str] = (),
) -> Draft:
    """Draft a contribution from an article's ``text`` (file name ``name``).

    Returns a :class:`Draft` whose ``files`` are, relative to a draft folder laid
    out like ``data/``: ``sources/<id>.yaml`` (metadata), ``records/statements/
    <id>.yaml`` and, when new speakers were found, ``records/actors/<id>.yaml``;
    the article itself goes to ``sources/<text_name>``.
    """
    document_id = slug(Path(name).stem)
    if document_id in known_documents:
        document_id = f"{document_id}-new"
    text_name = f"{document_id}.txt"
    draft = Draft(document_id, text_bytes=text_bytes, text_name=text_name)
    draft.files[f"sources/{document_id}.yaml"] = _metadata(document_id, text_name, text)
    mentions = find_mentions(text, actors)
    dates = find_dates(text)
    sentences = _sentence_spans(text)
    statements: list[dict[str, Any]] = []
    new_actors: dict[str, dict[str, Any]] = {}
    known_ids = {a.actor_id for a in actors}
    for match in _QUOTES.finditer(text):
        inner_start, inner_end = match.span(1) if match.group(1) else match.span(2)
        words = text[inner_start:inner_end].strip().rstrip(",.;:").strip()
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        words_start = text.index(words, inner_start)
        s0 = next((s for s, e in sentences if s <= match.start() < e), match.start())
        s1 = next((e for s, e in sentences if s < match.end() <= e), match.end())
        speaker = _guess_speaker(text, (s0, s1), match.span(), mentions)
        if speaker.new and speaker.actor_id is not None and speaker.actor_id in known_ids:
            speaker = Speaker(speaker.actor_id, speaker.name, 0.4,
                              speaker.reason + f"; the id {speaker.actor_id!r} already exists")
        elif speaker.new and speaker.actor_id is not None and speaker.name is not None:
            name_start = text.index(speaker.name, s0)
            new_actors.setdefault(speaker.actor_id, {
                "actor_id": speaker.actor_id,
                "name": speaker.name,
                "kind": None,
                "country": None,
                "aliases": [],
                "description": None,
                "note": f"{NEEDS_REVIEW}: confidence {speaker.confidence:.2f}; drafted as the "
                f"speaker of a quote on line {_line_of(text, match.start())}; set kind, "
                "country and description from the text, or delete this record if the "
                "speaker is a known actor.",
                "evidence": [_evidence(document_id, text, name_start,
                                       name_start + len(speaker.name))],
            })
        nearby = [d.text for d in dates if s0 <= d.start < s1]
        reason = speaker.reason
        if nearby:
            reason += f"; dates in the sentence (not set as fact): {', '.join(nearby)}"
        statements.append({
            "statement_id": f"{document_id}-quote-{len(statements) + 1}",
            "speaker_id": speaker.actor_id,
            "kind": "direct_quote",
            "text": text[words_start : words_start + len(words)],
            "meeting_id": None,
            "channel": "unspecified",
            "topic_ids": [],
            "note": f"{NEEDS_REVIEW}: confidence {speaker.confidence:.2f}; line "
            f"{_line_of(text, match.start())}; {reason}.",
            "evidence": [_evidence(document_id, text, s0, s1)],
        })
    summary = _summary(text, mentions, dates)
    header = schema_header("statements", 3) + "\n"
    draft.files[f"records/statements/{document_id}.yaml"] = header + _comment([
        "Drafts of the article's direct quotes, for review: check each speaker, channel,",
        "meeting, dates and topics against the text, then replace each NEEDS REVIEW note.",
        *summary,
    ]) + (_dump(statements) if statements else "[]\n")
    if new_actors:
        draft.files[f"records/actors/{document_id}.yaml"] = (
            schema_header("actors", 3) + "\n"
            + _comment(["Drafts of new actors (speakers not in the corpus), for review."])
            + _dump(list(new_actors.values()))
        )
    return draft


def _summary(text: str, mentions: list[Mention], dates: list[DateMention]) -> list[str]:
    lines = ["", "Known actors mentioned (for speakers and meeting participants):"]
    by_actor: dict[str, list[Mention]] = {}
    for m in mentions:
        by_actor.setdefault(m.actor_id, []).append(m)
    for actor_id, found in by_actor.items():
        first = found[0]
        lines.append(
            f"  {actor_id}: {len(found)} time(s), first on line {_line_of(text, first.start)} "
            f"as {first.matched!r} ({first.how})"
        )
    if not by_actor:
        lines.append("  none")
    lines.append("Dates written in the text (a date is a fact only where the text ties it to "
                 "an event):")
    for d in dates:
        lines.append(f"  line {_line_of(text, d.start)}: {d.text!r}"
                     + (f" = {d.iso}" if d.iso else " (incomplete)"))
    if not dates:
        lines.append("  none")
    return lines


# --- the corpus's actors ---------------------------------------------------------------


def known_actors(data_dir: Path | None) -> tuple[list[KnownActor], list[str]]:
    """The actors and document ids of the corpus: from ``data_dir``, else the packaged tables."""
    if data_dir is not None and data_dir.is_dir():
        from usc_events.build.builder import build

        corpus = build(data_dir)
        tables = corpus.tables
    else:
        from usc_events.releases.versions import load

        tables = {t: load(t, backend="arrow") for t in ("actors", "documents")}
    actors = [
        KnownActor(row["actor_id"], (row["name"], *(row["aliases"] or [])))
        for row in tables["actors"].select(["actor_id", "name", "aliases"]).to_pylist()
    ]
    documents = tables["documents"].column("document_id").to_pylist()
    return actors, documents


def write_draft(draft: Draft, folder: Path) -> list[Path]:
    """Write the draft into a new folder ``folder`` (which must not exist or be empty).

    The files are written to a temporary folder beside it that is then moved into
    place, so a failure leaves nothing behind.
    """
    from usc_events._files import replace_folder

    def fill(staging: Path) -> None:
        for relative, content in draft.files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        (staging / "sources" / draft.text_name).write_bytes(draft.text_bytes)

    folder = folder.resolve()
    replace_folder(folder, fill, prefix=".draft-")  # an existing folder is empty: the caller checks
    return sorted(p for p in folder.rglob("*") if p.is_file())
