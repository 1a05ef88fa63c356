"""MkDocs hooks: the pages and pictures the site generates from the package when it is built.

- ``error-codes.md`` lists every error code with its meaning
  (:func:`usc_events.docgen.error_codes.render_markdown`);
- ``data-dictionary.md`` is rendered from the table definitions
  (:func:`usc_events.docgen.dictionary.render_markdown`);
- ``img/timeline.png`` and ``img/network.png`` are drawn from the packaged corpus
  with :mod:`usc_events.query.plots`;
- the marker ``<!-- usc-events: corpus-figures -->`` in a page is replaced by the
  corpus's composition in figures (:func:`usc_events.docgen.datasheet.render_markdown`);
- the evidence pages, one per document and per record, and the disagreements page
  (:func:`usc_events.docgen.evidence_pages.generate`);
- ``img/evidence-*.png``, screenshots of those pages, taken in Chromium once the site is
  written (:mod:`usc_events.docgen.screenshots`). Where Chromium or Playwright is missing, the
  build keeps a placeholder picture that says so and logs a warning that does not fail
  ``--strict`` (a machine without a browser can still check the site); with
  ``USC_EVENTS_REQUIRE_SCREENSHOTS=1``, as CI sets it, it fails the build instead.
  ``USC_EVENTS_SCREENSHOTS=0`` skips them (a quicker build while writing).

All of it is generated into the build, never written into ``docs/``: nothing generated
is committed, so nothing generated can go stale. A failure here fails the build.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from usc_events.docgen import (
    datasheet,
    dictionary,
    error_codes,
    evidence_pages,
    page_data,
    screenshots,
)

#: Outside the ``mkdocs`` logger on purpose: a missing browser is a fact about the machine,
#: not a fault of the site, so it must not fail ``--strict`` (see the module's docstring).
log = logging.getLogger("usc_events.docs")
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  [usc-events] %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

#: Markers a page may contain, each replaced by generated Markdown.
MARKERS: dict[str, Callable[[], str]] = {
    "<!-- usc-events: corpus-figures -->": datasheet.render_markdown,
}


def _figures() -> dict[str, bytes]:
    """The timeline and the who-met-whom network of the packaged corpus, as PNG bytes."""
    from usc_events.query import plots
    from usc_events.query.corpus import open_corpus

    corpus = open_corpus(backend="arrow")
    with tempfile.TemporaryDirectory() as folder:
        timeline = plots.timeline(
            corpus.timeline(),
            Path(folder) / "timeline.png",
            title="The dated meetings, statements and positions of the corpus",
        )
        network = plots.network(
            corpus.network(), Path(folder) / "network.png", title="Who met whom in the corpus"
        )
        return {path.name: path.read_bytes() for path in (timeline, network)}


def _placeholder(reason: str) -> bytes:
    """A picture standing for a screenshot that this build could not take."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure = plt.figure(figsize=(8, 2.5), dpi=100)
    figure.text(0.5, 0.5, f"Screenshot not taken when this site was built:\n{reason}.",
                ha="center", va="center", wrap=True, fontsize=12)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "placeholder.png"
        figure.savefig(path)
        plt.close(figure)
        return path.read_bytes()


def on_files(files: Files, config: Any) -> Files:
    """Add the generated data dictionary, figures and evidence pages to the site's files."""
    files.append(File.generated(config, "data-dictionary.md", content=dictionary.render_markdown()))
    files.append(File.generated(config, "error-codes.md", content=error_codes.render_markdown()))
    for name, content in _figures().items():
        files.append(File.generated(config, f"img/{name}", content=content))
    started = time.perf_counter()
    corpus = page_data.load_corpus()
    for path, markdown in evidence_pages.generate(corpus).items():
        files.append(File.generated(config, path, content=markdown))
    log.info("Evidence pages generated in %.2f s", time.perf_counter() - started)
    placeholder = _placeholder(screenshots.unavailable() or "the build stopped before it")
    for shot in screenshots.shots(corpus):
        files.append(File.generated(config, f"img/{shot.name}", content=placeholder))
    return files


#: The repository, and the screenshots the README shows (the site makes its own at each
#: build; these are refreshed with USC_EVENTS_UPDATE_README_SCREENSHOTS=1 mkdocs build).
ROOT = Path(__file__).resolve().parent.parent
README_SHOTS = ROOT / "docs" / "screenshots"


def on_post_build(config: Any) -> None:
    """Screenshot the evidence pages of the site just written, over the placeholders."""
    if os.environ.get("USC_EVENTS_SCREENSHOTS") == "0":
        log.info("Screenshots of the evidence pages skipped (USC_EVENTS_SCREENSHOTS=0)")
        return
    reason = screenshots.unavailable()
    if reason is not None:
        if os.environ.get("USC_EVENTS_REQUIRE_SCREENSHOTS") == "1":
            raise RuntimeError(f"cannot take the evidence pages' screenshots: {reason}")
        log.warning("Screenshots of the evidence pages kept as placeholders: %s", reason)
        return
    started = time.perf_counter()
    site = Path(config["site_dir"])
    shots = screenshots.shots(page_data.load_corpus())
    taken = screenshots.capture(site, shots, site / "img")
    log.info("%d screenshots taken in %.2f s", len(shots), time.perf_counter() - started)
    if os.environ.get("USC_EVENTS_UPDATE_README_SCREENSHOTS") == "1":
        README_SHOTS.mkdir(exist_ok=True)
        for path in taken:
            if not path.stem.endswith("-phone"):
                shutil.copyfile(path, README_SHOTS / path.name)
        log.info("README screenshots updated in %s", README_SHOTS.relative_to(ROOT))


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Replace each generated-content marker in a page by its content."""
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown
