"""Who said a quote: the grammatical speaker of the attribution verb, or nobody.

A rule set, not a statistical parser: spaCy's official English models are not on
the package index (only unofficial re-uploads are), and a model may not be
fetched at run time. The rules read the sentence the way a copy editor does:

- the speaker is the subject of the attribution verb ("said", "told",
  "according to"…): the noun phrase just before it, past an apposition or an
  inserted clause ("Wang Yi, the foreign minister, said"; "Rubio, asked about
  the talks, said"), or just after it when the order is inverted ("…,” said Lisa
  Su, the chief executive of AMD);
- what follows the verb (an object, a that-clause) never speaks, so a state or a
  company named there is never taken for the speaker;
- a surname ("Wang") or a title ("the minister", "the ministry") refers to an
  actor the article named earlier, when exactly one fits;
- a pronoun ("he added") refers to the last person who was a subject in the
  preceding sentences, with lower confidence;
- anything else leaves the speaker open, with the reason.

Confidence is the share of drafts of that kind the rule gets right on the test
articles (see docs/contributing.md): 0.9 a known actor as subject, 0.8 a new full
name or a surname met before, 0.7 a title, 0.6 a pronoun, 0.5 and below a guess.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from usc_events.contrib.article_text import WORD, Mention, slug
from usc_events.contrib.names import (
    APPOSITION,
    CAPITALISED,
    FILLER,
    FOR_ORG,
    ORG_NOUNS,
    ORG_SPOKESPERSON,
    PRONOUN,
    RUN,
    RUN_AFTER,
    SKIP,
    SOURCE_AFTER,
    TITLE_REF,
    TITLE_REF_AFTER,
    TITLES,
    VERB,
    Entity,
    Speaker,
    guess_kind,
)

__all__ = ["Attributor", "Speaker"]


#: How many of the actors named most recently a surname or a title is matched against.
RECENT = 50


class Attributor:
    """Reads an article sentence by sentence and names the speakers of its quotes."""

    def __init__(self, text: str, mentions: Sequence[Mention], kinds: dict[str, str | None]):
        self.text = text
        self.kinds = kinds
        self.by_end = {m.end: m for m in mentions}
        self.by_start = {m.start: m for m in mentions}
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.entities: dict[str, Entity] = {}
        #: The actors named most recently, newest last: where a surname or title is looked up.
        self.recent: dict[str, Entity] = {}
        self.last_subject: tuple[Entity, int] | None = None
        self.sentence_index = 0

    # --- the discourse so far ----------------------------------------------------------

    def _entity(self, actor_id: str, name: str, start: int, new: bool, kind: str | None = None
                ) -> Entity:
        entity = self.entities.get(actor_id)
        if entity is None:
            entity = Entity(actor_id, name, kind if new else self.kinds.get(actor_id), new, start)
            self.entities[actor_id] = entity
        self.recent.pop(actor_id, None)
        self.recent[actor_id] = entity
        if len(self.recent) > RECENT:
            del self.recent[next(iter(self.recent))]
        return entity

    def _is_person(self, entity: Entity) -> bool:
        return entity.kind in (None, "person")

    def _new_name(self, run: str, start: int) -> tuple[str, list[str], int] | None:
        """A new name from a capitalised run: title words and sentence openers removed."""
        words = run.split()
        offset = 0
        while words and (words[0] in SKIP or words[0].endswith(("’s", "'s"))):
            offset += len(words[0]) + 1
            words = words[1:]
        if words and guess_kind(" ".join(words)) != "person":
            return " ".join(words), [], start + offset
        titles = []
        while words and words[0] in TITLES:
            titles.append(words[0].lower())
            offset += len(words[0]) + 1
            words = words[1:]
        if not words:
            return None
        name = " ".join(words)
        return name, titles, self.text.index(name, start + offset)

    def observe(self, s0: int, s1: int, quotes: Sequence[tuple[int, int]]) -> None:
        """Register the actors a sentence names and the titles it gives them."""
        inside = [(a, b) for a, b in quotes if s0 <= a < s1]
        for m in self._mentions_in(s0, s1):
            if not any(a <= m.start < b for a, b in inside):
                entity = self._entity(m.actor_id, m.matched, m.start, False)
                entity.titles.update(w.lower() for w in m.matched.split() if w in TITLES)
                self._titles(entity, m.end)
        for run in CAPITALISED.finditer(self.text, s0, s1):
            start = run.start()
            if any(a <= start < b for a, b in inside) or self._overlaps_mention(start, run.end()):
                continue
            found = self._new_name(run.group(0), start)
            if found and len(found[0].split()) >= 2:
                name, titles, name_start = found
                entity = self._entity(slug(name), name, name_start, True, guess_kind(name))
                entity.titles.update(titles)
                self._titles(entity, name_start + len(name))

    def _mentions_in(self, s0: int, s1: int) -> list[Mention]:
        return self.mentions[bisect.bisect_left(self.starts, s0) : bisect.bisect_left(
            self.starts, s1)]

    def _overlaps_mention(self, start: int, end: int) -> bool:
        before = self.mentions[max(0, bisect.bisect_left(self.starts, start) - 1)
                               : bisect.bisect_left(self.starts, end)]
        return any(start < m.end and m.start < end for m in before)

    def _titles(self, entity: Entity, end: int) -> None:
        found = APPOSITION.match(self.text, end, min(len(self.text), end + 120))
        if found is None:
            return
        apposition = found.group(1)
        if entity.apposition is None:
            entity.apposition = apposition
        entity.titles.update(w.lower() for w in re.findall(r"[A-Za-z-]+", apposition)[1:])
        organisation = re.search(rf"\b(?:of|at|for)\s+(?:the\s+)?((?:{WORD}\s*)+)$", apposition)
        if organisation and entity.new and entity.organisation is None:
            entity.organisation = organisation.group(1).strip()

    def named_in(self, start: int, end: int) -> list[Entity]:
        """The actors a phrase names (a meeting's subject or object), appositions aside."""
        text = self.text
        masked = [(a.start(), a.end()) for a in re.finditer(
            r",\s+(?:the|a|an|who|which)\b[^,]*,", text[start:end])]
        result: dict[str, Entity] = {}
        for m in self._mentions_in(start, end):
            if any(start + a <= m.start < start + b for a, b in masked) or text[
                    m.end : m.end + 2] in ("’s", "'s"):
                continue
            result.setdefault(m.actor_id, self._entity(m.actor_id, m.matched, m.start, False))
        pronoun = re.match(r"\s*(?:[^,]{1,60},\s+)?(?:he|she|He|She)\b", text[start:end])
        if pronoun is not None and self.last_subject is not None:
            entity = self.last_subject[0]
            result.setdefault(entity.actor_id, entity)
        for run in CAPITALISED.finditer(text, start, end):
            at = run.start()
            if any(start + a <= at < start + b for a, b in masked) or self._overlaps_mention(
                    at, run.end()) or text[run.end() : run.end() + 2] in ("’s", "'s"):
                continue
            found = self._new_name(run.group(0), at)
            if found is None:
                continue
            name = found[0]
            if len(name.split()) >= 2:
                entity = self._entity(slug(name), name, found[2], True, guess_kind(name))
                result.setdefault(entity.actor_id, entity)
                continue
            fits = [e for e in self.recent.values() if e.name.split()[-1] == name]
            if len(fits) == 1:
                result.setdefault(fits[0].actor_id, fits[0])
        return list(result.values())

    def set_subject(self, entity: Entity | None) -> None:
        if entity is not None and self._is_person(entity):
            self.last_subject = (entity, self.sentence_index)

    def sentence_subject(self, s0: int, s1: int) -> Entity | None:
        """The person a sentence without quotes is about, when it opens with a name."""
        opening = self.text[s0 : min(s1, s0 + 160)]
        intro = re.match(r"[^,“”\"]{1,60},\s+(?=[A-Z])", opening)
        for at in (0, intro.end() if intro else None):
            if at is None:
                continue
            run = RUN_AFTER.match(opening, at)
            if run is None:
                continue
            start = s0 + run.start(1)
            for m in self._mentions_in(start, s0 + run.end(1) + 1):
                return self.entities.get(m.actor_id)
            found = self._new_name(run.group(1), start)
            if found and found[0].split() and len(found[0].split()) >= 2:
                return self.entities.get(slug(found[0]))
        return None

    # --- attribution ---------------------------------------------------------------------

    def attribute(self, frames: tuple[tuple[int, int], tuple[int, int]]) -> Speaker:
        """The speaker of a quote, from the frame before it and the frame after it."""
        (p0, p1), (a0, a1) = frames
        failures: list[str] = []
        for verb in VERB.finditer(self.text, p0, p1):
            found = self._subject(p0, verb, failures)
            if found is not None:
                return found
        after = re.match(r"[\s,]*", self.text[a0:a1])
        later = VERB.search(self.text, a0, min(a1, a0 + 120))
        if later is not None:
            if after is not None and later.start() == a0 + after.end():
                found = self._inverted(later, a1, failures)
            else:
                found = self._subject(a0, later, failures)
            if found is not None:
                return found
        if failures:
            return Speaker(None, None, 0.2, failures[0] + ": set speaker_id from the text")
        return Speaker(None, None, 0.1, "no attribution verb next to the quote: set "
                       "speaker_id from the text, or delete the draft if it is nobody's words")

    def _subject(self, start: int, verb: re.Match[str], failures: list[str]) -> Speaker | None:
        word = verb.group(0)
        if word == "according to":
            return self._inverted(verb, verb.end() + 150, failures)
        segment = self.text[start : verb.start()]
        filler = FILLER.search(segment)
        end = start + (filler.start() if filler else len(segment.rstrip()))
        if self.text[start:end].rstrip().endswith(","):
            commas = [start + i for i, c in enumerate(self.text[start:end]) if c == ","]
            for cut in reversed(commas[-3:-1]):
                found = self._at(start, cut, word, "with an inserted clause")
                if found is not None:
                    return found
            failures.append(f"the subject of {word!r} is not a name this draft can read")
            return None
        found = self._at(start, end, word, "")
        if found is None:
            before = " ".join(self.text[start:end].split()[-4:])
            if before:
                failures.append(f"the subject of {word!r} ({before!r}) is not a named actor")
        return found

    def _at(self, start: int, end: int, word: str, how: str) -> Speaker | None:
        """The speaker named by the noun phrase ending at ``end``."""
        text = self.text
        while end > start and text[end - 1].isspace():
            end -= 1
        said = f" ({how})" if how else ""
        m = self.by_end.get(end)
        if m is not None and m.start >= start:
            organisation = FOR_ORG.search(text, max(start, m.start - 80), m.start)
            entity = self._entity(m.actor_id, m.matched, m.start, False)
            if organisation is not None:
                return self._known(m, 0.8, f"a spokesperson for {m.matched!r} (known actor "
                                   f"{m.actor_id}, {m.how}) is the subject of {word!r}")
            confidence = 0.9 if m.score >= 100 else 0.7
            self.set_subject(entity)
            return self._known(m, confidence, f"{m.matched!r} (known actor {m.actor_id}, "
                               f"{m.how}) is the subject of {word!r}{said}")
        for m in self._mentions_in(max(start, end - 100), end):
            tail = text[m.end : end]
            if ORG_SPOKESPERSON.match(tail):
                return self._known(m, 0.8, f"{m.matched!r} (known actor {m.actor_id}) is "
                                   f"named as the speaker's body, the subject of {word!r}")
        pronoun = PRONOUN.search(text, max(start, end - 6), end)
        if pronoun is not None:
            return self._pronoun(pronoun.group(1), word)
        title = TITLE_REF.search(text, max(start, end - 60), end)
        if title is not None:
            return self._title(title.group(1), word)
        run = RUN.search(text, max(start, end - 120), end)
        if run is not None and run.end(1) == end:
            return self._name(run.group(1), run.start(1), word, how)
        return None

    def _inverted(self, verb: re.Match[str], limit: int, failures: list[str]) -> Speaker | None:
        """The speaker named after the verb: "…,” said Lisa Su" or "according to Wang"."""
        text, word, at = self.text, verb.group(0), verb.end()
        source = SOURCE_AFTER.match(text, at, limit)
        if source is not None:
            at = source.end() - 1
        space = re.match(r"\s*", text[at:limit])
        begin = at + (space.end() if space else 0)
        m = self.by_start.get(begin)
        if m is not None:
            self.set_subject(self._entity(m.actor_id, m.matched, m.start, False))
            return self._known(m, 0.9 if m.score >= 100 else 0.7,
                               f"{m.matched!r} (known actor {m.actor_id}, {m.how}) is the "
                               f"speaker named after {word!r}")
        title = TITLE_REF_AFTER.match(text, at, limit)
        if title is not None:
            return self._title(title.group(1), word)
        run = RUN_AFTER.match(text, at, limit)
        if run is not None:
            found = self._name(run.group(1), run.start(1), word, "named after the verb")
            if found is not None:
                return found
        failures.append(f"no name follows {word!r}")
        return None

    def _known(self, m: Mention, confidence: float, reason: str) -> Speaker:
        return Speaker(m.actor_id, m.matched, confidence, reason,
                       kind=self.kinds.get(m.actor_id))

    def _pronoun(self, pronoun: str, word: str) -> Speaker:
        if pronoun.lower() not in ("he", "she"):
            return Speaker(None, None, 0.2, f"the subject of {word!r} is {pronoun!r}, which "
                           "names no single actor: set speaker_id from the text")
        if self.last_subject is None or self.sentence_index - self.last_subject[1] > 3:
            return Speaker(None, None, 0.2, f"the speaker is the pronoun {pronoun!r} before "
                           f"{word!r}, and no person is the subject of the sentences before "
                           "it: resolve it from the text and set speaker_id")
        entity, index = self.last_subject
        distance = self.sentence_index - index
        return Speaker(entity.actor_id, entity.name, 0.6 if distance <= 2 else 0.5,
                       f"the speaker is the pronoun {pronoun!r} before {word!r}, resolved to "
                       f"{entity.name!r}, the last person named as a subject ({distance} "
                       "sentence(s) before): check it", new=entity.new, kind=entity.kind,
                       name_start=entity.start if entity.new else None)

    def _title(self, phrase: str, word: str) -> Speaker | None:
        head = phrase.split()[-1]
        if head in ("two", "sides", "other", "same", "latter", "former"):
            return None
        org = head in ORG_NOUNS
        if org:
            fits = [e for e in self.recent.values()
                    if not self._is_person(e) and head in e.name.lower()]
        else:
            fits = [e for e in self.recent.values()
                    if self._is_person(e) and head in e.titles]
        if org and not fits and head in ("company", "firm"):
            fits = [e for e in self.recent.values() if e.kind == "company"]
        if len(fits) != 1:
            what = "no actor" if not fits else f"{len(fits)} actors"
            return Speaker(None, None, 0.2, f"the subject of {word!r} is 'the {phrase}', and "
                           f"{what} named earlier fit(s) it: set speaker_id from the text")
        entity = fits[0]
        self.set_subject(entity)
        return Speaker(entity.actor_id, entity.name, 0.7,
                       f"the subject of {word!r} is 'the {phrase}', taken for {entity.name!r}, "
                       f"the only actor named earlier that fits it", new=entity.new,
                       kind=entity.kind, name_start=entity.start if entity.new else None)

    def _name(self, run: str, start: int, word: str, how: str) -> Speaker | None:
        found = self._new_name(run, start)
        if found is None:
            return None
        name, titles, name_start = found
        if len(name.split()) == 1:
            key = name.rstrip(".")
            fits = {e.actor_id: e for e in self.recent.values()
                    if e.name.split()[-1] == key or e.name.split()[0] == key}
            if len(fits) == 1:
                (entity,) = fits.values()
                self.set_subject(entity)
                return Speaker(entity.actor_id, entity.name, 0.8,
                               f"{name!r}, the subject of {word!r}, is taken for "
                               f"{entity.name!r}, named earlier in the article",
                               new=entity.new, kind=entity.kind,
                               name_start=entity.start if entity.new else None)
            if fits:
                return Speaker(None, None, 0.2, f"{name!r}, the subject of {word!r}, fits "
                               f"{len(fits)} actors named earlier: set speaker_id")
            opening = not self.text[max(0, start - 3) : start].strip(" “\"")
            if name.endswith("s") or (opening and self.text[start - 1 : start] in ("", "\n")):
                return Speaker(None, None, 0.2, f"the subject of {word!r} is {name!r}, which "
                               "is no actor the article names (a common noun opening the "
                               "sentence, or a name it does not introduce): set speaker_id")
            entity = self._entity(slug(name), name, name_start, True, guess_kind(name))
            return Speaker(entity.actor_id, name, 0.5, f"{name!r}, a single name that is not "
                           f"a known actor, is the subject of {word!r}: a new actor is drafted "
                           "for it; check it against the corpus", True, entity.kind, name_start)
        entity = self._entity(slug(name), name, name_start, True, guess_kind(name))
        entity.titles.update(titles)
        self._titles(entity, name_start + len(name))
        self.set_subject(entity)
        return Speaker(entity.actor_id, name, 0.8, f"{name!r}, not a known actor, is the "
                       f"subject of {word!r}{' (' + how + ')' if how else ''}: a new actor is "
                       "drafted for it; check that it is not a known actor under another name",
                       True, entity.kind, name_start)
