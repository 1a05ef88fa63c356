"""The evidence pages of the docs site, built from the real tables and read in a browser.

The site is built once (``mkdocs build --strict``, in a subprocess, as CI builds it).
The checks on its HTML run everywhere; the browser test drives the system Chromium
through Playwright and is skipped, with the reason printed, where either is missing.
Its screenshots are kept as artefacts under ``build/test-artefacts/browser/`` (or
``$USC_EVENTS_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

import usc_events
from usc_events.docgen import page_data, screenshots
from usc_events.docgen.text_marks import Span, render
from usc_events.schema.columns import columns

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("USC_EVENTS_TEST_ARTEFACTS", ROOT / "build/test-artefacts/browser"))


def test_crossing_spans_are_split_and_nested_ones_kept_whole() -> None:
    text = "abcdefghij"
    spans = [
        Span(0, 6, "a", attrs={"id": "a"}, cont_attrs={"data-evidence": "a"}, tail="|a"),
        Span(3, 9, "b", attrs={"id": "b"}, cont_attrs={"data-evidence": "b"}, tail="|b"),
        Span(3, 6, "c", attrs={"id": "c"}, tail="|c"),
    ]
    out = render(text, spans)
    assert out == (
        '<mark id="a">abc<mark id="b"><mark id="c">def|c</mark></mark>|a</mark>'
        '<mark data-evidence="b">ghi|b</mark>j'
    )
    assert re.sub(r"<[^>]+>|\|\w", "", out) == text


def test_render_escapes_text_and_rejects_spans_outside_it() -> None:
    assert render("a<b & c", [Span(2, 3, "x")]) == "a&lt;<mark>b</mark> &amp; c"
    with pytest.raises(ValueError, match="not in the text"):
        render("abc", [Span(2, 5, "x")])


class _Elements(HTMLParser):
    """Every element's id, and every link, of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.marks: list[dict[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids[values["id"]] += 1
        if tag == "mark" and "ev" in values.get("class", "").split() and "id" in values:
            self.marks.append(values)
        if tag == "a" and "href" in values:
            self.links.append(values["href"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs site, built with ``mkdocs build --strict`` from the worktree's package."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    # The home page's screenshots are left to CI's own docs build: this test takes its own.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "USC_EVENTS_SCREENSHOTS": "0",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def corpus() -> page_data.SiteData:
    return page_data.load_corpus()


def _page(site: Path, url: str) -> _Elements:
    parser = _Elements()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser


def test_every_document_and_record_has_a_page(site: Path, corpus: page_data.SiteData) -> None:
    for document_id in corpus.by_id["documents"]:
        assert (site / page_data.document_url(document_id) / "index.html").is_file()
    for table in corpus.record_tables:
        for record_id in corpus.by_id.get(table, {}):
            assert (site / page_data.record_url(table, record_id) / "index.html").is_file()
    assert (site / "disagreements/index.html").is_file()


def test_every_evidence_row_is_highlighted_once_and_linked_from_its_record(
    site: Path, corpus: page_data.SiteData
) -> None:
    evidence = usc_events.load("evidence", backend="arrow").to_pylist()
    for document_id in corpus.by_id["documents"]:
        page = _page(site, page_data.document_url(document_id))
        rows = {ev["evidence_id"]: ev for ev in evidence if ev["document_id"] == document_id}
        assert {mark["id"] for mark in page.marks} == set(rows)
        assert len(page.marks) == len(rows)
        for mark in page.marks:
            ev = rows[mark["id"]]
            assert mark["data-record"] == f"{ev['record_type']}:{ev['record_id']}"
            assert page.ids[mark["id"]] == 1
    for ev in evidence:
        page = _page(site, page_data.record_url(ev["record_type"], ev["record_id"]))
        target = f"../../../documents/{ev['document_id']}/#{ev['evidence_id']}"
        assert target in page.links, ev["evidence_id"]
        assert page.ids[ev["evidence_id"]] == 1


def test_links_between_records_follow_the_schemas_foreign_keys(
    corpus: page_data.SiteData,
) -> None:
    """Which column links to which table is the schema's declaration, not a guess."""
    declared = {
        (table, column.name): column.foreign_key
        for table in corpus.rows
        for column in columns(table)
        if column.foreign_key
    }
    assert corpus.targets == declared
    assert corpus.refs("statements", "speaker_id", "han-zheng") == [("actors", "han-zheng")]
    assert corpus.refs("statements", "topic_ids", ["tiktok", "tariffs"]) == [
        ("topics", "tiktok"), ("topics", "tariffs")]
    # A column without a declaration links nowhere, whatever its values look like.
    assert corpus.refs("actors", "wikidata_id", "han-zheng") == []


def test_generated_links_lead_to_pages_and_anchors_that_exist(site: Path) -> None:
    """Links inside the generated HTML are not checked by mkdocs: check them here."""
    pages = [p for folder in ("documents", "records", "disagreements")
             for p in (site / folder).rglob("index.html")]
    cache: dict[Path, _Elements] = {}
    for path in pages:
        base = "/" + path.parent.relative_to(site).as_posix() + "/"
        for href in _page(site, path.parent.relative_to(site).as_posix()).links:
            parts = urlsplit(urljoin(base, html.unescape(href)))
            if parts.scheme or not parts.path.startswith(("/documents/", "/records/",
                                                           "/disagreements/")):
                continue
            target = site / parts.path.strip("/") / "index.html"
            assert target.is_file(), f"{base}: {href}"
            if parts.fragment:
                if target not in cache:
                    cache[target] = _page(site, parts.path.strip("/"))
                assert cache[target].ids[parts.fragment] >= 1, f"{base}: {href}"


def test_search_finds_the_generated_pages(site: Path) -> None:
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert '"location":"documents/taipei-han-vance-musk/"' in index.replace(" ", "")
    assert '"location":"records/statements/han-extensive-common-interests/"' in index.replace(" ", "")
    assert '"location":"disagreements/"' in index.replace(" ", "")


def test_browser(site: Path, corpus: page_data.SiteData) -> None:
    """Each document page in Chromium: its highlights, a hover card, the way to the record."""
    reason = screenshots.unavailable()
    if reason is not None:
        print(f"SKIPPED browser test: {reason}")
        pytest.skip(reason)
    evidence = usc_events.load("evidence", backend="arrow").to_pylist()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with screenshots.serve(site) as base, screenshots.browser() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for document_id in corpus.by_id["documents"]:
            rows = [ev for ev in evidence if ev["document_id"] == document_id]
            page.goto(f"{base}/{page_data.document_url(document_id)}")
            assert page.locator("mark.ev[id]").count() == len(rows), document_id
            page.screenshot(path=str(ARTEFACTS / f"document-{document_id}.png"), full_page=True)

            ev = max(rows, key=lambda row: (row["attribution"] is not None, row["evidence_id"]))
            link = page.locator(f'a.ev-ref[data-evidence="{ev["evidence_id"]}"]')
            link.focus()
            card = page.locator("#ev-card")
            card.wait_for(state="visible", timeout=2000)
            text = card.inner_text()
            table, record_id = ev["record_type"], ev["record_id"]
            assert corpus.kind(table, record_id).upper() in text.upper()
            assert corpus.title(table, record_id) in text
            assert f"{table}:{record_id}" in text
            if ev["attribution"]:
                assert ev["attribution"] in text
            page.screenshot(path=str(ARTEFACTS / f"card-{document_id}.png"))

            link.press("Enter")
            page.wait_for_url(f"**/{page_data.record_url(table, record_id, ev['evidence_id'])}")
            quote = page.locator(f'li[id="{ev["evidence_id"]}"] blockquote').inner_text()
            assert " ".join(ev["quote"].split()) in " ".join(quote.split())
            page.screenshot(path=str(ARTEFACTS / f"record-{document_id}.png"))

        # Without JavaScript, the text and its highlights are all there, and so are the links.
        context = browser.new_context(java_script_enabled=False)
        plain = context.new_page()
        document_id = next(iter(corpus.by_id["documents"]))
        plain.goto(f"{base}/{page_data.document_url(document_id)}")
        rows = [ev for ev in evidence if ev["document_id"] == document_id]
        assert plain.locator("mark.ev[id]").count() == len(rows)
        assert plain.locator("a.ev-ref").count() == len(rows)
        context.close()
