"""The YAML reader as it was: libyaml composes the nodes, and Python reads them.

``usc_events.build.yaml_reader`` reads libyaml's events instead, without building a node
for each value; ``test_fast_yaml.py`` checks that both give the same data, lines,
columns, problems and errors. Not used by the library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from usc_events.build.lines import YamlPath
from usc_events.build.yaml_loader import (
    MAP_TAG,
    MAX_DEPTH,
    SCALAR_ERRORS,
    SCALAR_TAGS,
    SEQ_TAG,
    STR_TAG,
    Loader,
    Problem,
    YamlData,
)
from usc_events.build.yaml_reader import read_text
from usc_events.errors import DataInvalid, Violation


def read_yaml_nodes(path: Path, display: str) -> YamlData:
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
    loader = Loader(text)
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
        if isinstance(node, yaml.SequenceNode) and node.tag == SEQ_TAG:
            return [self.read(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode) and node.tag == MAP_TAG:
            return self._mapping(node, path)
        self.fail(node, f"YAML tag {node.tag!r} is not allowed; write plain data", "yaml-tag", path)
        return None

    def _scalar(self, node: yaml.ScalarNode, path: YamlPath) -> Any:
        if node.tag not in SCALAR_TAGS:
            self.fail(
                node, f"YAML tag {node.tag!r} is not allowed; write plain data", "yaml-tag", path
            )
            return None
        if node.tag == STR_TAG:  # what the constructor would return, without its overhead
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except SCALAR_ERRORS as error:
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
                and value_node.tag == STR_TAG
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
