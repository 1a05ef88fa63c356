"""Read a YAML data file safely, remembering the line of every value.

Only plain data is accepted: mappings, sequences and the YAML core scalars. Tags
that would construct Python objects, anchors and aliases (and so "billion laughs"
bombs), merge keys and duplicate keys in one mapping are each reported as a
:class:`~usc_events.errors.Violation` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from usc_events.errors import DataInvalid, Violation

#: Where a value sits in the document: mapping keys and sequence indexes from the root.
YamlPath = tuple[str | int, ...]


class Lines(dict[YamlPath, int]):
    """The 1-based line of every value; ``columns`` holds its 1-based column."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: dict[YamlPath, int] = {}

    def mark(self, path: YamlPath, line: int, column: int) -> None:
        """Record where the value at ``path`` is."""
        self[path] = line
        self.columns[path] = column

    def children(self, path: YamlPath) -> list[YamlPath]:
        """The paths one step below ``path``, from an index built once per file."""
        index: dict[YamlPath, list[YamlPath]] | None = self.__dict__.get("_children")
        if index is None or self.__dict__.get("_indexed") != len(self):
            index = {}
            for child in self:
                if child:
                    index.setdefault(child[:-1], []).append(child)
            self.__dict__["_children"], self.__dict__["_indexed"] = index, len(self)
        return index.get(path, [])

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"

#: Largest data file read, in bytes.
MAX_BYTES = 10 * 1024 * 1024
#: Deepest nesting of lists and mappings read; data files need a handful of levels.
MAX_DEPTH = 64
#: What converting a tagged core scalar may raise on a value it cannot take (``!!int ""``).
_SCALAR_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError,
                  yaml.YAMLError)

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's safe loader (where present), with a shorter way to resolve quoted scalars.

    A quoted scalar is always a string, and the safe loader has no path resolvers,
    so resolving needs no regular expressions and tracking the path is not needed.
    """

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and not implicit[0]:
            return _STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def read_text(path: Path, display: str) -> str:
    """The file's text, decoded as strict UTF-8; a violation names the line of a bad byte."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataInvalid(
                [
                    Violation(
                        display,
                        None,
                        None,
                        None,
                        f"file is {size} bytes; data files may be at most {MAX_BYTES} bytes",
                        "file-too-large",
                        value=size,
                    )
                ]
            )
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


@dataclass(frozen=True)
class Problem:
    """A value that cannot be read: where it is and what is wrong."""

    path: YamlPath
    line: int
    message: str
    code: str
    column: int | None = None
    value: Any = None
    hint: str | None = None

    def violation(self, display: str, record: str | None = None, skip: int = 0) -> Violation:
        """As a violation of ``record``, dropping the first ``skip`` steps of the path."""
        field = ".".join(str(p) for p in self.path[skip:]) or None
        return Violation(
            display,
            self.line,
            record,
            field,
            self.message,
            self.code,
            column=self.column,
            value=self.value,
            hint=self.hint,
        )


@dataclass
class YamlData:
    """A parsed file: its data, the line of every value, and the values that could not be read.

    A value that could not be read is ``None`` in ``value`` and has a :class:`Problem`.
    """

    value: Any
    lines: Lines = field(default_factory=Lines)
    problems: list[Problem] = field(default_factory=list)


def read_yaml(path: Path, display: str) -> YamlData:
    """Parse ``path``; give its data, the 1-based line of every value, and its problems.

    Raises
    ------
    DataInvalid
        When the file as a whole cannot be read: too large, not UTF-8, empty, or
        not YAML. A file of comments only holds no records: its value is an empty list.
    """
    text = read_text(path, display)
    if not text.lstrip("\ufeff").strip():
        raise DataInvalid([Violation(display, None, None, None, "file is empty", "empty-file")])
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
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
        if node is None:  # comments only, e.g. a new file's '# yaml-language-server' line
            return YamlData([])
        data = YamlData(None)
        data.value = _NodeReader(loader, data).read(node, ())
    finally:
        loader.dispose()
    return data


class _NodeReader:
    def __init__(self, loader: Any, data: YamlData) -> None:
        self.loader = loader
        self.lines = data.lines
        self.problems = data.problems
        self.seen: set[int] = set()
        self.reported: set[int] = set()

    def fail(self, node: yaml.Node, message: str, code: str, path: YamlPath) -> None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        mark = node.start_mark
        self.problems.append(
            Problem(path, mark.line + 1, message, code, column=mark.column + 1, value=value)
        )

    def read(self, node: yaml.Node, path: YamlPath) -> Any:
        self.lines.mark(path, node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen or getattr(node, "anchor", None):
            if id(node) not in self.reported:  # each reused node once, however often reused
                self.reported.add(id(node))
                message = "anchors and aliases are not allowed in data files"
                self.fail(node, message, "yaml-alias", path)
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if len(path) >= MAX_DEPTH:
            message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep"
            self.fail(node, message, "yaml-depth", path)
            return None
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [self.read(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._mapping(node, path)
        self.fail(node, f"YAML tag {node.tag!r} is not allowed; write plain data", "yaml-tag", path)
        return None

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.fail(
                node, f"YAML tag {node.tag!r} is not allowed; write plain data", "yaml-tag", path
            )
            return None
        if node.tag == _STR_TAG:  # what the constructor would return, without its overhead
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except _SCALAR_ERRORS as error:
            kind = node.tag.rpartition(":")[2]
            reason = str(error) if isinstance(error, ValueError | yaml.YAMLError) else \
                f"not a valid {kind}"
            self.fail(node, f"{node.value!r} is not a valid value: {reason}", "yaml-value", path)
            return None

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.fail(key_node, "merge keys ('<<') are not allowed", "yaml-merge", path)
                else:
                    self.fail(
                        key_node,
                        f"keys must be plain strings, not {key_node.tag!r}",
                        "yaml-key",
                        path,
                    )
                continue
            key = key_node.value
            if key in result:
                first = self.lines.get((*path, key))
                self.fail(
                    key_node,
                    f"duplicate key {key!r} (first given on line {first})",
                    "duplicate-key",
                    (*path, key),
                )
                continue
            if (
                type(value_node) is yaml.ScalarNode
                and value_node.tag == _STR_TAG
                and id(value_node) not in self.seen
            ):  # the common case, as read() would do it
                self.seen.add(id(value_node))
                result[key] = value_node.value
            else:
                result[key] = self.read(value_node, (*path, key))
            # A field is where its key is; its column is the value's when on the same line.
            same_line = value_node.start_mark.line == key_node.start_mark.line
            mark = value_node.start_mark if same_line else key_node.start_mark
            self.lines.mark((*path, key), key_node.start_mark.line + 1, mark.column + 1)
        return result
