"""MkDocs hooks: the pages and pictures the site generates from the package when it is built.

- ``data-dictionary.md`` is rendered from the table definitions
  (:func:`usc_events.docgen.dictionary.render_markdown`);
- ``img/timeline.png`` and ``img/network.png`` are drawn from the packaged corpus
  with :mod:`usc_events.query.plots`;
- the marker ``<!-- usc-events: corpus-figures -->`` in a page is replaced by the
  corpus's composition in figures (:func:`usc_events.docgen.datasheet.render_markdown`).

All of it is generated into the build, never written into ``docs/``: nothing generated
is committed, so nothing generated can go stale. A failure here fails the build.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from usc_events.docgen import datasheet, dictionary

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


def on_files(files: Files, config: Any) -> Files:
    """Add the generated data dictionary and figures to the site's files."""
    files.append(File.generated(config, "data-dictionary.md", content=dictionary.render_markdown()))
    for name, content in _figures().items():
        files.append(File.generated(config, f"img/{name}", content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Replace each generated-content marker in a page by its content."""
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown
