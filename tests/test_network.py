"""The network: meeting edges join actors who took part in one meeting; a person and an
organisation he holds a post in are joined by a membership edge, two who came as one party
by a party edge, never by a meeting edge; two attendees of a ceremony are not joined."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from conftest import write_corpus

import usc_events
from usc_events.build.builder import build
from usc_events.query import plots
from usc_events.query.corpus import Corpus
from usc_events.store.parquet import write


@pytest.fixture(scope="module")
def shipped() -> Corpus:
    return usc_events.open(backend="arrow")


def _role_pairs(corpus: Corpus) -> dict[frozenset[str], set[str]]:
    pairs: dict[frozenset[str], set[str]] = {}
    for role in corpus.tables["roles"].to_pylist():
        pairs.setdefault(frozenset((role["actor_id"], role["organization_id"])), set()).add(
            role["role_id"])
    return pairs


def _check(graph: nx.Graph, corpus: Corpus) -> None:
    """No meeting edge joins a role's holder and its organisation; each such pair in the
    graph has its membership edge, with the roles that link them."""
    roles = _role_pairs(corpus)
    for a, b, edge in graph.edges(data=True):
        assert edge["relation"] in ("meeting", "membership", "party")
        if edge["relation"] == "meeting":
            assert frozenset((a, b)) not in roles, f"{a} and {b} drawn as having met"
        elif edge["relation"] == "membership":
            assert set(edge["roles"]) == roles[frozenset((a, b))]
            assert edge["member"] in (a, b)
    for pair, held in roles.items():
        a, b = sorted(pair)
        if a in graph and b in graph:
            assert graph.edges[a, b]["relation"] == "membership"
            assert set(graph.edges[a, b]["roles"]) == held


def test_a_member_and_his_organisation_in_one_meeting_are_a_membership_edge(
        tmp_path: Path) -> None:
    # The test corpus: alpha holds the post 'Minister' in beta, and both take part in
    # the meeting alpha-beta-geneva.
    write(build(write_corpus(tmp_path / "corpus")), tmp_path / "built")
    corpus = Corpus.from_folder(tmp_path / "built", backend="arrow")
    graph = corpus.network()
    assert sorted(graph.nodes) == ["alpha", "beta"]
    assert graph.edges["alpha", "beta"] == {
        "relation": "membership", "member": "alpha", "roles": ["alpha-minister"],
        "titles": ["Minister"], "meetings": ["alpha-beta-geneva"]}
    _check(graph, corpus)


def test_the_shipped_network_draws_no_member_as_meeting_his_organisation(
        shipped: Corpus) -> None:
    graph = shipped.network()
    _check(graph, shipped)
    # Every pair of participants of a meeting is a meeting edge, unless a role links them,
    # both are attendees, or both are guests (or hosts) of one country: one party.
    roles = _role_pairs(shipped)
    country = {a["actor_id"]: a["country"] for a in shipped.tables["actors"].to_pylist()}
    people: dict[str, list[tuple[str, str]]] = {}
    for p in shipped.tables["meeting_participants"].to_pylist():
        people.setdefault(p["meeting_id"], []).append((p["actor_id"], p["role"]))
    pairs = [(a, b) for members in people.values() for a, b in combinations(members, 2)
             if frozenset((a[0], b[0])) not in roles]
    one_side = {frozenset((a[0], b[0])) for a, b in pairs
                if a[1] == b[1] in ("guest", "host") and country[a[0]] == country[b[0]]}
    met = {frozenset((a[0], b[0])) for a, b in pairs
           if (a[1], b[1]) != ("attendee", "attendee")} - one_side
    by_relation: dict[str, set[frozenset[str]]] = {}
    for a, b, d in graph.edges(data=True):
        by_relation.setdefault(d["relation"], set()).add(frozenset((a, b)))
    assert by_relation["meeting"] == met
    assert by_relation["party"] == one_side


def test_a_visitor_and_his_delegation_are_one_party_and_attendees_did_not_meet(
        shipped: Corpus, tmp_path: Path) -> None:
    graph = shipped.network()
    assert graph.edges["han-zheng", "han-zheng-delegation"] == {
        "relation": "party", "meetings": ["han-zheng-washington-visit"]}
    # Han Zheng and Shou Zi Chew both attended the inauguration; nothing says they met.
    assert not graph.has_edge("han-zheng", "shou-zi-chew")
    assert graph.edges["han-zheng", "donald-trump"]["relation"] == "meeting"
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep text as text
        out = plots.network(graph, tmp_path / "network.svg")
    assert "came as one party" in out.read_text(encoding="utf-8")


def test_organisations_join_the_network_by_membership_edges(shipped: Corpus) -> None:
    graph = shipped.network(organizations=True)
    _check(graph, shipped)
    memberships = {(d["member"], b if d["member"] == a else a)
                   for a, b, d in graph.edges(data=True) if d["relation"] == "membership"}
    assert ("han-zheng", "china") in memberships
    assert ("jd-vance", "united-states") in memberships
    holders = {r["actor_id"] for r in shipped.tables["roles"].to_pylist()}
    participants = set(shipped.network().nodes)
    assert {m for m, _ in memberships} == holders & participants
    # Organisations that took part in no meeting are in the graph only by their members.
    assert all(d["relation"] == "membership" for _, _, d in graph.edges("china", data=True))
    assert graph.nodes["china"]["name"] == "China"


def test_the_plot_draws_membership_edges_dashed_in_their_own_colour(
        shipped: Corpus, tmp_path: Path) -> None:
    import matplotlib.image

    def share(path: Path) -> float:
        pixels = (matplotlib.image.imread(path)[..., :3] * 255).round().astype(int)
        rgb = np.array([int(plots.MEMBERSHIP_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
        return float((np.abs(pixels - rgb).sum(axis=-1) < 12).mean())

    with_members = plots.network(shipped.network(organizations=True), tmp_path / "with.png")
    without = plots.network(shipped.network(), tmp_path / "without.png")
    assert share(with_members) > 0.0005
    assert share(without) == 0
    svg = plots.network(shipped.network(organizations=True), tmp_path / "with.svg")
    assert "holds a post in" in svg.read_text(encoding="utf-8")
