"""The evidence pages of the docs site: every source text with its evidence highlighted.

:func:`generate` returns the Markdown of every generated page by its path in the site:

- ``documents/<document_id>/``: a document's metadata and its full text, each evidence
  span an element ``<mark id="<evidence_id>" data-record="<table>:<id>">`` ending in a
  numbered link to the record it supports, each non-content passage (caption, byline,
  footer…) shaded and labelled with its kind;
- ``documents/``: the list of documents;
- ``records/<table>/<id>/``, ``records/`` and ``disagreements/``: see
  :mod:`usc_events.docgen.record_pages`.

The pages are plain HTML inside Markdown and read without JavaScript; the site's
``evidence.js`` only adds the card that shows, on hover or focus, the record a highlight
supports. Links are relative, for directory URLs (MkDocs' default).
"""

from __future__ import annotations

import html
from collections import Counter

from usc_events.docgen import record_pages
from usc_events.docgen.page_data import (
    Row,
    SiteData,
    document_url,
    front,
    load_corpus,
    md_escape,
    record_url,
    relative,
    show,
)
from usc_events.docgen.text_marks import Span, attributes, render

#: Rows of the documents' metadata, as (label, column).
META = (
    ("Outlet", "outlet"),
    ("Author", "author"),
    ("Published, as printed", "published_text"),
    ("Dateline", "dateline"),
    ("Kind", "kind"),
    ("Language", "language"),
    ("Source file", "file_name"),
    ("SHA-256 of the text", "sha256"),
    ("Curator's note", "note"),
)

LEGEND = (
    '<p class="usc-legend">How to read the text: '
    '<mark class="ev ev-sample">evidence</mark> is tinted and underlined, and ends in '
    'a numbered link <span class="ev-ref ev-sample">1</span> to the record it supports '
    "(where spans overlap, their underlines stack and each keeps its number). "
    '<span class="passage ev-sample"><span class="passage-label">caption</span>page '
    "furniture</span> is hatched grey and labelled with its kind: it is not part of the "
    "report (captions, bylines, footers, author biographies…).</p>"
)


def published(row: Row) -> str:
    earliest, latest = row["published_earliest"], row["published_latest"]
    if earliest is None:
        return "—"
    if latest is None or latest == earliest:
        return show(earliest)
    return f"between {show(earliest)} and {show(latest)}"


def _meta(row: Row) -> str:
    items = [f"<dt>Document</dt><dd><code>{html.escape(row['document_id'])}</code></dd>"]
    items.append(f"<dt>Published (UTC)</dt><dd>{html.escape(published(row))}</dd>")
    if row.get("url"):
        url = html.escape(row["url"], quote=True)
        items.append(f'<dt>URL</dt><dd><a href="{url}">{html.escape(row["url"])}</a></dd>')
    for label, column in META:
        if row.get(column):
            value = html.escape(show(row[column]))
            value = f"<code>{value}</code>" if column in {"file_name", "sha256"} else value
            items.append(f"<dt>{label}</dt><dd>{value}</dd>")
    return '<dl class="usc-meta">\n' + "\n".join(items) + "\n</dl>"


def _data(corpus: SiteData, ev: Row) -> dict[str, str]:
    """The ``data-*`` attributes a highlight's hover card is made from."""
    table, record_id = ev["record_type"], ev["record_id"]
    data = {
        "data-record": f"{table}:{record_id}",
        "data-title": corpus.title(table, record_id),
        "data-kind": corpus.kind(table, record_id),
    }
    if ev["attribution"]:
        data["data-attribution"] = ev["attribution"]
    return data


def card_text(data: dict[str, str]) -> str:
    """The hover card's text, as the link's tooltip where scripts do not run."""
    credit = data.get("data-attribution")
    credit = f" (the source credits {credit})" if credit else ""
    return f"{data['data-kind']}: {data['data-title']}{credit}"


def numbered(rows: list[Row]) -> list[Row]:
    """A document's evidence rows in reading order, as they are numbered on its page."""
    return sorted(rows, key=lambda ev: (ev["start"], -ev["end"], ev["evidence_id"]))


