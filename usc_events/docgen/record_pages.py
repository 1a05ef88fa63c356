"""The record pages of the docs site, their index and the disagreements page.

- ``records/<table>/<id>/``: a record's fields (those that name other records linked),
  its evidence, each quote an element ``id="<evidence_id>"`` linking to its highlight in
  the document (``documents/<document_id>/#<evidence_id>``), its citations of published
  references where the corpus has them, the records it points at and that point at it,
  and the discrepancies it takes part in. These URLs are stable: they are built from the
  records' keys only.
- ``records/``: every record, by table.
- ``disagreements/``: each discrepancy with its sides next to each other.
"""

from __future__ import annotations

import html

from usc_events.docgen.page_data import (
    Row,
    SiteData,
    document_url,
    front,
    md_escape,
    record_url,
    relative,
    show,
    singular,
)

DISAGREEMENTS = "disagreements/"


def kind_badge(kind: str) -> str:
    return f'<span class="usc-kind">{html.escape(kind)}</span>'


def record_link(corpus: SiteData, here: str, table: str, record_id: str, kind: bool = True) -> str:
    """An HTML link to a record's page, named by its kind and title."""
    if not corpus.exists(table, record_id):
        return f"<code>{html.escape(f'{table}:{record_id}')}</code>"
    label = html.escape(corpus.title(table, record_id))
    prefix = kind_badge(corpus.kind(table, record_id)) + " " if kind else ""
    return f'{prefix}<a href="{relative(here, record_url(table, record_id))}">{label}</a>'


def _value(corpus: SiteData, here: str, table: str, column: str, value: object) -> str:
    refs = corpus.refs(table, column, value)
    if refs:
        return "; ".join(record_link(corpus, here, t, i, kind=False) for t, i in refs)
    text = html.escape(show(value))
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return f'<a href="{html.escape(value, quote=True)}">{text}</a>'
    return text


def fields(corpus: SiteData, here: str, table: str, row: Row) -> str:
    cells = [
        f'<tr><th scope="row"><code>{html.escape(column)}</code></th>'
        f"<td>{_value(corpus, here, table, column, value)}</td></tr>"
        for column, value in row.items()
    ]
    return '<table class="usc-fields"><tbody>\n' + "\n".join(cells) + "\n</tbody></table>"


def quotes(corpus: SiteData, here: str, rows: list[Row], ids: bool = True) -> str:
    """Evidence rows as quotes, each linked to its highlight in its document."""
    if not rows:
        return "<p>No evidence rows point at this record.</p>"
    items = []
    for ev in rows:
        document = ev["document_id"]
        link = relative(here, document_url(document, ev["evidence_id"]))
        credit = (f"; the source credits <strong>{html.escape(ev['attribution'])}</strong>"
                  if ev["attribution"] else "")
        anchor = f' id="{ev["evidence_id"]}"' if ids else ""
        items.append(
            f'<li{anchor} class="usc-quote"><blockquote><p>“{html.escape(ev["quote"])}”</p>'
            f'</blockquote><p class="usc-source"><a href="{link}">In '
            f"{html.escape(corpus.title('documents', document))}, characters "
            f"{ev['start']}–{ev['end']}</a>{credit}</p></li>"
        )
    return '<ul class="usc-quotes">\n' + "\n".join(items) + "\n</ul>"


