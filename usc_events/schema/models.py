"""The table definitions: one pydantic model per table, and nothing else.

Each model is the single definition of its table. Its fields, in order, are the
table's columns; ``Annotated`` markers carry what the type alone cannot say
(foreign keys, columns the build derives). The Arrow schema, the pandera schema,
the JSON Schema of the contribution files and the data dictionary are all derived
from these models by :mod:`usc_events.schema.columns`; nothing here is written twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from usc_events.schema.types import (
    CameoCode,
    CitationId,
    CountryCode,
    DateBasisColumn,
    DateEarliest,
    DateLatest,
    DateOverride,
    DatePrecisionColumn,
    Derived,
    EdtfText,
    EndEarliest,
    EndEdtf,
    EndLatest,
    EvidenceId,
    FieldName,
    FileName,
    ForeignKey,
    FreeText,
    LanguageTag,
    ParticipantId,
    PassageId,
    RecordRef,
    Sha256,
    Slug,
    Text,
    Url,
    WikidataId,
    WrittenAs,
)
from usc_events.schema.vocabularies import (
    ActorKind,
    Channel,
    CitedRecordType,
    DateBasis,
    DiscrepancyKind,
    DocumentKind,
    MeetingKind,
    ParticipantRole,
    PassageKind,
    PloverEvent,
    PositionStatus,
    RecordType,
    ReferenceKind,
    Stance,
    StatementKind,
)

SCHEMA_VERSION = "2.1.0"

# --- the tables ---------------------------------------------------------------------


class Record(BaseModel):
    """Base of every table model."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    table: ClassVar[str]
    primary_key: ClassVar[str]
    #: True where every record must be supported by at least one evidence row.
    needs_evidence: ClassVar[bool] = False
    #: True where contributors attach evidence to the record in its YAML file.
    takes_evidence: ClassVar[bool] = False
    #: True where contributors attach citations of references to the record.
    takes_citations: ClassVar[bool] = False
    about: ClassVar[str]


class Document(Record):
    table = "documents"
    primary_key = "document_id"
    takes_citations = True
    about = "One source text, verbatim, with its publication metadata."

    document_id: Slug = Field(description="Stable identifier of the document.")
    file_name: FileName = Field(description="The source file's own name, as shipped.")
    title: FreeText | None = Field(description="Headline as printed; null when the text has none.")
    outlet: FreeText | None = Field(description="Publishing outlet; null when the text names none.")
    author: FreeText | None = Field(description="Byline as printed; null when there is none.")
    published_earliest: AwareDatetime | None = Field(
        description="Earliest possible publication instant (UTC), the timezone taken into account."
    )
    published_latest: AwareDatetime | None = Field(
        description="Latest possible publication instant (UTC)."
    )
    published_text: FreeText | None = Field(
        description="The publication date or time exactly as the document prints it."
    )
    dateline: FreeText | None = Field(
        description="Dateline place, as printed (e.g. 'TAIPEI, Taiwan')."
    )
    kind: DocumentKind = Field(description="What sort of text this is.")
    language: LanguageTag = Field(description="Language of the text (BCP 47, e.g. 'en').")
    url: Url | None = Field(
        description="Where the text was published, when known (with a citation saying how)."
    )
    date_override: DateOverride = None
    note: FreeText | None = Field(
        default=None,
        description="Curator's note: how the metadata was established, what is uncertain.",
    )
    text: Annotated[str, Derived("read from the source file, byte for byte")] = Field(
        description="The full text, verbatim; evidence offsets count its code points."
    )
    sha256: Annotated[Sha256, Derived("sha256 of the source file's bytes")] = Field(
        description="SHA-256 of the source file's bytes."
    )


