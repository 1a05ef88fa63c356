"""Screenshots of the evidence pages of a built site, taken in a real browser.

The browser is the system's Chromium (Debian's ``chromium`` package), driven through
Playwright's Python package with ``executable_path``: Playwright's own browser download
is never used. :func:`unavailable` says why screenshots cannot be taken here, if they
cannot; :func:`serve` serves a built site on 127.0.0.1 for the browser (and the tests).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usc_events.docgen.page_data import SiteData, document_url, record_url

#: Chromium's flags: headless, sandbox-less (CI runs as root), and no network of its own.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium() -> str | None:
    """The path of the system Chromium (``$USC_EVENTS_CHROMIUM`` overrides), or ``None``."""
    for candidate in (os.environ.get("USC_EVENTS_CHROMIUM"), shutil.which("chromium"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def unavailable() -> str | None:
    """Why no browser can be driven here (``None`` if one can)."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright's Python package is not installed (pip install playwright)"
    if chromium() is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` over HTTP on 127.0.0.1; yields the base URL (no trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def browser() -> Iterator[Any]:
    """A headless system Chromium, as a Playwright ``Browser``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium(), args=ARGS,
                                              headless=True)
        try:
            yield instance
        finally:
            instance.close()


@dataclass(frozen=True)
class Shot:
    """One screenshot: a page at a viewport size, optionally with a highlight focused."""

    name: str
    url: str
    width: int
    height: int
    focus: str | None = None


def shots(corpus: SiteData) -> list[Shot]:
    """The screenshots of the home page: a document with a focused highlight, and the record
    it supports, at 1280 px and on a 390 px phone screen.

    The document is the one with most evidence; the highlight the first of it whose record
    takes part in a discrepancy (else its first), so the record page shows every section.
    """
    evidence = corpus.rows["evidence"]
    counts: dict[str, int] = {}
    for ev in evidence:
        counts[ev["document_id"]] = counts.get(ev["document_id"], 0) + 1
    document = max(sorted(counts), key=counts.__getitem__)
    rows = sorted((ev for ev in evidence if ev["document_id"] == document),
                  key=lambda ev: (ev["start"], ev["evidence_id"]))
    chosen = next((ev for ev in rows if ev["record_type"] == "statements"
                   and (ev["record_type"], ev["record_id"]) in corpus.discrepancies_of), rows[0])
    page = document_url(document)
    focus = chosen["evidence_id"]
    record = record_url(chosen["record_type"], chosen["record_id"], focus)
    return [
        Shot("evidence-document.png", page, 1280, 800, focus),
        Shot("evidence-record.png", record, 1280, 800),
        Shot("evidence-document-phone.png", page, 390, 844, focus),
        Shot("evidence-record-phone.png", record, 390, 844),
    ]


def take(page: Any, shot: Shot, path: Path) -> None:
    """Take one screenshot in an open Playwright page."""
    if "#" in shot.url:  # the quote reached from a highlight: bring it down from the header
        target = page.locator(f'[id="{shot.url.rsplit("#", 1)[1]}"]')
        target.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top"
                        " - window.innerHeight / 4)")
    if shot.focus is not None:
        link = page.locator(f'a.ev-ref[data-evidence="{shot.focus}"]')
        link.focus()
        mark = page.locator(f'[id="{shot.focus}"]')
        mark.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top"
                      " - window.innerHeight / 3)")
        page.locator("#ev-card").wait_for(state="visible")
        link.focus()  # place the card again after the scroll
    page.add_style_tag(content=".md-top { display: none !important; }")  # "Back to top"
    page.wait_for_timeout(500)  # let the header's title transition finish
    page.screenshot(path=str(path))


def capture(site_dir: Path, wanted: list[Shot], out_dir: Path) -> list[Path]:
    """Take the screenshots of the site built in ``site_dir`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site_dir) as base, browser() as instance:
        for shot in wanted:
            context = instance.new_context(viewport={"width": shot.width, "height": shot.height},
                                           device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{base}/{shot.url}", wait_until="load")
            take(page, shot, out_dir / shot.name)
            written.append(out_dir / shot.name)
            context.close()
    return written
