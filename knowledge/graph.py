"""The concept prerequisite graph: build, query (orphans, chains) and draw it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from knowledge.model import Concept

# One colour per ontology kind (tab10-like, chosen to stay distinct side by side).
KIND_COLOURS = {
    "architecture": "#4e79a7",
    "layer": "#f28e2b",
    "operation": "#e15759",
    "training": "#76b7b2",
    "technique": "#59a14f",
    "task": "#edc948",
    "metric": "#b07aa1",
    "data": "#ff9da7",
    "math": "#9c755f",
    "concept": "#bab0ac",
}
_FALLBACK_COLOUR = "#dddddd"


def build_graph(concepts: Iterable[Concept]) -> nx.DiGraph:
    """A DiGraph with an edge from each concept to each of its prerequisites.

    Node attributes: `name`, `kind`.
    """
    graph = nx.DiGraph()
    items = list(concepts)
    for c in items:
        graph.add_node(c.id, name=c.name, kind=c.kind)
    for c in items:
        for pre in c.prerequisites:
            graph.add_edge(c.id, pre)
    return graph


def orphans(graph: nx.DiGraph, linked: Iterable[str]) -> list[str]:
    """Concepts that no question links to and that no other concept builds on, sorted."""
    linked_ids = set(linked)
    return sorted(n for n in graph if n not in linked_ids and graph.in_degree(n) == 0)


def chains(graph: nx.DiGraph, concept_id: str, limit: int = 100) -> list[list[str]]:
    """Prerequisite chains from `concept_id` down to foundations, longest first.

    Each chain starts at `concept_id` and ends at a concept with no prerequisites. At most
    `limit` chains are returned (densely connected concepts have many).
    """
    if concept_id not in graph:
        raise KeyError(concept_id)
    foundations = [n for n in nx.descendants(graph, concept_id) if graph.out_degree(n) == 0]
    if not foundations:
        return [[concept_id]]
    found: list[list[str]] = []
    for path in nx.all_simple_paths(graph, concept_id, foundations):
        found.append(path)
        if len(found) >= limit * 4:  # enough to choose the longest from, bounded work
            break
    found.sort(key=lambda p: (-len(p), p))
    return found[:limit]


def depth(graph: nx.DiGraph, concept_id: str) -> int:
    """Edges on the longest prerequisite chain below `concept_id` (0 for a foundation)."""
    levels = _levels(graph)
    return levels[concept_id]


def _levels(graph: nx.DiGraph) -> dict[str, int]:
    """Longest-chain depth of every node, foundations at 0."""
    levels: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        levels[node] = 1 + max((levels[p] for p in graph.successors(node)), default=-1)
    return levels


def neighbourhood(graph: nx.DiGraph, concept_id: str, depth: int = 2) -> nx.DiGraph:
    """The concept, what it builds on and what builds on it, up to `depth` steps each way.

    Raises:
        KeyError: an unknown concept.
        ValueError: a depth below 1.
    """
    if concept_id not in graph:
        raise KeyError(concept_id)
    if depth < 1:
        raise ValueError("the depth is at least 1")
    down = nx.single_source_shortest_path_length(graph, concept_id, cutoff=depth)
    up = nx.single_source_shortest_path_length(graph.reverse(copy=False), concept_id, cutoff=depth)
    return graph.subgraph(set(down) | set(up)).copy()


def draw(graph: nx.DiGraph, out: Path, *, centre: str | None = None) -> Path:
    """Write the graph to `out`: .png or .svg (a layered picture) or .graphml.

    The picture is a layered (Sugiyama) drawing: the most advanced concepts at the top, each
    prerequisite below what needs it, arrows pointing down to prerequisites, boxes coloured by
    kind with a legend. `centre` (a neighbourhood's concept) is drawn bold. SVG keeps its text
    as text, so it can be searched.
    """
    from knowledge.picture import Legend, NodeStyle, draw_layered, text_colour

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(graph, out)
        return out
    if suffix not in {".png", ".svg"}:
        raise ValueError(f"unsupported graph format {suffix!r}: use .png, .svg or .graphml")

    def style(node: str) -> NodeStyle:
        fill = KIND_COLOURS.get(str(graph.nodes[node].get("kind")), _FALLBACK_COLOUR)
        if node == centre:
            return NodeStyle(
                fill=fill, edge="#000000", text=text_colour(fill), width=2.6, bold=True
            )
        return NodeStyle(fill=fill, text=text_colour(fill))

    kinds = {str(graph.nodes[n].get("kind")) for n in graph}
    legend = tuple(Legend(c, k) for k, c in KIND_COLOURS.items() if k in kinds)
    what = f"around {_label(graph, centre)}" if centre else "CNN concept map"
    title = (
        f"{what}: {graph.number_of_nodes()} concepts, the most advanced at the top; "
        "arrows point to prerequisites"
    )
    data = draw_layered(
        graph,
        suffix[1:],
        label=lambda n: _label(graph, n),
        style=style,
        title=title,
        legend=legend,
        levels=True,
    )
    out.write_bytes(data)
    return out


def _label(graph: nx.DiGraph, node: str) -> str:
    return str(graph.nodes[node].get("name", node))
