"""Citing the dataset and its records, in the formats reference managers read.

:func:`cite` (``usc_events.cite``) gives the citation of the dataset (its title,
authors, data version, licence and release date: the facts of ``CITATION.cff``, which
:mod:`usc_events.store.metadata` ships) or of one record: its table and id, the data
version, and every source behind it, the documents its evidence quotes and the
references its citations cite, each with its URL. Formats:

- ``text``: a reference to read and paste;
- ``bibtex``: ``@misc`` entries, the dataset's first (BibTeX and biblatex);
- ``ris``: RIS records (Zotero, EndNote, Mendeley);
- ``csl-json``: CSL-JSON items (Zotero, Pandoc, citeproc).

The release date is given only for the data version ``CITATION.cff`` describes
(:data:`~usc_events.store.metadata.CITED_RELEASE`); a build of another version
carries no date, rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from usc_events.query.lookup import check_value
from usc_events.store.metadata import AUTHOR, CITED_RELEASE, LICENSE_ID, LICENSE_URL, TITLE
from usc_events.text import shorten

if TYPE_CHECKING:
    from usc_events.query.corpus import Corpus

#: The formats :func:`cite` writes.
CITE_FORMATS: tuple[str, ...] = ("text", "bibtex", "ris", "csl-json")

#: The longest label of a record in a citation before its "…"; longer texts are cut at a
#: word.
LABEL_WIDTH = 100


@dataclass(frozen=True)
class Source:
    """A document or a reference behind a record, as a citation names it."""

    kind: str  # "document" or "reference"
    source_id: str
    title: str | None
    outlet: str | None
    author: str | None
    published: tuple[dt.date, dt.date] | None
    url: str | None
    accessed: dt.date | None = None
    report_kind: str | None = None  # the document's or reference's own kind
    supports: tuple[str, ...] = ()  # the fields a reference's citations support


@dataclass(frozen=True)
class Citation:
    """What a citation says: the dataset, and the record with its sources if one is cited."""

    version: str
    released: dt.date | None
    table: str | None = None
    record_id: str | None = None
    label: str | None = None
    sources: tuple[Source, ...] = field(default=())

    @property
    def year(self) -> int | None:
        """The year of the release, when its date is known."""
        return self.released.year if self.released else None


def released(version: str) -> dt.date | None:
    """The release date of data version ``version``, if it is the one CITATION.cff cites."""
    cited_version, day = CITED_RELEASE
    return dt.date.fromisoformat(day) if version == cited_version else None


def citation(corpus: Corpus[Any], record_id: str | None = None,
             table: str | None = None) -> Citation:
    """The facts of the citation of the dataset, or of one record and its sources."""
    if record_id is None:
        return Citation(corpus.version, released(corpus.version))
    found = corpus.record(record_id, table)
    evidence = corpus.evidence(found.record_id, found.table).to_pylist()
    cited = corpus.citations(found.record_id, found.table).to_pylist()
    documents = {d["document_id"]: d for d in corpus.tables["documents"].select(
        ["document_id", "title", "outlet", "author", "published_earliest",
         "published_latest", "url", "kind"]).to_pylist()}
    references = {r["reference_id"]: r for r in corpus.tables["references"].select(
        ["reference_id", "title", "outlet", "author", "published_earliest",
         "published_latest", "url", "accessed", "kind"]).to_pylist()}
    sources = [_source("document", documents[i]) for i in
               sorted({e["document_id"] for e in evidence})]
    for reference_id in sorted({c["reference_id"] for c in cited}):
        fields = sorted({c["field"] or "the record" for c in cited
                         if c["reference_id"] == reference_id})
        sources.append(_source("reference", references[reference_id], tuple(fields)))
    return Citation(corpus.version, released(corpus.version), found.table, found.record_id,
                    _label(found.row), tuple(sources))


def _source(kind: str, row: dict[str, Any], supports: tuple[str, ...] = ()) -> Source:
    low, high = row["published_earliest"], row["published_latest"]
    published = None
    if low is not None and high is not None:
        published = (_day(low), _day(high))
    return Source(kind, row[f"{kind}_id"], row["title"], row["outlet"], row["author"],
                  published, row["url"], row.get("accessed"), row["kind"], supports)


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _label(row: dict[str, Any]) -> str | None:
    for column in ("title", "name", "label", "summary", "text"):
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return shorten(" ".join(value.split()), LABEL_WIDTH, at="space", trim=",;:",
                           count_marker=False)
    return None


# --- dates ---------------------------------------------------------------------------------


def date_parts(interval: tuple[dt.date, dt.date] | None) -> list[list[int]] | None:
    """An interval as CSL date parts: a day, a month, a year, or the two bounds.

    Examples
    --------
    >>> d = dt.date
    >>> date_parts((d(2025, 1, 20), d(2025, 1, 20))), date_parts((d(2025, 1, 1), d(2025, 1, 31)))
    ([[2025, 1, 20]], [[2025, 1]])
    >>> date_parts((d(2025, 1, 19), d(2025, 1, 21)))
    [[2025, 1, 19], [2025, 1, 21]]
    """
    if interval is None:
        return None
    low, high = interval
    if low == high:
        return [[low.year, low.month, low.day]]
    after = high + dt.timedelta(days=1)
    if low.day == 1 and after.day == 1:
        if (low.year, low.month) == (high.year, high.month):
            return [[low.year, low.month]]
        if low.year == high.year and low.month == 1 and high.month == 12:
            return [[low.year]]
    return [[low.year, low.month, low.day], [high.year, high.month, high.day]]


def _year(parts: list[list[int]] | None) -> str | None:
    """The year of a date or interval, when it has one year."""
    years = {p[0] for p in parts or []}
    return str(years.pop()) if len(years) == 1 else None


def _title(s: Source) -> str:
    """A source's title, or a bracketed description where it prints none."""
    return s.title or f"[Untitled {s.kind}: {s.source_id}]"


