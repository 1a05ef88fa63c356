"""A draft and what it is drafted against: the corpus's actors, documents and topics.

:func:`usc_events.contrib.propose.propose` fills a :class:`Draft`; :func:`write_draft`
puts it in a folder of its own, all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from usc_events.contrib.article_text import KnownActor


@dataclass
class Draft:
    """The drafted files: paths relative to the draft folder, and their text."""

    document_id: str
    files: dict[str, str] = field(default_factory=dict)
    #: The article's exact bytes, to be copied beside its metadata.
    text_bytes: bytes = b""
    text_name: str = ""


def known_corpus(data_dir: Path | None
                 ) -> tuple[list[KnownActor], list[str], list[tuple[str, str]]]:
    """The corpus's actors, document ids and topics (id, label): from ``data_dir``, else
    the packaged tables."""
    if data_dir is not None and data_dir.is_dir():
        from usc_events.build.builder import build

        corpus = build(data_dir)
        tables = corpus.tables
    else:
        from usc_events.releases.versions import load

        tables = {t: load(t, backend="arrow") for t in ("actors", "documents", "topics")}
    actors = [
        KnownActor(row["actor_id"], (row["name"], *(row["aliases"] or [])), row["kind"])
        for row in tables["actors"].select(["actor_id", "name", "aliases", "kind"]).to_pylist()
    ]
    documents = tables["documents"].column("document_id").to_pylist()
    topics = [(row["topic_id"], row["label"])
              for row in tables["topics"].select(["topic_id", "label"]).to_pylist()]
    return actors, documents, topics


def known_actors(data_dir: Path | None) -> tuple[list[KnownActor], list[str]]:
    """The actors and document ids of the corpus: from ``data_dir``, else the packaged tables."""
    actors, documents, _ = known_corpus(data_dir)
    return actors, documents


def write_draft(draft: Draft, folder: Path) -> list[Path]:
    """Write the draft into a new folder ``folder`` (which must not exist or be empty).

    The files are written to a temporary folder beside it that is then moved into
    place, so a failure leaves nothing behind.
    """
    from usc_events._files import replace_folder

    def fill(staging: Path) -> None:
        for relative, content in draft.files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        (staging / "sources" / draft.text_name).write_bytes(draft.text_bytes)

    folder = folder.resolve()
    replace_folder(folder, fill, prefix=".draft-")  # an existing folder is empty: the caller checks
    return sorted(p for p in folder.rglob("*") if p.is_file())
