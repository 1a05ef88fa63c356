"""A source text as HTML, with spans of it wrapped in elements that may overlap.

Evidence spans overlap: one sentence often supports several records. HTML elements
cannot cross, so :func:`render` cuts the text at every span boundary and, over each
piece, opens the spans that cover it outermost first (earliest start, then longest).
Spans that nest stay one element each; a span that crosses another is split, its first
fragment carrying the span's own attributes (its ``id``) and the others
``cont_attrs``. Each span's ``head`` is written where it starts and its ``tail`` just
before it ends, inside its last fragment, so both stay within the span.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A stretch ``[start, end)`` of the text to wrap in one element (or several fragments)."""

    start: int
    end: int
    key: str
    tag: str = "mark"
    attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    cont_attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    head: str = ""
    tail: str = ""
    #: Among spans with the same bounds, the lower rank is outside (passages enclose evidence).
    rank: int = 0

    def order(self) -> tuple[int, int, int, str]:
        return (self.start, -self.end, self.rank, self.key)


def attributes(attrs: dict[str, str]) -> str:
    """``{"id": "a", "class": "b"}`` → ``' id="a" class="b"'``, values escaped."""
    return "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in attrs.items())


def render(text: str, spans: list[Span]) -> str:
    """The text, HTML-escaped, with every span wrapped in its element.

    Raises ``ValueError`` for a span that is empty or outside the text.
    """
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError(f"span {span.key} [{span.start}, {span.end}) is not in the text")
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    ordered = sorted(spans, key=Span.order)
    out: list[str] = []
    stack: list[Span] = []
    opened: set[str] = set()

    def close(span: Span, at: int) -> None:
        if span.end == at:
            out.append(span.tail)
        out.append(f"</{span.tag}>")

    for start, end in itertools.pairwise(cuts):
        needed = [s for s in ordered if s.start <= start and s.end >= end]
        keep = 0
        while keep < min(len(stack), len(needed)) and stack[keep] is needed[keep]:
            keep += 1
        for span in reversed(stack[keep:]):
            close(span, start)
        del stack[keep:]
        for span in needed[keep:]:
            first = span.key not in opened
            opened.add(span.key)
            out.append(f"<{span.tag}{attributes(span.attrs if first else span.cont_attrs)}>")
            if first:
                out.append(span.head)
            stack.append(span)
        out.append(html.escape(text[start:end], quote=False))
    for span in reversed(stack):
        close(span, len(text))
    return "".join(out)