class Passage(Record):
    table = "passages"
    primary_key = "passage_id"
    about = "A span of a document that is boilerplate (caption, footer, bio…), not content."

    passage_id: Annotated[PassageId, Derived("document_id@start", by="passage_id")] = Field(
        description="Identifier: the document id and the passage's start offset."
    )
    document_id: Annotated[Slug, ForeignKey("documents")] = Field(
        description="The document the passage is in."
    )
    kind: PassageKind = Field(description="What the passage is.")
    start: Annotated[int, Derived("located from the quote")] = Field(
        ge=0, description="Offset of the first code point of the passage."
    )
    end: Annotated[int, Derived("located from the quote")] = Field(
        ge=0, description="Offset one past the last code point of the passage."
    )
    quote: Text = Field(description="The passage, verbatim.")


class Actor(Record):
    table = "actors"
    primary_key = "actor_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "A person, organisation, government body, company, platform or state."

    actor_id: Slug = Field(description="Stable identifier, e.g. 'han-zheng'.")
    name: Text = Field(description="Canonical name.")
    kind: ActorKind = Field(description="What sort of actor this is.")
    country: CountryCode | None = Field(
        description="ISO 3166-1 alpha-2 code of the country the actor belongs to; null if none."
    )
    aliases: list[Text] = Field(
        default_factory=list, description="Other names under which the sources refer to the actor."
    )
    description: Text = Field(description="A short description, from the sources.")
    wikidata_id: WikidataId | None = Field(
        default=None, description="Wikidata item, only where verified; otherwise null."
    )
    note: FreeText | None = Field(default=None, description="Curator's note.")


class Role(Record):
    table = "roles"
    primary_key = "role_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "An actor holding a post in or for another actor over time."

    role_id: Slug = Field(description="Stable identifier of the role.")
    actor_id: Annotated[Slug, ForeignKey("actors")] = Field(description="Who holds the post.")
    organization_id: Annotated[Slug, ForeignKey("actors")] = Field(
        description="The state, body or company in or for which the post is held."
    )
    title: Text = Field(description="The post, as the sources name it.")
    date_edtf: Annotated[EdtfText | None, WrittenAs("date")] = Field(
        default=None, description="When the post began, in EDTF as the curator wrote it."
    )
    date_earliest: DateEarliest = None
    date_latest: DateLatest = None
    date_precision: DatePrecisionColumn = None
    end_edtf: EndEdtf = None
    end_earliest: EndEarliest = None
    end_latest: EndLatest = None
    date_basis: DateBasisColumn = None
    date_override: DateOverride = None
    note: FreeText | None = Field(
        default=None, description="Curator's note, e.g. how dates were bound."
    )


class Topic(Record):
    table = "topics"
    primary_key = "topic_id"
    takes_evidence = True
    about = "An entry of the controlled vocabulary of policy issues."

    topic_id: Slug = Field(description="Stable identifier, e.g. 'tariffs'.")
    label: Text = Field(description="Human-readable label.")
    description: Text = Field(description="What the topic covers.")


class Meeting(Record):
    table = "meetings"
    primary_key = "meeting_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "An encounter: an in-person meeting, a phone call, a visit or a ceremony."

    meeting_id: Slug = Field(description="Stable identifier of the encounter.")
    kind: MeetingKind = Field(description="The form the encounter took.")
    title: Text = Field(description="A short descriptive title.")
    location: FreeText | None = Field(description="Where it took place, when the sources say.")
    date_edtf: Annotated[EdtfText, WrittenAs("date")] = Field(
        description="When it took place (began), in EDTF as the curator wrote it."
    )
    date_earliest: DateEarliest = None
    date_latest: DateLatest = None
    date_precision: DatePrecisionColumn = None
    end_edtf: EndEdtf = None
    end_earliest: EndEarliest = None
    end_latest: EndLatest = None
    date_basis: DateBasis = Field(
        description="Whether the sources state the date, a cited reference gives it, or the "
        "curator inferred it (the note says how)."
    )
    summary: Text = Field(description="What the sources say happened.")
    plover_event: PloverEvent = Field(description="PLOVER event type, for interoperability.")
    cameo_code: CameoCode = Field(description="CAMEO event code, for interoperability.")
    date_override: DateOverride = None
    note: FreeText | None = Field(
        default=None, description="Curator's note, e.g. the reasoning for an inferred date."
    )


