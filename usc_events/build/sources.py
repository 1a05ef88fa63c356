"""The dataset version and the documents: ``dataset.yaml`` and ``sources/``.

Each document's text is read byte for byte from the file its metadata names;
its boilerplate passages are located in that text like evidence quotes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from usc_events.build import ids
from usc_events.build.citations import add_citations
from usc_events.build.collect import Collector, Site
from usc_events.build.layout import display_path, source_files, source_texts, version_file
from usc_events.build.records import locate_span, parse
from usc_events.build.yaml_reader import read_text, read_yaml
from usc_events.errors import DataInvalid, Violation
from usc_events.schema.names import SEMVER


def read_version(data_dir: Path, collector: Collector) -> str:
    """The dataset version given in ``dataset.yaml``; ``""``, reported, if there is none."""
    path = version_file(data_dir)
    display = display_path(path, data_dir)
    if not path.is_file():
        collector.violations.append(
            Violation(display, None, None, None, "file is missing", "missing-file")
        )
        return ""
    try:
        parsed = read_yaml(path, display)
    except DataInvalid as error:
        collector.violations.extend(error.violations)
        return ""
    collector.violations.extend(p.violation(display) for p in parsed.problems)
    value, lines = parsed.value, parsed.lines
    version = value.get("version") if isinstance(value, dict) else None
    if not isinstance(version, str) or not SEMVER.match(version):
        collector.violations.append(
            Violation(
                display,
                lines.get(("version",), 1),
                None,
                "version",
                f"{version!r} is not a semantic version; expected e.g. '1.2.0'",
                "version",
                column=lines.columns.get(("version",)),
                value=version,
            )
        )
        return ""
    return version


def read_sources(data_dir: Path | None, extra: list[Path], collector: Collector) -> None:
    """Read every document and its passages; report source texts that nothing describes."""
    described: set[str] = set()
    for path in source_files(data_dir, extra):
        described |= _read_source(path, data_dir, collector)
    for text_path in source_texts(data_dir):
        if text_path.name not in described:
            collector.violations.append(
                Violation(
                    display_path(text_path, data_dir),
                    None,
                    None,
                    None,
                    "source text has no metadata file; "
                    "add a .yaml beside it naming it as file_name",
                    "missing-metadata",
                )
            )


def _read_source(path: Path, data_dir: Path | None, collector: Collector) -> set[str]:
    """Read one document's metadata file and its text; the file names it describes."""
    display = display_path(path, data_dir)
    parsed = parse(path, display, "documents", collector)
    if not parsed:
        described = set()
        for table, raw in collector.rejected:
            if table == "documents":
                described.add(str(raw.get("file_name")))
                collector.unreadable.add(str(raw.get("document_id")))
        return described
    ((item, lines, _),) = parsed
    document = item.model_dump()
    document_id = document["document_id"]
    site = Site(display, lines, (), f"documents:{document_id}")
    passages = document.pop("passages")
    cited = document.pop("citations", [])
    text_path = path.parent / document["file_name"]
    folder = display_path(path.parent, data_dir)
    problem = None
    if not text_path.is_file():
        problem = f"{document['file_name']!r} is not a file in {folder}/"
    elif text_path.resolve().parent != path.parent.resolve():
        problem = (
            f"{document['file_name']!r} is a link to a file outside "
            f"{folder}/; a document's text must be a file there"
        )
    if problem is not None:
        collector.unreadable.add(document_id)
        collector.violations.append(
            site.violation("file_name", problem, "missing-file", value=document["file_name"])
        )
        return {document["file_name"]}
    try:
        text = read_text(text_path, display_path(text_path, data_dir))
    except DataInvalid as error:
        collector.unreadable.add(document_id)
        collector.violations.extend(error.violations)
        return {document["file_name"]}
    if document_id in collector.texts:
        collector.violations.append(
            site.violation(
                "document_id",
                "document id used twice",
                "duplicate-id",
                value=document_id,
                hint="ids must be unique; choose another document_id",
            )
        )
        return {document["file_name"]}
    collector.texts[document_id] = text
    document["text"] = text
    document["sha256"] = hashlib.sha256(text_path.read_bytes()).hexdigest()
    collector.add("documents", document, site)
    add_citations("documents", document_id, cited, site, collector)
    for index, passage in enumerate(passages):
        passage_site = site.at("passages", index)
        span = locate_span(text, passage, passage_site, collector)
        if span is None:
            continue
        start, end = span
        row = {
            "passage_id": ids.passage_id(document_id, start),
            "document_id": document_id,
            "kind": passage["kind"],
            "start": start,
            "end": end,
            "quote": passage["quote"],
        }
        label = f"passages:{row['passage_id']}"
        collector.add("passages", row, Site(display, lines, passage_site.path, label))
    return {document["file_name"]}
