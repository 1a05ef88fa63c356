"""The fast "did you mean" path gives the same suggestions as comparing every candidate.

:class:`usc_events.matching.Choices` compares every candidate up to ``exact`` of them and a
trigram shortlist past that; both rank by difflib's ratio. These tests force each path on
the same inputs and compare them with a plain, exhaustive ranking written out here.
"""

from __future__ import annotations

import difflib
import random

import pytest

from usc_events.matching import Choices, closest, fold


def _plain(query: str, candidates: list[str], limit: int, cutoff: float = 0.6) -> list[str]:
    """What :func:`closest` returned before the fast path: every candidate, by difflib."""
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(fold(candidate), candidate)
    target = fold(query)
    scored = []
    for folded, candidate in by_fold.items():
        ratio = difflib.SequenceMatcher(None, target, folded).ratio()
        for word in folded.split():
            ratio = max(ratio, difflib.SequenceMatcher(None, target, word).ratio())
        if ratio >= cutoff:
            scored.append((-ratio, candidate))
    return [candidate for _, candidate in sorted(scored)[:limit]]


def _typo(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + rng.choice("aeiouxz") + text[at + 1:]
    if kind == 1:
        return text[:at] + text[at + 1:]
    return text[:at] + rng.choice("aeiouxz") + text[at:]


WORDS = ["han", "zheng", "li", "qiang", "wang", "yi", "vance", "rubio", "cook", "bessent",
         "xi", "jinping", "trump", "blinken", "yellen", "raimondo", "ministry", "commerce"]


def _ids(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n}" for n in range(count)]


def _names(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {n}" for n in range(count)]


@pytest.mark.parametrize("limit", [1, 3])
@pytest.mark.parametrize("make", [_ids, _names])
def test_comparing_every_candidate_ranks_as_before(make: object, limit: int) -> None:
    rng = random.Random(7)
    candidates = make(rng, 600)  # type: ignore[operator]
    choices = Choices(candidates)
    queries = [_typo(rng, c) for c in rng.sample(candidates, 25)] + ["vanse", "zz", "x"]
    for query in queries:
        assert choices.closest(query, limit) == _plain(query, candidates, limit), query


@pytest.mark.parametrize("make", [_ids, _names])
def test_the_shortlist_finds_what_comparing_every_candidate_finds(make: object) -> None:
    rng = random.Random(11)
    candidates = make(rng, 6000)  # type: ignore[operator]
    fast, every = Choices(candidates, exact=0), Choices(candidates, exact=10**9)
    queries = [_typo(rng, c) for c in rng.sample(candidates, 80)]
    same = sum(fast.closest(q, 1) == every.closest(q, 1) for q in queries)
    assert same == len(queries)


def test_exact_hint_texts_on_small_inputs_are_unchanged() -> None:
    assert closest("han zhen", ["Han Zheng", "Tim Cook"]) == ["Han Zheng"]
    assert closest("vanse", ["J.D. Vance", "Marco Rubio"]) == ["J.D. Vance"]
    assert closest("nobody", ["Han Zheng"]) == []
    assert Choices([]).closest("x") == []
    assert Choices(["a", "b"], exact=0).closest("") == []
