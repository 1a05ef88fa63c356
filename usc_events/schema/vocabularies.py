"""The controlled vocabularies: each value of each coded column, with its one meaning.

Every vocabulary is a :class:`Vocabulary`, a string enum whose members are written
``name = "value", "meaning"``; the tables store the value, the data dictionary and
the codebook print the meaning beside it.
"""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    """A controlled vocabulary: each member is a string value with a stated meaning.

    Members are written ``name = "value", "meaning"``; the value is what the tables
    store, the meaning is what the data dictionary prints beside it.
    """

    #: What the value means, in a sentence.
    meaning: str

    def __new__(cls, value: str, meaning: str = "") -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member


class DocumentKind(Vocabulary):
    """What sort of text a source document is."""

    news_report = "news_report", "A report of events, by the outlet's own writers or uncredited."
    wire_rewrite = (
        "wire_rewrite",
        "A report that credits its account to a news agency (e.g. AP) and retells it.",
    )
    analysis = "analysis", "A piece that explains, argues or predicts rather than reports."
    opinion = "opinion", "A comment or editorial stating the writer's own view."
    official_statement = (
        "official_statement",
        "A text issued by a government body or other actor in its own name.",
    )


class PassageKind(Vocabulary):
    """A part of a document that is not reporting: boilerplate around the content."""

    # The member shadows str.title; harmless.
    title = "title", "A headline, or a repeated copy of it."  # type: ignore[assignment]
    byline = "byline", "The author line, with a date where it carries one."
    dateline = "dateline", "The place or date line that opens a report."
    caption = "caption", "A photo caption or picture credit."
    author_bio = "author_bio", "A box about the author."
    subscription_prompt = (
        "subscription_prompt",
        "An invitation to subscribe to or follow the outlet.",
    )
    comment_form = "comment_form", "A reader-comment form."
    navigation = "navigation", "Page navigation, buttons or other page furniture."
    heading = "heading", "A section heading inside the text."


class ActorKind(Vocabulary):
    """What sort of actor a record is."""

    person = "person", "An individual human being."
    state = "state", "A country acting as a whole (e.g. China, the United States)."
    government_body = (
        "government_body",
        "A ministry, office, legislature, transition team or other public body.",
    )
    political_party = "political_party", "A political party or one of its organs."
    company = "company", "A business firm."
    platform = "platform", "An online service, e.g. a social-media platform such as TikTok or X."
    organization = (
        "organization",
        "A business association, NGO or other body that is none of the above.",
    )
    group = "group", "A set of people the sources name only collectively (e.g. a delegation)."


class MeetingKind(Vocabulary):
    """The form an encounter took."""

    meeting = "meeting", "Actors meet in person."
    phone_call = "phone_call", "Actors speak by telephone."
    visit = "visit", "An actor travels to a place or a host; the trip as a whole."
    ceremony = "ceremony", "A formal public occasion, e.g. an inauguration."


class ParticipantRole(Vocabulary):
    """An actor's part in a meeting."""

    host = "host", "Receives the other participants."
    guest = "guest", "Is received by a host."
    participant = "participant", "Takes part, the sources not saying who hosts."
    attendee = "attendee", "Is present at a ceremony or event without being one of its principals."


class PloverEvent(Vocabulary):
    """PLOVER event types (Political Language Ontology for Verifiable Event Records)."""

    AGREE = "AGREE", "Agree to, or sign, an agreement."
    CONSULT = "CONSULT", "Meet, visit, telephone or otherwise consult."
    SUPPORT = "SUPPORT", "Express support, praise or endorsement."
    CONCEDE = "CONCEDE", "Make a concession, ease restrictions."
    COOPERATE = "COOPERATE", "Cooperate economically, militarily or in other material ways."
    AID = "AID", "Provide economic, military or humanitarian aid."
    RETREAT = "RETREAT", "Withdraw, demobilise or back down."
    REQUEST = "REQUEST", "Request, demand or appeal for something."
    ACCUSE = "ACCUSE", "Criticise, accuse, denounce or blame."
    REJECT = "REJECT", "Reject or refuse a proposal, demand or accusation."
    THREATEN = "THREATEN", "Threaten sanctions, force or other harm."
    PROTEST = "PROTEST", "Demonstrate, strike or boycott."
    SANCTION = "SANCTION", "Reduce or break relations, impose sanctions or an embargo."
    MOBILIZE = "MOBILIZE", "Mobilise or put military or police forces on alert."
    COERCE = "COERCE", "Use non-lethal coercion: seizures, arrests, expulsions, cyber attacks."
    ASSAULT = "ASSAULT", "Use violence."


