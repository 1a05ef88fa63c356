"""The words :mod:`usc_events.contrib.speakers` reads: verbs, titles, kinds of names.

Plain vocabularies, and the :class:`Entity` an actor of the article becomes, kept
apart so that the attribution rules read as rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from usc_events.contrib.article_text import WORD


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CAPITALISED = re.compile(r"(?:[A-Z][\w'’.-]*\s+){0,5}[A-Z][\w'’.-]*[a-z][\w'’-]*")
VERBS = (
    r"said|says|told|tells|added|adds|stated|noted|declared|wrote|writes|posted|urged|warned|"
    r"argued|insisted|remarked|explained|continued|asked|replied|stressed|emphasised|"
    r"emphasized|acknowledged|recalled|announced|cautioned|countered|tweeted|according to"
)
VERB = re.compile(rf"(?<![\w-])(?:{VERBS})(?![\w-])")
FILLER = re.compile(
    r"(?:\s+(?:also|later|then|separately|previously|again|earlier|further|repeatedly|publicly|"
    r"only|recently|has|had|have|was|once|simply|quickly|flatly|firmly))+\s*$"
)
RUN = re.compile(rf"((?:{WORD}\s+){{0,5}}{WORD})\s*$")
RUN_AFTER = re.compile(rf"\s*((?:{WORD}\s+){{0,5}}{WORD})")
SKIP = _words(
    "The A An In On At But And After When Asked Speaking Meanwhile However Separately "
    "Later Earlier Then Also Still Yet So If As While Before Since During Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday"
)
TITLES = _words(
    "President Vice Premier Prime Minister Foreign Commerce Defense Defence Trade "
    "Finance Secretary Ambassador Envoy Special Senator Sen. Rep. Representative "
    "Governor General Chairman Chairwoman Chair Chief Executive CEO Spokesperson "
    "Spokesman Spokeswoman Deputy Assistant Director Chinese American US U.S. State "
    "Treasury Mr. Mrs. Ms. Dr. Former Acting Senior Commissioner Adviser Advisor "
    "Lawmaker Congressman Congresswoman Speaker Leader Chancellor Mayor National "
    "Security Economic Minister-designate President-elect"
)
GOVERNMENT = _words(
    "Ministry Department Embassy Office Commission Council Administration House Agency "
    "Bureau Congress Senate Parliament Committee Government Cabinet Pentagon Team"
)
COMPANY = _words(
    "Inc Inc. Corp Corp. Corporation Group Holdings Ltd Ltd. Technologies Motors Bank "
    "Airlines Electronics Semiconductor Systems"
)
ORGANISATION = _words(
    "Association Chamber Institute Foundation Forum Union Federation Center Centre "
    "University Organization Organisation Party"
)
ORG_NOUNS = _words(
    "ministry department embassy office commission council administration agency bureau "
    "government company firm group chamber association party team"
)
SPOKESPERSON = r"(?:spokesperson|spokesman|spokeswoman|official|representative)"
FOR_ORG = re.compile(
    rf"\b(?:[Aa]|[Aa]n|[Tt]he)\s+(?:[\w-]+\s+){{0,2}}{SPOKESPERSON}\s+(?:for|of|at)\s+(?:the\s+)?$"
)
ORG_SPOKESPERSON = re.compile(rf"^(?:’s|'s)?\s+{SPOKESPERSON}\s*$")
TITLE_REF = re.compile(r"(?<!\w)(?:the|The)\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)\s*$")
TITLE_REF_AFTER = re.compile(r"\s*(?:the)\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)(?=[\s,.;]|$)")
PRONOUN = re.compile(r"(?<!\w)(he|she|He|She|they|They|we|We|I)\s*$")
APPOSITION = re.compile(r",\s+((?:the|a|an)\s+[^,.;“”\"]{2,90}?)\s*(?=[,.;]|$)")
SOURCE_AFTER = re.compile(
    r"\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:readout|statement|transcript|post|account|"
    r"notice)\s+(?:from|by|of|issued by|released by|published by)\s+"
)


@dataclass
class Entity:
    """An actor the article has named so far: known or new, with the titles it is given."""

    actor_id: str
    name: str
    kind: str | None
    new: bool
    start: int
    titles: set[str] = field(default_factory=set)
    #: The organisation an apposition ties a new person to ("… of AMD").
    organisation: str | None = None
    #: The first apposition given to the actor ("the chief executive of AMD").
    apposition: str | None = None


def guess_kind(name: str, titles: str = "") -> str:
    """The likely kind of a new actor, from the words of its name and its titles."""
    words = set(name.split())
    if words & GOVERNMENT:
        return "government_body"
    if words & COMPANY:
        return "company"
    if words & ORGANISATION:
        return "political_party" if "Party" in words else "organization"
    return "person"


@dataclass(frozen=True)
class Speaker:
    """Who a quote is attributed to, and why; ``actor_id`` None leaves it open."""

    actor_id: str | None
    name: str | None
    confidence: float
    reason: str
    new: bool = False
    kind: str | None = None
    #: Where the name is written, for a new actor's evidence.
    name_start: int | None = None
