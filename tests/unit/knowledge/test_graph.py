"""The prerequisite graph: structure, orphans, chains and the rendered concept map."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from knowledge.graph import build_graph, chains, depth, draw, orphans
from knowledge.model import Concept
from knowledge.ontology import load_concepts


def _c(cid: str, *pres: str, kind: str = "concept") -> Concept:
    return Concept(id=cid, name=cid.upper(), kind=kind, definition="x.", prerequisites=pres)


SMALL = [
    _c("top", "mid-a", "mid-b", kind="architecture"),
    _c("mid-a", "base"),
    _c("mid-b", "base", kind="operation"),
    _c("base", kind="math"),
    _c("lonely", kind="task"),
]


@pytest.fixture(scope="module")
def real_graph() -> nx.DiGraph:
    return build_graph(load_concepts())


def test_edges_point_from_concept_to_prerequisite_with_name_and_kind() -> None:
    graph = build_graph(SMALL)
    assert set(graph.successors("top")) == {"mid-a", "mid-b"}
    assert graph.nodes["mid-b"] == {"name": "MID-B", "kind": "operation"}
    assert nx.is_directed_acyclic_graph(graph)


def test_orphans_are_unlinked_concepts_nothing_builds_on() -> None:
    graph = build_graph(SMALL)
    assert orphans(graph, linked={"top"}) == ["lonely"]
    assert orphans(graph, linked=set()) == ["lonely", "top"]
    assert orphans(graph, linked={"top", "lonely"}) == []


def test_chains_reach_foundations_longest_first() -> None:
    graph = build_graph(SMALL)
    assert chains(graph, "top") == [["top", "mid-a", "base"], ["top", "mid-b", "base"]]
    assert chains(graph, "base") == [["base"]]
    assert chains(graph, "top", limit=1) == [["top", "mid-a", "base"]]
    with pytest.raises(KeyError):
        chains(graph, "missing")


def test_depth_counts_the_longest_prerequisite_chain() -> None:
    graph = build_graph(SMALL)
    assert (depth(graph, "top"), depth(graph, "mid-a"), depth(graph, "base")) == (2, 1, 0)


def test_real_resnet_chain_goes_through_skip_connection_and_vanishing_gradient(
    real_graph: nx.DiGraph,
) -> None:
    walks = chains(real_graph, "resnet", limit=1000)
    assert any(c[:3] == ["resnet", "skip-connection", "vanishing-gradient"] for c in walks)
    assert all(real_graph.out_degree(c[-1]) == 0 for c in walks)
    assert depth(real_graph, "resnet") >= 4


def test_real_graph_is_connected_enough_for_follow_ups(real_graph: nx.DiGraph) -> None:
    assert nx.is_directed_acyclic_graph(real_graph)
    islands = [n for n in real_graph if real_graph.degree(n) == 0]
    assert islands == []


def test_draw_writes_png_of_the_real_map(real_graph: nx.DiGraph, tmp_path: Path) -> None:
    out = draw(real_graph, tmp_path / "map.png")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 100_000


def test_draw_writes_svg_and_graphml(tmp_path: Path) -> None:
    graph = build_graph(SMALL)
    svg = draw(graph, tmp_path / "map.svg").read_text()
    assert "<svg" in svg and "MID-A" in svg
    back = nx.read_graphml(draw(graph, tmp_path / "map.graphml"))
    assert set(back.edges) == set(graph.edges)
    assert back.nodes["base"]["kind"] == "math"


def test_draw_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        draw(build_graph(SMALL), tmp_path / "map.jpg")
