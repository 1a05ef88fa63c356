"""libyaml's safe loader, and what the two YAML readers share.

:mod:`~usc_events.build.yaml_values` reads a file of plain data for its values alone;
:mod:`~usc_events.build.yaml_reader` reads any file, with the line of every value and
a :class:`Problem` for each value that cannot be read. Both accept the same data: the
tags below, nested at most :data:`MAX_DEPTH` deep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from usc_events.build.lines import Lines, YamlPath
from usc_events.errors import Violation

SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
SEQ_TAG = "tag:yaml.org,2002:seq"
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
NULL_TAG = "tag:yaml.org,2002:null"

#: Deepest nesting of lists and mappings read; data files need a handful of levels.
MAX_DEPTH = 64
#: What converting a tagged core scalar may raise on a value it cannot take (``!!int ""``).
SCALAR_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError,
                  yaml.YAMLError)

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's safe loader (where present), with a shorter way to resolve quoted scalars.

    A quoted scalar is always a string, and the safe loader has no path resolvers,
    so resolving needs no regular expressions and tracking the path is not needed.
    """

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and not implicit[0]:
            return STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


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