def _iso(parts: list[list[int]]) -> str:
    return "/".join("-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(p))
                    for p in parts)


# --- text ----------------------------------------------------------------------------------


def _dataset_text(c: Citation) -> str:
    year = f" ({c.year})" if c.year else ""
    day = f", released {c.released.isoformat()}" if c.released else ""
    return (f"{AUTHOR}{year}. {TITLE} (data version {c.version}{day}) [Data set]. "
            f"Licensed {LICENSE_ID}, {LICENSE_URL}")


def _source_text(s: Source) -> str:
    parts = [s.source_id + ":"]
    parts.append(f"“{s.title}”" if s.title else "untitled")
    parts.extend(p for p in (s.author, s.outlet) if p)
    parts.append(_iso(date_parts(s.published) or []) or "undated")
    line = ", ".join(parts[1:])
    text = f"{parts[0]} {line}."
    if s.url:
        text += f" {s.url}"
    if s.accessed:
        text += f" (accessed {s.accessed.isoformat()})"
    if s.supports:
        text += f" Supports: {', '.join(s.supports)}."
    return text


def to_text(c: Citation) -> str:
    """The citation as text to read and paste."""
    if c.record_id is None:
        return _dataset_text(c) + "\n"
    label = f" ({c.label})" if c.label else ""
    lines = [f"Record {c.table}:{c.record_id}{label}, in: {_dataset_text(c)}"]
    for kind, heading in (("document", "Documents quoted as its evidence"),
                          ("reference", "References cited for it")):
        chosen = [s for s in c.sources if s.kind == kind]
        if chosen:
            lines.append(f"{heading}:")
            lines.extend(f"  - {_source_text(s)}" for s in chosen)
    return "\n".join(lines) + "\n"


# --- BibTeX --------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}


def _bib_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in " ".join(text.split()))


def _bib_key(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts)


#: Fields whose value is kept as one unit: a corporate author, a title's capitals.
_BIB_PROTECTED = ("author", "title")
#: Fields written as they are: a URL, and the keys of other entries.
_BIB_VERBATIM = ("url", "related")


def _bib_entry(key: str, fields: Iterable[tuple[str, str | None]],
               protect: Iterable[str] = _BIB_PROTECTED) -> str:
    body = []
    for name, value in fields:
        if value is None:
            continue
        # A URL stays as it is (the url package reads it verbatim), and so do keys.
        text = value if name in _BIB_VERBATIM else _bib_escape(value)
        if name in protect:
            text = f"{{{text}}}"
        body.append(f"  {name} = {{{text}}}")
    return f"@misc{{{key},\n" + ",\n".join(body) + "\n}"