class MeetingParticipant(Record):
    table = "meeting_participants"
    primary_key = "participant_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "One actor taking part in one meeting."

    participant_id: Annotated[
        ParticipantId, Derived("meeting_id.actor_id", by="participant_id")
    ] = Field(
        description="Identifier: the meeting id and the actor id joined by a dot."
    )
    meeting_id: Annotated[Slug, ForeignKey("meetings")] = Field(description="The meeting.")
    actor_id: Annotated[Slug, ForeignKey("actors")] = Field(description="The participant.")
    role: ParticipantRole = Field(description="The participant's part in the meeting.")
    note: FreeText | None = Field(default=None, description="Curator's note.")


class Statement(Record):
    table = "statements"
    primary_key = "statement_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "Something an actor said or wrote: a direct quote or an attributed paraphrase."

    statement_id: Slug = Field(description="Stable identifier of the statement.")
    speaker_id: Annotated[Slug, ForeignKey("actors")] = Field(description="Who said it.")
    kind: StatementKind = Field(description="Direct quote (the speaker's words) or paraphrase.")
    text: Text = Field(
        description="For a direct quote, the quoted words exactly; for a paraphrase, its sense."
    )
    meeting_id: Annotated[Slug | None, ForeignKey("meetings")] = Field(
        default=None,
        description="The meeting at which it was said, when the sources tie it to one.",
    )
    channel: Channel = Field(description="The medium through which it was made.")
    date_edtf: Annotated[EdtfText | None, WrittenAs("date")] = Field(
        default=None, description="When it was said, in EDTF as the curator wrote it."
    )
    date_earliest: DateEarliest = None
    date_latest: DateLatest = None
    date_precision: DatePrecisionColumn = None
    date_basis: DateBasisColumn = None
    topic_ids: Annotated[list[Slug], ForeignKey("topics")] = Field(
        default_factory=list, description="The topics it is about."
    )
    date_override: DateOverride = None
    note: FreeText | None = Field(default=None, description="Curator's note.")


class Position(Record):
    table = "positions"
    primary_key = "position_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "An actor's stance on a policy issue."

    position_id: Slug = Field(description="Stable identifier of the position.")
    actor_id: Annotated[Slug, ForeignKey("actors")] = Field(description="Who holds the position.")
    topic_id: Annotated[Slug, ForeignKey("topics")] = Field(description="The issue.")
    stance: Stance = Field(description="The attitude towards the issue.")
    summary: Text = Field(description="The position, in a sentence.")
    status: PositionStatus = Field(
        description=(
            "Stated, pledged or enacted by the actor; or only described or expected "
            "(a prediction) by an analyst."
        )
    )
    value: float | None = Field(default=None, description="A number the position names, e.g. 60.")
    unit: FreeText | None = Field(default=None, description="The unit of value, e.g. 'percent'.")
    date_edtf: Annotated[EdtfText | None, WrittenAs("date")] = Field(
        default=None, description="When it is attested, in EDTF as the curator wrote it."
    )
    date_earliest: DateEarliest = None
    date_latest: DateLatest = None
    date_precision: DatePrecisionColumn = None
    date_basis: DateBasisColumn = None
    date_override: DateOverride = None
    note: FreeText | None = Field(default=None, description="Curator's note.")


class Discrepancy(Record):
    table = "discrepancies"
    primary_key = "discrepancy_id"
    needs_evidence = True
    takes_evidence = True
    takes_citations = True
    about = "A point on which sources disagree, or a claim that is doubtful."

    discrepancy_id: Slug = Field(description="Stable identifier of the discrepancy.")
    kind: DiscrepancyKind = Field(description="How the sources disagree.")
    summary: Text = Field(description="What the disagreement is.")
    record_refs: list[RecordRef] = Field(
        default_factory=list,
        description="The records concerned, each as 'table:id' (e.g. 'meetings:han-vance').",
    )
    note: FreeText | None = Field(default=None, description="Curator's note.")


