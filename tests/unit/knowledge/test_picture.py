"""Layered pictures: levels that read sensibly, neighbourhoods, SVG with real text."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from knowledge.graph import build_graph, draw, neighbourhood
from knowledge.ontology import load_concepts
from knowledge.picture import layered_layout


@pytest.fixture(scope="module")
def real_graph() -> nx.DiGraph:
    return build_graph(load_concepts())


def test_levels_count_down_from_the_most_advanced_not_up_the_longest_chain(
    real_graph: nx.DiGraph,
) -> None:
    layout = layered_layout(real_graph, lambda n: str(real_graph.nodes[n]["name"]))
    ranks = layout.ranks
    # AlexNet has a nine-step chain below it, yet only VGGNet and ZFNet build on it.
    assert ranks["alexnet"] <= 2 and ranks["vgg"] < ranks["alexnet"]
    # Every arrow points down, to a prerequisite in a lower layer.
    assert all(ranks[a] < ranks[b] for a, b in real_graph.edges())


def test_neighbourhood_reaches_depth_steps_both_ways(real_graph: nx.DiGraph) -> None:
    one = neighbourhood(real_graph, "alexnet", 1)
    assert {"alexnet", "lenet", "gpu", "vgg"} <= set(one)
    assert "cnn" not in one, "LeNet's prerequisite is two steps down"
    assert "cnn" in neighbourhood(real_graph, "alexnet", 2)
    with pytest.raises(KeyError):
        neighbourhood(real_graph, "no-such-concept", 1)
    with pytest.raises(ValueError):
        neighbourhood(real_graph, "alexnet", 0)


def test_svg_keeps_names_as_searchable_text(real_graph: nx.DiGraph, tmp_path: Path) -> None:
    svg = draw(neighbourhood(real_graph, "resnet", 1), tmp_path / "r.svg", centre="resnet")
    text = svg.read_text()
    assert "<text" in text and ">ResNet<" in text.replace("\n", "")
    assert "level 1" in text and "arrows point to prerequisites" in text