def _dataset_key(c: Citation) -> str:
    return _bib_key("usc_events", c.version)


def to_bibtex(c: Citation) -> str:
    """The citation as BibTeX ``@misc`` entries: the dataset, then the record and sources."""
    year = str(c.year) if c.year else None
    entries = [_bib_entry(_dataset_key(c), [
        ("author", AUTHOR), ("title", TITLE), ("version", c.version),
        ("year", year), ("date", c.released.isoformat() if c.released else None),
        ("howpublished", "Data set"), ("note", f"Licensed {LICENSE_ID}, {LICENSE_URL}")])]
    if c.record_id is not None:
        label = f": {c.label}" if c.label else ""
        keys = [_source_key(s) for s in c.sources]
        entries.append(_bib_entry(_bib_key("usc_events", c.version, c.table or "", c.record_id), [
            ("author", AUTHOR), ("title", f"Record {c.table}:{c.record_id}{label}"),
            ("version", c.version), ("year", year),
            ("howpublished", f"Record {c.record_id} of the table {c.table}"),
            ("related", ",".join(keys) or None),
            ("note", f"In {TITLE}, data version {c.version}")]))
        for source, key in zip(c.sources, keys, strict=True):
            parts = date_parts(source.published)
            # A byline is a person's name, read as one by BibTeX: not kept as a unit.
            entries.append(_bib_entry(key, protect=("title",), fields=[
                ("author", source.author),
                ("title", _title(source)), ("howpublished", source.outlet),
                ("year", _year(parts)),
                ("date", _iso(parts) if parts else None), ("url", source.url),
                ("urldate", source.accessed.isoformat() if source.accessed else None),
                ("note", _source_note(source))]))
    return "\n\n".join(entries) + "\n"


def _source_key(s: Source) -> str:
    return _bib_key("doc" if s.kind == "document" else "ref", s.source_id)


def _source_note(s: Source) -> str:
    if s.kind == "document":
        return f"Source document {s.source_id} of usc-events, quoted as evidence"
    return f"Reference {s.source_id} of usc-events; supports: {', '.join(s.supports)}"


# --- RIS -----------------------------------------------------------------------------------

#: RIS types of the documents' and references' kinds; any other kind is GEN.
_RIS_TYPES = {"news_report": "NEWS", "wire_rewrite": "NEWS", "wire_report": "NEWS",
              "analysis": "ELEC", "opinion": "NEWS", "official_statement": "GOVDOC",
              "government_record": "GOVDOC", "reference_work": "ENCYC"}


def _ris_record(tags: Iterable[tuple[str, str | None]]) -> str:
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value]
    return "\n".join([*lines, "ER  - "])


def _ris_date(parts: list[list[int]] | None) -> str | None:
    """A day, month or year as RIS writes it (``2025/01/20/``); None for an interval."""
    if not parts or len(parts) > 1:
        return None
    first = parts[0] + [0] * (3 - len(parts[0]))
    return "/".join(f"{n:02d}" if n else "" for n in first) + "/"


def to_ris(c: Citation) -> str:
    """The citation as RIS records: the dataset, then the record and its sources."""
    day = date_parts((c.released, c.released)) if c.released else None
    dataset = [("TY", "DATA"), ("AU", AUTHOR), ("TI", TITLE), ("ET", c.version),
               ("PY", str(c.year) if c.year else None), ("DA", _ris_date(day)),
               ("N1", f"Licensed {LICENSE_ID}, {LICENSE_URL}")]
    records = [_ris_record(dataset)]
    if c.record_id is not None:
        label = f": {c.label}" if c.label else ""
        records.append(_ris_record([
            ("TY", "DATA"), ("AU", AUTHOR), ("TI", f"Record {c.table}:{c.record_id}{label}"),
            ("T2", TITLE), ("ET", c.version), ("PY", str(c.year) if c.year else None),
            ("ID", f"{c.table}:{c.record_id}"),
            ("N1", f"Record {c.record_id} of the table {c.table}, data version {c.version}")]))
        for s in c.sources:
            parts = date_parts(s.published)
            records.append(_ris_record([
                ("TY", _RIS_TYPES.get(s.report_kind or "", "GEN")), ("AU", s.author),
                ("TI", _title(s)), ("T2", s.outlet),
                ("PY", _year(parts)), ("DA", _ris_date(parts)),
                ("UR", s.url), ("Y2", _ris_date(date_parts((s.accessed, s.accessed)))
                                if s.accessed else None),
                ("ID", s.source_id), ("N1", _source_note(s))]))
    return "\n".join(records) + "\n"


