"""The corpus as the evidence pages of the docs site see it: rows, titles, links and URLs.

Read only through the public loaders (:func:`usc_events.load`, :func:`usc_events.tables`),
so the pages show exactly what a user of the package gets. Every table whose first
column is its key is a table of records, except the documents (which get pages of their
own), the passages and evidence (shown on those pages) and the citations (shown on the
pages of the records they cite for).

Which column points at which table is read from the schema: each column declared with a
``ForeignKey`` in the table definitions links to that table. A column of
``"<table>:<id>"`` strings (``discrepancies.record_refs``) points at those records.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from usc_events.releases.versions import load, tables
from usc_events.schema.columns import columns
from usc_events.text import shorten

#: Tables that are not records with pages of their own.
SUPPORT_TABLES = frozenset({"documents", "passages", "evidence", "citations"})

#: The columns that name a record, in order of preference (roles and participants are
#: named from the records they join).
TITLE_COLUMNS = ("title", "name", "label", "summary", "text", "claim", "url")
#: The longest title of a record, "…" included; longer texts are cut at a word.
TITLE_WIDTH = 110

_REF = re.compile(r"^([a-z_]+):(.+)$")

Row = dict[str, Any]


def singular(table: str) -> str:
    """``"discrepancies"`` → ``"discrepancy"``, ``"meeting_participants"`` → ``"meeting
    participant"``."""
    word = table.replace("_", " ")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def show(value: Any) -> str:
    """A field's value as plain text: dates in ISO 8601, lists joined with commas."""
    if value is None:
        return "—"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(show(item) for item in value) if value else "—"
    return str(value)


def md_escape(text: str) -> str:
    """Text made safe for a Markdown heading."""
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+!|" else c for c in text)


def front(title: str) -> str:
    """YAML front matter giving the page its title (JSON strings are YAML strings)."""
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n"


def relative(from_url: str, to_url: str) -> str:
    """The link from the page at ``from_url`` to ``to_url`` (site-relative, ``a/b/#x``)."""
    path, _, anchor = to_url.partition("#")
    link = posixpath.relpath(path or ".", from_url or ".")
    link = "" if link == "." else link
    link = link + "/" if link and not link.endswith("/") else link
    link = link or "./"
    return f"{link}#{anchor}" if anchor else link


def document_url(document_id: str, anchor: str = "") -> str:
    return f"documents/{document_id}/" + (f"#{anchor}" if anchor else "")


def record_url(table: str, record_id: str, anchor: str = "") -> str:
    return f"records/{table}/{record_id}/" + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Link:
    """One record pointing at another through a field."""

    table: str
    record_id: str
    field: str


@dataclass
class SiteData:
    """Every table's rows, with the keys, titles and links the pages need."""

    rows: dict[str, list[Row]]
    by_id: dict[str, dict[str, Row]] = field(default_factory=dict)
    targets: dict[tuple[str, str], str] = field(default_factory=dict)
    incoming: dict[tuple[str, str], list[Link]] = field(default_factory=dict)
    evidence: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    citations: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    discrepancies_of: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def record_tables(self) -> list[str]:
        return [name for name in self.rows if name not in SUPPORT_TABLES]

    def key(self, table: str) -> str:
        return next(iter(self.rows[table][0])) if self.rows[table] else ""

    def exists(self, table: str, record_id: str) -> bool:
        return record_id in self.by_id.get(table, {})

    def title(self, table: str, record_id: str) -> str:
        """What a reader calls the record: its title, name, label or text."""
        row = self.by_id[table][record_id]
        if table == "roles":
            return f"{self._name('actors', row['actor_id'])}, {row['title']}"
        if table == "meeting_participants":
            meeting = self._name("meetings", row["meeting_id"])
            return f"{self._name('actors', row['actor_id'])} at {meeting}"
        if table == "documents":
            named = [row[c] for c in ("outlet", "author", "published_text") if row.get(c)]
            return str(row["title"] or " — ".join(named) or record_id)
        for column in TITLE_COLUMNS:
            if row.get(column):
                return shorten(" ".join(str(row[column]).split()), TITLE_WIDTH, at="space",
                               trim=" ")
        return record_id

    def _name(self, table: str, record_id: str) -> str:
        return self.title(table, record_id) if self.exists(table, record_id) else record_id

    def kind(self, table: str, record_id: str) -> str:
        """The record's kind, as "statement · direct quote"."""
        row = self.by_id[table][record_id]
        kind = row.get("kind")
        label = singular(table)
        return f"{label} · {str(kind).replace('_', ' ')}" if kind else label

    def refs(self, table: str, column: str, value: Any) -> list[tuple[str, str]]:
        """The records a field's value points at, as ``(table, id)`` pairs."""
        values = value if isinstance(value, list) else [value]
        target = self.targets.get((table, column))
        out: list[tuple[str, str]] = []
        for item in values:
            if item is None:
                continue
            if target is not None:
                out.append((target, str(item)))
            elif (match := _REF.match(str(item))) and self.exists(*match.groups()):
                out.append((match.group(1), match.group(2)))
        return out


def _declared_targets(rows: dict[str, list[Row]]) -> dict[tuple[str, str], str]:
    """For each column the schema declares a foreign key, the table it points at."""
    return {
        (table, column.name): column.foreign_key
        for table in rows
        for column in columns(table)
        if column.foreign_key is not None
    }


def load_corpus(version: str | None = None) -> SiteData:
    """Read every table of the corpus and index what the pages need."""
    rows: dict[str, list[Row]] = {
        name: load(name, version=version, backend="arrow").to_pylist()
        for name in tables()
    }
    corpus = SiteData(rows)
    for table, table_rows in rows.items():
        if table_rows and table not in {"passages", "evidence", "citations"}:
            key = corpus.key(table)
            corpus.by_id[table] = {str(row[key]): row for row in table_rows}
    corpus.targets = _declared_targets(rows)

    incoming: defaultdict[tuple[str, str], list[Link]] = defaultdict(list)
    for table in corpus.record_tables:
        key = corpus.key(table)
        for row in rows[table]:
            for column in list(row)[1:]:
                for target in corpus.refs(table, column, row[column]):
                    if target[0] not in SUPPORT_TABLES:
                        incoming[target].append(Link(table, str(row[key]), column))
                    if table == "discrepancies":
                        corpus.discrepancies_of.setdefault(target, []).append(str(row[key]))
    corpus.incoming = dict(incoming)

    for row in sorted(rows.get("evidence", []), key=lambda r: (r["document_id"], r["start"])):
        corpus.evidence.setdefault((row["record_type"], row["record_id"]), []).append(row)
    if "citations" in rows:
        for row in rows["citations"]:
            corpus.citations.setdefault((row["record_type"], row["record_id"]), []).append(row)
    return corpus
