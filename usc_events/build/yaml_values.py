"""Read a file of plain data for its values alone, with no line kept.

Most data files have no violation, so their lines are never needed:
:func:`plain_values` reads such a file several times faster than the full reader
(:func:`~usc_events.build.yaml_reader.parse_yaml`), which is used for anything else and
for the lines, when a violation asks for them.
"""

from __future__ import annotations

from typing import Any

import yaml

from usc_events.build.yaml_loader import (
    MAX_DEPTH,
    NULL_TAG,
    SCALAR_TAGS,
    STR_TAG,
    Loader,
)

_Scalar, _Alias = yaml.ScalarEvent, yaml.AliasEvent
_SeqStart = yaml.SequenceStartEvent


class NotPlain(Exception):
    """The file holds something that :func:`plain_values` leaves to the full reader."""


def plain_values(text: str) -> Any:
    """The data of a file of plain data, read from libyaml's events with no line kept.

    It gives what :func:`~usc_events.build.yaml_reader.parse_yaml` gives such a file,
    several times faster. Anything else (a tag, an anchor, an alias, a key that is not a
    string or given twice, a value that cannot be read, lists and mappings nested too
    deep, a YAML error) raises, and the file is read by the full reader, which reports it.
    """
    if not text.lstrip("\ufeff").strip():
        raise NotPlain  # an empty file
    loader = Loader(text)
    try:
        return _PlainReader(loader).document()
    finally:
        loader.dispose()


class _PlainReader:
    """The values of libyaml's events, for a file of plain data; :class:`NotPlain` otherwise."""

    __slots__ = ("loader", "next", "plain")

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.next = loader.get_event
        #: What each plain scalar reads as: it depends on its text alone, and is immutable.
        self.plain: dict[str, Any] = {}

    def document(self) -> Any:
        next_event = self.next
        next_event()  # the stream's start
        if type(next_event()) is yaml.StreamEndEvent:  # comments only
            return []
        value = self.node(next_event(), 0)
        next_event()  # the document's end
        if type(next_event()) is not yaml.StreamEndEvent:
            raise NotPlain  # a second document
        return value

    def scalar(self, event: Any) -> Any:
        if event.tag is not None or event.anchor is not None:
            raise NotPlain
        value = event.value
        if not event.implicit[0]:  # quoted
            return value
        plain = self.plain
        if value in plain:
            return plain[value]
        tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))
        if tag == STR_TAG:
            read: Any = value
        elif tag == NULL_TAG:
            read = None
        elif tag in SCALAR_TAGS:
            read = self.loader.construct_object(
                yaml.ScalarNode(tag, value, event.start_mark, event.end_mark), deep=True)
        else:
            raise NotPlain
        plain[value] = read
        return read

    def node(self, event: Any, depth: int) -> Any:
        kind = type(event)
        if kind is _Scalar:
            return self.scalar(event)
        if kind is _Alias or event.tag is not None or event.anchor is not None \
                or depth >= MAX_DEPTH:
            raise NotPlain
        next_event = self.next
        if kind is _SeqStart:
            items = []
            event = next_event()
            while type(event) is not yaml.SequenceEndEvent:
                items.append(self.node(event, depth + 1))
                event = next_event()
            return items
        mapping: dict[str, Any] = {}
        scalar = self.scalar
        event = next_event()
        while type(event) is not yaml.MappingEndEvent:
            if type(event) is not _Scalar:
                raise NotPlain
            key = scalar(event)
            if type(key) is not str or key in mapping:
                raise NotPlain
            event = next_event()
            mapping[key] = scalar(event) if type(event) is _Scalar else self.node(event, depth + 1)
            event = next_event()
        return mapping
