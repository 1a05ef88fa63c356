"""Where each value of a data file is: its path in the file, its line and its column."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from typing import Any

#: Where a value sits in the document: mapping keys and sequence indexes from the root.
YamlPath = tuple[str | int, ...]


class Lines(Mapping[YamlPath, int]):
    """The 1-based line of every value; ``columns`` holds its 1-based column.

    The marks serve to locate a violation, so most files' are never read. Pickled, as a
    worker process sends them, they travel as one blob of bytes, unpacked only when first
    asked for: a build of many files neither unpacks nor keeps a dict entry per value.
    """

    __slots__ = ("_children", "_columns", "_indexed", "_lines", "_packed")

    def __init__(self) -> None:
        self._lines: dict[YamlPath, int] = {}
        self._columns: dict[YamlPath, int] = {}
        self._packed: bytes | None = None
        self._children: dict[YamlPath, list[YamlPath]] = {}
        self._indexed = -1

    def _marks(self) -> dict[YamlPath, int]:
        if self._packed is not None:
            self._lines, self._columns = pickle.loads(self._packed)
            self._packed = None
        return self._lines

    @property
    def columns(self) -> dict[YamlPath, int]:
        """The 1-based column of every value."""
        self._marks()
        return self._columns

    def mark(self, path: YamlPath, line: int, column: int) -> None:
        """Record where the value at ``path`` is."""
        if self._packed is not None:
            self._marks()
        self._lines[path] = line
        self._columns[path] = column

    def __getitem__(self, path: YamlPath) -> int:
        return self._marks()[path]

    def get(self, path: YamlPath, default: Any = None) -> Any:
        return self._marks().get(path, default)

    def __contains__(self, path: object) -> bool:
        return path in self._marks()

    def __iter__(self) -> Iterator[YamlPath]:
        return iter(self._marks())

    def __len__(self) -> int:
        return len(self._marks())

    def __repr__(self) -> str:
        return f"Lines({self._marks()!r})"

    def children(self, path: YamlPath) -> list[YamlPath]:
        """The paths one step below ``path``, from an index built once per file."""
        marks = self._marks()
        if self._indexed != len(marks):
            self._children = {}
            for child in marks:
                if child:
                    self._children.setdefault(child[:-1], []).append(child)
            self._indexed = len(marks)
        return self._children.get(path, [])

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        packed = self._packed or pickle.dumps((self._lines, self._columns),
                                              protocol=pickle.HIGHEST_PROTOCOL)
        return _packed_lines, (packed,)


def _packed_lines(packed: bytes) -> Lines:
    """The :class:`Lines` pickled as ``packed``, unpacked when first asked for."""
    lines = Lines()
    lines._packed = packed
    return lines
