"""Read a YAML data file safely, remembering the line of every value.

Only plain data is accepted: mappings, sequences and the YAML core scalars. Tags
that would construct Python objects, anchors and aliases (and so "billion laughs"
bombs), merge keys and duplicate keys in one mapping are each reported as a
:class:`~usc_events.errors.Violation` naming the file and line.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from usc_events.build.lines import Lines, YamlPath
from usc_events.build.yaml_loader import (
    MAP_TAG,
    MAX_DEPTH,
    NULL_TAG,
    SCALAR_ERRORS,
    SCALAR_TAGS,
    SEQ_TAG,
    STR_TAG,
    Loader,
    Problem,
    YamlData,
)
from usc_events.build.yaml_values import plain_values
from usc_events.errors import DataInvalid, Violation

#: Largest data file read, in bytes.
MAX_BYTES = 10 * 1024 * 1024

_Scalar, _Alias = yaml.ScalarEvent, yaml.AliasEvent
_SeqStart, _MapStart = yaml.SequenceStartEvent, yaml.MappingStartEvent
_KINDS: dict[type[Any], type[yaml.Node]] = {
    _Scalar: yaml.ScalarNode, _SeqStart: yaml.SequenceNode, _MapStart: yaml.MappingNode}


def read_text(path: Path, display: str) -> str:
    """The file's text, decoded as strict UTF-8; a violation names the line of a bad byte."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = f"file is {size} bytes; data files may be at most {MAX_BYTES} bytes"
            raise DataInvalid([Violation(display, None, None, None, message, "file-too-large",
                                         value=size)])
        data = path.read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise DataInvalid([Violation(display, None, None, None, message, "unreadable")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        raise DataInvalid(
            [
                Violation(
                    display,
                    line,
                    None,
                    None,
                    f"byte {data[error.start]:#04x} at offset {error.start} is not UTF-8; "
                    "save the file as UTF-8",
                    "encoding",
                    column=column,
                    value=data[line_start : error.start + 1].decode("utf-8", errors="replace"),
                )
            ]
        ) from None


def read_yaml(path: Path, display: str) -> YamlData:
    """Parse ``path``; give its data, the 1-based line of every value, and its problems.

    A file of plain data (no tag, anchor, alias, duplicate or non-string key, or value that
    cannot be read) is read first for its values alone (:func:`plain_values`); its lines
    are read when first asked for, which is when a violation names them. Either way
    the lines are pickled as a way to read them again (:func:`lines_again`), not as marks.

    Raises
    ------
    DataInvalid
        When the file as a whole cannot be read: too large, not UTF-8, empty, or
        not YAML. A file of comments only holds no records: its value is an empty list.
    """
    text = read_text(path, display)
    again = partial(lines_again, str(path), display, _digest(text))
    try:
        return YamlData(plain_values(text), Lines(load=again))
    except Exception:  # anything out of the plain: the full reader says what it is
        data = parse_yaml(text, display)
    data.lines.read_again_by(again)
    return data


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def lines_again(path: str, display: str, digest: bytes) -> Lines:
    """The lines of a file read before, read again when first asked for (in another process).

    A file that changed since it was read (or no longer reads) gives no lines, so that a
    violation in it is shown without a line rather than at a wrong one.
    """
    try:
        text = read_text(Path(path), display)
        return parse_yaml(text, display).lines if _digest(text) == digest else Lines()
    except DataInvalid:
        return Lines()


def parse_yaml(text: str, display: str) -> YamlData:
    """:func:`read_yaml` of a file's text, already read; ``display`` names the file."""
    if not text.lstrip("\ufeff").strip():
        raise DataInvalid([Violation(display, None, None, None, "file is empty", "empty-file")])
    loader = Loader(text)
    try:
        try:
            data = _EventReader(loader).document()
        except RecursionError:  # kept for safety: the reader itself nests at most MAX_DEPTH
            message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
            raise DataInvalid(
                [Violation(display, None, None, None, message, "yaml-depth")]
            ) from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else None
            column = mark.column + 1 if mark is not None else None
            problem = error.problem or error.context or "syntax error"
            message = f"not valid YAML: {problem}"
            raise DataInvalid(
                [Violation(display, line, None, None, message, "yaml-syntax", column=column)]
            ) from None
        except yaml.YAMLError as error:
            raise DataInvalid(
                [Violation(display, None, None, None, f"not valid YAML: {error}", "yaml-syntax")]
            ) from None
    finally:
        loader.dispose()
    return data


class _Anchored:
    """A node that carries an anchor: what an alias to it stands for."""

    __slots__ = ("event", "events", "kind", "mark", "reported", "seen", "tag", "value")

    def __init__(self, event: Any, kind: type[yaml.Node], tag: str) -> None:
        self.event, self.kind, self.tag, self.mark = event, kind, tag, event.start_mark
        self.value: str | None = event.value if kind is yaml.ScalarNode else None
        #: The events of a list or mapping passed over unread, to read it where an alias is.
        self.events: list[Any] | None = None
        self.seen = self.reported = False


class _EventReader:
    """The data of libyaml's event stream, with no YAML node built for it.

    It gives what composing the nodes and reading them gave: the same values, lines,
    columns and problems, and the composer's own errors (an undefined alias, a duplicate
    anchor, a second document) as :class:`yaml.MarkedYAMLError`. A node reached a second
    time (through an alias) is reported once and read as null. Composing made a Python
    object per node and resolved each one's tag in Python; reading the events is several
    times faster. ``tests/test_fast_yaml.py`` holds it to the node reader it replaces.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.next = loader.get_event
        self.data = YamlData(None)
        self.lines = self.data.lines
        self.problems = self.data.problems
        self.anchors: dict[str, _Anchored] = {}
        #: The tag of each plain scalar met so far: it depends on the text alone.
        self.plain: dict[str, str] = {}

    def _scalar_tag(self, event: Any) -> str:
        """A scalar's tag as the composer resolves it: a plain one's once per text."""
        tag: str | None = event.tag
        if tag is None:
            if not event.implicit[0]:
                return STR_TAG  # quoted
            value = event.value
            tag = self.plain.get(value)
            if tag is None:
                tag = self.plain[value] = self.loader.resolve(yaml.ScalarNode, value,
                                                              (True, False))
            return tag
        if tag == "!":
            return self.loader.resolve(yaml.ScalarNode, event.value,  # type: ignore[no-any-return]
                                       event.implicit)
        return tag

    def document(self) -> YamlData:
        next_event = self.next
        next_event()  # the stream's start
        event = next_event()
        if isinstance(event, yaml.StreamEndEvent):  # comments only
            self.data.value = []
            return self.data
        start = event.start_mark
        self.data.value = self.read(next_event(), ())
        next_event()  # the document's end
        event = next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", start,
                                              "but found another document", event.start_mark)
        return self.data

    # --- anchors and passing over ------------------------------------------------------

    def _tag(self, event: Any) -> str:
        """The event's tag, resolved as the composer resolves it."""
        if type(event) is _Scalar:
            return self._scalar_tag(event)
        tag: str | None = event.tag
        if tag is None or tag == "!":
            return self.loader.resolve(_KINDS[type(event)], None,  # type: ignore[no-any-return]
                                       event.implicit)
        return tag

    def _anchor(self, event: Any) -> _Anchored:
        """The anchored node that ``event`` starts, noted the first time it is met."""
        name = event.anchor
        known = self.anchors.get(name)
        if known is not None:
            if known.event is event:  # read again from its recorded events
                return known
            raise yaml.composer.ComposerError(
                "found duplicate anchor; first occurrence", known.mark,
                "second occurrence", event.start_mark)
        anchored = _Anchored(event, _KINDS[type(event)], self._tag(event))
        self.anchors[name] = anchored
        return anchored

    def _target(self, event: Any) -> _Anchored:
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            raise yaml.composer.ComposerError(None, None, "found undefined alias",
                                              event.start_mark)
        return anchored

    def skip(self, event: Any, depth: int = 0) -> None:
        """Pass over a node from ``event`` on, inside ``depth`` lists or mappings already open.

        Its anchors are noted, and an anchored list or mapping keeps its events, since
        an alias to it further on reads it there.
        """
        recording: list[tuple[list[Any], int]] = []
        while True:
            kind = type(event)
            for events, _ in recording:
                events.append(event)
            if kind is _Alias:
                self._target(event)
            elif kind is _Scalar:
                if event.anchor is not None:
                    self._anchor(event)
            elif kind is _SeqStart or kind is _MapStart:
                depth += 1
                if event.anchor is not None:
                    anchored = self._anchor(event)
                    anchored.events = [event]
                    recording.append((anchored.events, depth))
            else:
                if recording and recording[-1][1] == depth:
                    recording.pop()
                depth -= 1
            if depth == 0:
                return
            event = self.next()

    def _replay(self, anchored: _Anchored, path: YamlPath) -> Any:
        """Read an anchored node for the first time, at an alias to it."""
        if anchored.events is None:  # a scalar
            return self.read(anchored.event, path)
        outer, self.next = self.next, iter(anchored.events[1:]).__next__
        try:
            return self.read(anchored.event, path)
        finally:
            self.next = outer

    # --- values ------------------------------------------------------------------------

    def fail(self, mark: Any, value: Any, message: str, code: str, path: YamlPath) -> None:
        self.problems.append(
            Problem(path, mark.line + 1, message, code, column=mark.column + 1, value=value)
        )

    def read(self, event: Any, path: YamlPath) -> Any:
        kind = type(event)
        if kind is _Alias:
            anchored = self._target(event)
            if not anchored.seen:
                return self._replay(anchored, path)
            mark = anchored.mark
            self.lines.mark(path, mark.line + 1, mark.column + 1)
            if not anchored.reported:  # each reused node once, however often reused
                anchored.reported = True
                self.fail(mark, anchored.value,
                          "anchors and aliases are not allowed in data files", "yaml-alias", path)
            return None
        mark = event.start_mark
        self.lines.mark(path, mark.line + 1, mark.column + 1)
        if event.anchor is not None:
            self._anchor(event).seen = True
        if kind is _Scalar:
            return self._scalar(event, path)
        if len(path) >= MAX_DEPTH:
            message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
            self.fail(mark, None, message, "yaml-depth", path)
            self.skip(self.next(), 1)
            return None
        tag = self._tag(event)
        if kind is _SeqStart and tag == SEQ_TAG:
            items: list[Any] = []
            next_event = self.next
            event = next_event()
            while type(event) is not yaml.SequenceEndEvent:
                items.append(self.read(event, (*path, len(items))))
                event = next_event()
            return items
        if kind is _MapStart and tag == MAP_TAG:
            return self._mapping(path)
        self.fail(mark, None, f"YAML tag {tag!r} is not allowed; write plain data", "yaml-tag",
                  path)
        self.skip(self.next(), 1)
        return None

    def _scalar(self, event: Any, path: YamlPath) -> Any:
        tag = self._scalar_tag(event)
        if tag == STR_TAG:
            return event.value
        if tag == NULL_TAG:  # what the constructor gives for any null, without a node
            return None
        if tag not in SCALAR_TAGS:
            self.fail(event.start_mark, event.value,
                      f"YAML tag {tag!r} is not allowed; write plain data", "yaml-tag", path)
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except SCALAR_ERRORS as error:
            kind = tag.rpartition(":")[2]
            reason = str(error) if isinstance(error, ValueError | yaml.YAMLError) else \
                f"not a valid {kind}"
            self.fail(event.start_mark, event.value,
                      f"{event.value!r} is not a valid value: {reason}", "yaml-value", path)
            return None

    def _key(self, event: Any) -> tuple[type[yaml.Node], str, str | None, Any]:
        """The kind, tag, value and mark of a mapping's key (an alias stands for its node)."""
        kind = type(event)
        if kind is _Alias:
            anchored = self._target(event)
            return anchored.kind, anchored.tag, anchored.value, anchored.mark
        if kind is _Scalar:
            if event.anchor is not None:
                self._anchor(event)
            return yaml.ScalarNode, self._scalar_tag(event), event.value, event.start_mark
        tag = self._tag(event)
        self.skip(event)
        return _KINDS[kind], tag, None, event.start_mark

    def _mapping(self, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        next_event, lines = self.next, self.lines
        while True:
            event: Any = next_event()
            kind: type[yaml.Node]
            key: str | None
            key_mark: Any
            if type(event) is _Scalar and event.anchor is None:
                kind, key, key_mark = yaml.ScalarNode, event.value, event.start_mark
                tag = self._scalar_tag(event)
            elif type(event) is yaml.MappingEndEvent:
                return result
            else:
                kind, tag, key, key_mark = self._key(event)
            if kind is not yaml.ScalarNode or tag != STR_TAG:
                if tag == "tag:yaml.org,2002:merge":
                    self.fail(key_mark, key, "merge keys ('<<') are not allowed", "yaml-merge",
                              path)
                else:
                    self.fail(key_mark, key, f"keys must be plain strings, not {tag!r}",
                              "yaml-key", path)
                self.skip(next_event())
                continue
            assert key is not None
            if key in result:
                first = lines.get((*path, key))
                self.fail(key_mark, key, f"duplicate key {key!r} (first given on line {first})",
                          "duplicate-key", (*path, key))
                self.skip(next_event())
                continue
            event = next_event()
            tag = self._scalar_tag(event) if type(event) is _Scalar and event.anchor is None \
                else ""
            if tag in (STR_TAG, NULL_TAG):  # the common cases: a string, a null
                result[key] = event.value if tag == STR_TAG else None
                value_mark: Any = event.start_mark
            else:
                value_mark = self._store(result, key, event, path)
            # A field is where its key is; its column is the value's when on the same line.
            mark = value_mark if value_mark.line == key_mark.line else key_mark
            lines.mark((*path, key), key_mark.line + 1, mark.column + 1)

    def _store(self, result: dict[str, Any], key: str, event: Any, path: YamlPath) -> Any:
        """Read the value of ``key`` into ``result``; give the mark where the value starts."""
        kind = type(event)
        if kind is _Scalar:  # a string is taken as it is, anchored or not
            anchored = self._anchor(event) if event.anchor is not None else None
            if (anchored.tag if anchored is not None else self._scalar_tag(event)) == STR_TAG \
                    and (anchored is None or not anchored.seen):
                if anchored is not None:
                    anchored.seen = True
                result[key] = event.value
                return event.start_mark
        elif kind is _Alias:
            anchored = self._target(event)
            if anchored.kind is yaml.ScalarNode and anchored.tag == STR_TAG \
                    and not anchored.seen:
                anchored.seen = True
                result[key] = anchored.value
                return anchored.mark
            result[key] = self.read(event, (*path, key))
            return anchored.mark
        result[key] = self.read(event, (*path, key))
        return event.start_mark