def highlighted_text(corpus: SiteData, document_id: str) -> str:
    """The document's text as HTML, its evidence marked and its passages shaded."""
    here = document_url(document_id)
    text = corpus.by_id["documents"][document_id]["text"]
    spans: list[Span] = []
    for passage in corpus.rows.get("passages", []):
        if passage["document_id"] == document_id:
            label = passage["kind"].replace("_", " ")
            spans.append(Span(
                passage["start"], passage["end"], passage["passage_id"], tag="span", rank=0,
                attrs={"class": "passage", "data-passage": passage["kind"]},
                cont_attrs={"class": "passage passage-cont", "data-passage": passage["kind"]},
                head=f'<span class="passage-label">{html.escape(label)}</span>',
            ))
    evidence = [ev for ev in corpus.rows["evidence"] if ev["document_id"] == document_id]
    for number, ev in enumerate(numbered(evidence), start=1):
        data = _data(corpus, ev)
        link = relative(here, record_url(ev["record_type"], ev["record_id"], ev["evidence_id"]))
        tooltip = card_text(data)
        ref = {"href": link, "title": tooltip, "data-evidence": ev["evidence_id"]}
        tail = (
            f'<a class="ev-ref"{attributes(ref)}'
            f' aria-label="{html.escape(f"Evidence {number}: {tooltip}", quote=True)}">'
            f"{number}</a>"
        )
        spans.append(Span(
            ev["start"], ev["end"], ev["evidence_id"], rank=1, tail=tail,
            attrs={"id": ev["evidence_id"], "class": "ev", **data},
            cont_attrs={"class": "ev ev-cont", "data-evidence": ev["evidence_id"], **data},
        ))
    return render(text, spans)


def _evidence_list(corpus: SiteData, document_id: str) -> str:
    here = document_url(document_id)
    evidence = [ev for ev in corpus.rows["evidence"] if ev["document_id"] == document_id]
    items = []
    for number, ev in enumerate(numbered(evidence), start=1):
        table, record_id = ev["record_type"], ev["record_id"]
        credit = ev["attribution"]
        credit = f"; the source credits {html.escape(credit)}" if credit else ""
        items.append(
            f'<li value="{number}"><a href="#{ev["evidence_id"]}">characters '
            f"{ev['start']}–{ev['end']}</a>: {html.escape(corpus.kind(table, record_id))} "
            f'<a href="{relative(here, record_url(table, record_id))}">'
            f"{html.escape(corpus.title(table, record_id))}</a>{credit}</li>"
        )
    return '<ol class="usc-evlist">\n' + "\n".join(items) + "\n</ol>"


def document_page(corpus: SiteData, document_id: str) -> str:
    """The Markdown of one document's page."""
    row = corpus.by_id["documents"][document_id]
    title = corpus.title("documents", document_id)
    count = sum(ev["document_id"] == document_id for ev in corpus.rows["evidence"])
    passages = sum(p["document_id"] == document_id for p in corpus.rows.get("passages", []))
    return (
        front(title)
        + f"# {md_escape(title)}\n\n"
        + _meta(row)
        + f"\n\n## Text\n\n<p>{count} evidence spans and {passages} non-content passages. "
        "Follow a number to the record a span supports.</p>\n\n"
        + LEGEND
        + f'\n\n<div class="usc-text" lang="{html.escape(row["language"] or "en")}">'
        + highlighted_text(corpus, document_id)
        + "</div>\n\n## Evidence in this document\n\n"
        + _evidence_list(corpus, document_id)
        + "\n"
    )


def documents_index(corpus: SiteData) -> str:
    """The Markdown of the list of documents."""
    counts = Counter(ev["document_id"] for ev in corpus.rows["evidence"])
    rows = []
    for document_id, row in corpus.by_id["documents"].items():
        link = relative("documents/", document_url(document_id))
        rows.append(
            f'<tr><td><a href="{link}">{html.escape(corpus.title("documents", document_id))}'
            f"</a></td><td>{html.escape(show(row['outlet']))}</td>"
            f"<td>{html.escape(show(row['author']))}</td><td>{html.escape(published(row))}</td>"
            f"<td>{counts[document_id]}</td></tr>"
        )
    return (
        front("Source documents")
        + "# Source documents\n\nEvery source text of the corpus, with the words each record "
        "rests on highlighted. Generated from the packaged tables when this site is built.\n\n"
        '<table class="usc-table"><thead><tr><th scope="col">Document</th>'
        '<th scope="col">Outlet</th><th scope="col">Author</th>'
        '<th scope="col">Published (UTC)</th><th scope="col">Evidence spans</th></tr></thead>'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
    )


def generate(corpus: SiteData | None = None) -> dict[str, str]:
    """The Markdown of every generated evidence page, by its path in the docs."""
    corpus = corpus or load_corpus()
    pages = {"documents/index.md": documents_index(corpus)}
    for document_id in corpus.by_id["documents"]:
        pages[f"documents/{document_id}/index.md"] = document_page(corpus, document_id)
    pages.update(record_pages.generate(corpus))
    return pages