class DateBasis(Vocabulary):
    """How a record's date interval was obtained."""

    stated = "stated", "The sources state the day or the interval."
    inferred = (
        "inferred",
        "The curator bounded the interval from what the sources say; the note says how.",
    )
    reference = (
        "reference",
        "A cited public report (a reference, not a shipped document) gives the date; the "
        "record's citation for its date says which and what it reports.",
    )


class DatePrecision(Vocabulary):
    """How precisely a date, as written in EDTF, places what it dates."""

    day = "day", "One day: '2025-01-19'."
    month = "month", "One month, the day unknown: '2024-04'."
    year = "year", "One year, the month unknown: '1971'."
    interval = (
        "interval",
        "Some time between two bounds, either of which may be open: '2024-11/2025-01', "
        "'../2025-01-20'.",
    )


class ReferenceKind(Vocabulary):
    """What sort of public report a reference is."""

    official_statement = (
        "official_statement",
        "A readout, statement or briefing issued by a government body in its own name.",
    )
    government_record = "government_record", "A government's record or register (not a statement)."
    wire_report = (
        "wire_report", "A news agency's report (AP, Reuters, Xinhua, AFP…), or its reprint."
    )
    news_report = "news_report", "A report by a news outlet's own writers."
    analysis = (
        "analysis", "A piece that explains or argues: a think tank's, a newsletter's, a writer's."
    )
    reference_work = "reference_work", "An encyclopedia or a database entry (Wikipedia, Wikidata…)."


class StatementKind(Vocabulary):
    """Whether the source quotes the speaker's words or reports their sense."""

    direct_quote = "direct_quote", "The source prints the speaker's own words in quotation marks."
    paraphrase = "paraphrase", "The source reports the sense of what was said, not the words."


class Channel(Vocabulary):
    """The medium through which a statement was made."""

    in_person = "in_person", "Said face to face, at a meeting or on a visit."
    phone_call = "phone_call", "Said during a telephone call."
    social_media_post = "social_media_post", "Posted on a social-media platform, e.g. X."
    foreign_ministry_readout = (
        "foreign_ministry_readout",
        "Known from a foreign ministry's account of the event.",
    )
    transition_team_readout = (
        "transition_team_readout",
        "Known from the US presidential transition team's account.",
    )
    press_conference = "press_conference", "Said at a press conference or briefing."
    official_statement = "official_statement", "Issued as a statement in the actor's name."
    campaign_speech = "campaign_speech", "Said or promised during an election campaign."
    unspecified = "unspecified", "The sources do not say how it was made known."


class Stance(Vocabulary):
    """An actor's attitude towards a policy issue."""

    support = "support", "In favour of what the topic names."
    oppose = "oppose", "Against what the topic names."
    mixed = "mixed", "In favour of some aspects and against others."
    conditional = "conditional", "In favour only on a condition the sources state."
    neutral = "neutral", "Takes neither side, as the sources put it."


class PositionStatus(Vocabulary):
    """How firmly a position is held, as the sources put it."""

    stated = (
        "stated",
        "The actor, or the document writing about the actor, says the actor holds it.",
    )
    pledged = "pledged", "The actor has promised to act on it."
    enacted = "enacted", "The actor has put it into effect."
    described_by_analyst = (
        "described_by_analyst",
        "Only an analysis describes the actor's conduct or view so; the actor is not "
        "reported stating it.",
    )
    expected_by_analyst = (
        "expected_by_analyst",
        "Only a writer's expectation or prediction, not something that happened.",
    )


class DiscrepancyKind(Vocabulary):
    """How sources disagree."""

    contradiction = "contradiction", "The sources state facts that cannot both be true."
    inconsistent_detail = (
        "inconsistent_detail",
        "The sources agree on the event but differ in a detail (wording, attribution).",
    )
    doubtful_claim = (
        "doubtful_claim",
        "One source's claim that the other sources or the record call into question.",
    )


class CitedRecordType(Vocabulary):
    """The tables whose records citations of references support."""

    documents = "documents", "A row of the documents table (its metadata)."
    actors = "actors", "A row of the actors table."
    roles = "roles", "A row of the roles table."
    meetings = "meetings", "A row of the meetings table."
    meeting_participants = "meeting_participants", "A row of the meeting_participants table."
    statements = "statements", "A row of the statements table."
    positions = "positions", "A row of the positions table."
    discrepancies = "discrepancies", "A row of the discrepancies table."


class RecordType(Vocabulary):
    """The tables whose records evidence rows support."""

    actors = "actors", "A row of the actors table."
    roles = "roles", "A row of the roles table."
    topics = "topics", "A row of the topics table."
    meetings = "meetings", "A row of the meetings table."
    meeting_participants = "meeting_participants", "A row of the meeting_participants table."
    statements = "statements", "A row of the statements table."
    positions = "positions", "A row of the positions table."
    discrepancies = "discrepancies", "A row of the discrepancies table."