def citations(corpus: SiteData, here: str, table: str, record_id: str) -> str:
    """The record's citations of published references (tables ``citations``, ``references``)."""
    rows = corpus.citations.get((table, record_id), [])
    if not rows:
        return "<p>No citations of published references for this record.</p>"
    references = corpus.by_id.get("references", {})
    items = []
    for row in rows:
        ref = references.get(str(row["reference_id"]))
        if ref is None:
            source = f"<code>{html.escape(str(row['reference_id']))}</code>"
        else:
            name = html.escape(ref.get("title") or ref.get("url") or row["reference_id"])
            source = (f'<a href="{html.escape(ref["url"], quote=True)}">{name}</a>'
                      if ref.get("url") else name)
            extra = [show(ref.get(c)) for c in ("outlet", "author") if ref.get(c)]
            if ref.get("published_earliest"):
                extra.append(show(ref["published_earliest"]))
            source += "".join(f", {html.escape(e)}" for e in extra)
        claim = f"{html.escape(row['claim'].rstrip('.'))}: " if row.get("claim") else ""
        where = f" ({html.escape(row['locator'])})" if row.get("locator") else ""
        field = f"<code>{html.escape(row['field'])}</code> — " if row.get("field") else ""
        items.append(f"<li>{field}{claim}{source}{where}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def connected(corpus: SiteData, here: str, table: str, record_id: str) -> str:
    row = corpus.by_id[table][record_id]
    items = []
    for column, value in list(row.items())[1:]:
        for target in corpus.refs(table, column, value):
            items.append(f"<li>its <code>{html.escape(column)}</code>: "
                         f"{record_link(corpus, here, *target)}</li>")
    for link in corpus.incoming.get((table, record_id), []):
        items.append(f"<li>{record_link(corpus, here, link.table, link.record_id)}, "
                     f"by its <code>{html.escape(link.field)}</code></li>")
    if not items:
        return "<p>No other record points at this one, nor this one at another.</p>"
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def disagreements_of(corpus: SiteData, here: str, table: str, record_id: str) -> str:
    ids = corpus.discrepancies_of.get((table, record_id), [])
    if not ids:
        return "<p>This record takes part in no recorded discrepancy.</p>"
    items = [
        f'<li>{record_link(corpus, here, "discrepancies", i)} (<a href="'
        f'{relative(here, DISAGREEMENTS + "#" + i)}">sides next to each other</a>)</li>'
        for i in ids
    ]
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def record_page(corpus: SiteData, table: str, record_id: str) -> str:
    """The Markdown of one record's page."""
    here = record_url(table, record_id)
    title = corpus.title(table, record_id)
    label = singular(table).capitalize()
    parts = [
        front(f"{label}: {title}"),
        f"# {md_escape(title)}\n\n",
        f'<p class="usc-kind-line">{kind_badge(corpus.kind(table, record_id))} '
        f"<code>{html.escape(table)}:{html.escape(record_id)}</code> · "
        f'<a href="{relative(here, "records/")}#{table}">all '
        f'{html.escape(table.replace("_", " "))}</a></p>\n\n',
        "## Fields\n\n", fields(corpus, here, table, corpus.by_id[table][record_id]),
        "\n\n## Evidence\n\n", quotes(corpus, here, corpus.evidence.get((table, record_id), [])),
    ]
    if "citations" in corpus.rows:
        parts += ["\n\n## Citations\n\n", citations(corpus, here, table, record_id)]
    parts += [
        "\n\n## Connected records\n\n", connected(corpus, here, table, record_id),
        "\n\n## Discrepancies\n\n", disagreements_of(corpus, here, table, record_id), "\n",
    ]
    return "".join(parts)


def records_index(corpus: SiteData) -> str:
    here = "records/"
    parts = [front("Records"), "# Records\n\nEvery record of the corpus, by table, each with "
             "its fields, its evidence and the records it connects to.\n"]
    for table in corpus.record_tables:
        ids = sorted(corpus.by_id.get(table, {}))
        parts.append(f"\n## {md_escape(table.replace('_', ' ').capitalize())} {{#{table}}}\n\n")
        parts.append("<ul>\n" + "\n".join(
            f"<li>{record_link(corpus, here, table, i, kind=False)} "
            f"<code>{html.escape(i)}</code></li>"
            for i in ids) + "\n</ul>\n")
    return "".join(parts)


def _side(corpus: SiteData, table: str, record_id: str) -> str:
    evidence = corpus.evidence.get((table, record_id), [])
    return (
        f'<section class="usc-side"><h3>{record_link(corpus, DISAGREEMENTS, table, record_id)}</h3>'
        + quotes(corpus, DISAGREEMENTS, evidence, ids=False)
        + "</section>"
    )


def disagreements_page(corpus: SiteData) -> str:
    parts = [front("Disagreements"), "# Disagreements\n\nWhere the sources disagree, the "
             "disagreement is a record (table `discrepancies`). Each is shown here with its "
             "sides next to each other, every side with the words of its sources.\n"]
    for row in corpus.rows.get("discrepancies", []):
        discrepancy_id = row["discrepancy_id"]
        sides = corpus.refs("discrepancies", "record_refs", row["record_refs"])
        parts.append(
            f"\n## {md_escape(corpus.title('discrepancies', discrepancy_id))}"
            f" {{#{discrepancy_id}}}\n\n"
            f'<p>{kind_badge(row["kind"].replace("_", " "))} '
            f'<a href="{relative(DISAGREEMENTS, record_url("discrepancies", discrepancy_id))}">'
            "the discrepancy's record, with its own evidence</a>"
            f"</p>\n\n<p>{html.escape(row['summary'])}</p>\n\n"
            '<div class="usc-sides">' + "".join(_side(corpus, *side) for side in sides) + "</div>\n"
        )
    return "".join(parts)


def generate(corpus: SiteData) -> dict[str, str]:
    pages = {
        "records/index.md": records_index(corpus),
        "disagreements.md": disagreements_page(corpus),
    }
    for table in corpus.record_tables:
        for record_id in corpus.by_id.get(table, {}):
            pages[f"records/{table}/{record_id}/index.md"] = record_page(corpus, table, record_id)
    return pages