# --- CSL-JSON ------------------------------------------------------------------------------

#: CSL types of the documents' and references' kinds; any other kind is "document".
_CSL_TYPES = {"news_report": "article-newspaper", "wire_rewrite": "article-newspaper",
              "wire_report": "article-newspaper", "opinion": "article-newspaper",
              "analysis": "article", "reference_work": "entry-encyclopedia"}


def _csl_date(parts: list[list[int]] | None) -> dict[str, Any] | None:
    return {"date-parts": parts} if parts else None


def to_csl_json(c: Citation) -> str:
    """The citation as a CSL-JSON array: the dataset, then the record and its sources."""
    dataset: dict[str, Any] = {
        "id": _dataset_key(c), "type": "dataset", "title": TITLE,
        "author": [{"literal": AUTHOR}], "version": c.version, "medium": "Data set",
        "note": f"Licensed {LICENSE_ID}, {LICENSE_URL}",
        "issued": _csl_date(date_parts((c.released, c.released)) if c.released else None)}
    items = [dataset]
    if c.record_id is not None:
        label = f": {c.label}" if c.label else ""
        items.append({
            "id": _bib_key("usc_events", c.version, c.table or "", c.record_id),
            "type": "dataset", "title": f"Record {c.table}:{c.record_id}{label}",
            "container-title": TITLE, "author": [{"literal": AUTHOR}], "version": c.version,
            "number": f"{c.table}:{c.record_id}", "issued": dataset["issued"],
            "note": f"Record {c.record_id} of the table {c.table}, data version {c.version}"})
        for s in c.sources:
            items.append({
                "id": _source_key(s), "type": _CSL_TYPES.get(s.report_kind or "", "document"),
                "title": _title(s),
                "container-title": s.outlet,
                "author": [{"literal": s.author}] if s.author else None,
                "issued": _csl_date(date_parts(s.published)), "URL": s.url,
                "accessed": _csl_date(date_parts((s.accessed, s.accessed))
                                      if s.accessed else None),
                "note": _source_note(s)})
    cleaned = [{k: v for k, v in item.items() if v is not None} for item in items]
    return json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n"


_WRITERS: dict[str, Callable[[Citation], str]] = {
    "text": to_text, "bibtex": to_bibtex, "ris": to_ris, "csl-json": to_csl_json}


def cite(record_id: str | None = None, format: str = "text", *, table: str | None = None,
         corpus: Corpus[Any] | None = None) -> str:
    """The citation of the dataset, or of one record and every source behind it.

    Parameters
    ----------
    record_id:
        A record's id (any table) or an actor's name; None cites the dataset.
    format:
        ``"text"``, ``"bibtex"``, ``"ris"`` or ``"csl-json"``.
    table:
        The record's table, when its id exists in several.
    corpus:
        The corpus to cite from; by default the packaged tables.

    Raises
    ------
    InvalidValue
        ``format`` is not one of :data:`CITE_FORMATS`.
    NotFound, Ambiguous
        No record, or several, answer to ``record_id``.

    Examples
    --------
    >>> import usc_events
    >>> print(usc_events.cite(), end="")  # doctest: +ELLIPSIS
    The usc-events developers (...). usc-events: ... (data version ...) [Data set]. ...
    """
    check_value("format", format, CITE_FORMATS, "a citation format")
    if corpus is None:
        from usc_events.query.corpus import open_corpus

        corpus = open_corpus(backend="arrow")
    return _WRITERS[format](citation(corpus, record_id, table))