class Evidence(Record):
    table = "evidence"
    primary_key = "evidence_id"
    about = "One span of one document supporting one record."

    evidence_id: Annotated[
        EvidenceId, Derived("hash of record, document and span", by="evidence_id")
    ] = Field(
        description="Identifier derived from the record, the document and the span."
    )
    record_type: RecordType = Field(description="The table of the record supported.")
    record_id: Annotated[str, Derived("the supported record's primary key")] = Field(
        description="The primary key of the record supported."
    )
    document_id: Annotated[Slug, ForeignKey("documents")] = Field(
        description="The document quoted."
    )
    start: Annotated[int, Derived("located from the quote")] = Field(
        ge=0, description="Offset (in code points) of the quote's first character in the text."
    )
    end: Annotated[int, Derived("located from the quote")] = Field(
        ge=0, description="Offset one past the quote's last character."
    )
    quote: Text = Field(description="The supporting words, verbatim from the document.")
    attribution: FreeText | None = Field(
        default=None,
        description="Whom the source credits for the information ('the Chinese Foreign Ministry').",
    )


class Reference(Record):
    table = "references"
    primary_key = "reference_id"
    about = ("A public report the corpus cites but does not ship (its text is not ours to "
             "redistribute): a news page, an official statement, a record.")

    reference_id: Slug = Field(description="Stable identifier, e.g. 'reuters-han-musk-2025-01-19'.")
    url: Url = Field(description="Where the report is published.")
    title: FreeText | None = Field(description="Its headline or title; null where it shows none.")
    outlet: Text = Field(description="Who publishes it (and whose report it carries).")
    author: FreeText | None = Field(default=None, description="Byline, where there is one.")
    published_edtf: Annotated[EdtfText | None, WrittenAs("published")] = Field(
        default=None, description="When it was published, in EDTF; null where it shows no date."
    )
    published_earliest: Annotated[dt.date | None, Derived("first day of published_edtf")] = Field(
        default=None, description="Earliest day of publication; null where unknown."
    )
    published_latest: Annotated[dt.date | None, Derived("last day of published_edtf")] = Field(
        default=None, description="Latest day of publication; null where unknown."
    )
    kind: ReferenceKind = Field(description="What sort of report it is.")
    language: LanguageTag = Field(description="Language of the report (BCP 47, e.g. 'en').")
    accessed: dt.date = Field(description="The day the curator read it.")
    date_override: DateOverride = None
    note: FreeText | None = Field(
        default=None, description="Curator's note: whose account it carries, how reliable it is."
    )


class Citation(Record):
    table = "citations"
    primary_key = "citation_id"
    about = "One reference supporting one field of one record (or the record as a whole)."

    citation_id: Annotated[CitationId, Derived("hash of record, field and reference")] = Field(
        description="Identifier derived from the record, the field and the reference."
    )
    record_type: CitedRecordType = Field(description="The table of the record supported.")
    record_id: Annotated[str, Derived("the supported record's primary key")] = Field(
        description="The primary key of the record supported."
    )
    field: FieldName | None = Field(
        default=None,
        description="The field the reference supports, as contributors write it ('date', "
        "'location', 'country', 'url'…); null for the record as a whole.",
    )
    reference_id: Annotated[Slug, ForeignKey("references")] = Field(
        description="The reference cited."
    )
    claim: Text = Field(
        description="What the reference reports that supports the field, in the curator's "
        "own words (never the reference's)."
    )
    locator: FreeText | None = Field(
        default=None, description="Where in the reference: a paragraph, a section, a time."
    )


TABLE_MODELS: dict[str, type[Record]] = {
    model.table: model
    for model in (
        Document,
        Passage,
        Actor,
        Role,
        Topic,
        Meeting,
        MeetingParticipant,
        Statement,
        Position,
        Discrepancy,
        Evidence,
        Reference,
        Citation,
    )
}
