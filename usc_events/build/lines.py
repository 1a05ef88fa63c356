"""Where each value of a data file is: its path in the file, its line and its column."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

#: Where a value sits in the document: mapping keys and sequence indexes from the root.
YamlPath = tuple[str | int, ...]


class Lines(Mapping[YamlPath, int]):
    """The 1-based line of every value; ``columns`` holds its 1-based column.

    The marks serve to locate a violation, so most files' are never read. Lines made
    with ``load`` hold none until first asked: ``load()`` then gives them. Lines that
    know how to be read again (:meth:`read_again_by`) are pickled as that way alone, so a
    worker process sends its files' lines without their marks (see
    :mod:`usc_events.build.worker_pool`), and a build of many files keeps no marks but
    those of the files a violation names.
    """

    __slots__ = ("_children", "_columns", "_indexed", "_lines", "_load", "_loaded")

    def __init__(self, load: Callable[[], Lines] | None = None) -> None:
        self._lines: dict[YamlPath, int] = {}
        self._columns: dict[YamlPath, int] = {}
        self._load = load
        self._loaded = load is None
        self._children: dict[YamlPath, list[YamlPath]] = {}
        self._indexed = -1

    def _marks(self) -> dict[YamlPath, int]:
        if not self._loaded:
            self._loaded = True
            loaded = self._load() if self._load is not None else Lines()
            self._lines, self._columns = loaded._marks(), loaded._columns
        return self._lines

    def read_again_by(self, load: Callable[[], Lines]) -> Lines:
        """These lines, pickled from now on as ``load``: a way to read the same marks again."""
        self._load = load
        return self

    @property
    def columns(self) -> dict[YamlPath, int]:
        """The 1-based column of every value."""
        self._marks()
        return self._columns

    def mark(self, path: YamlPath, line: int, column: int) -> None:
        """Record where the value at ``path`` is."""
        self._marks()[path] = line
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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...], Any]:
        if self._load is not None:  # the marks, loaded or not, are read again where needed
            return Lines, (self._load,), None
        return Lines, (), (self._lines, self._columns)

    def __setstate__(self, state: tuple[dict[YamlPath, int], dict[YamlPath, int]]) -> None:
        self._lines, self._columns = state
