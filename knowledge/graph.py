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
_COLUMN_WIDTH = 2.0
_BAND_GAP = 0.4


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


def draw(graph: nx.DiGraph, out: Path) -> Path:
    """Write the graph to `out`: .png or .svg (a layered picture) or .graphml.

    The picture puts foundations on the left and each further prerequisite level in the next
    column; within a column concepts are grouped by kind and coloured by kind, with a legend.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(graph, out)
        return out
    if suffix not in {".png", ".svg"}:
        raise ValueError(f"unsupported graph format {suffix!r}: use .png, .svg or .graphml")
    _draw_picture(graph, out)
    return out


def _layout(
    graph: nx.DiGraph,
) -> tuple[dict[str, tuple[float, float]], list[tuple[str, float, float]]]:
    """Positions: x = prerequisite level, y = a horizontal band per kind.

    Returns node positions and the bands as (kind, top, bottom) in plot coordinates.
    """
    levels = _levels(graph)
    kinds = [k for k in KIND_COLOURS if any(graph.nodes[n].get("kind") == k for n in graph)]
    kinds += sorted({str(graph.nodes[n].get("kind")) for n in graph} - set(kinds))
    cells: dict[tuple[str, int], list[str]] = {}
    for node in graph:
        cells.setdefault((str(graph.nodes[node].get("kind")), levels[node]), []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    bands: list[tuple[str, float, float]] = []
    top = 0.0
    for kind in kinds:
        rows = max(len(v) for (k, _), v in cells.items() if k == kind)
        for (k, level), nodes in cells.items():
            if k != kind:
                continue
            for row, node in enumerate(sorted(nodes, key=lambda n: _label(graph, n).lower())):
                pos[node] = (level * _COLUMN_WIDTH, top - row - 0.5)
        bands.append((kind, top, top - rows))
        top -= rows + _BAND_GAP
    return pos, bands


def _draw_picture(graph: nx.DiGraph, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pos, bands = _layout(graph)
    max_level = max((x for x, _ in pos.values()), default=0.0) / _COLUMN_WIDTH
    bottom = bands[-1][2] if bands else -1.0
    fig, ax = plt.subplots(figsize=(2.3 * (max_level + 1) + 2.5, 0.3 * -bottom + 1.5))
    for i, (kind, top, low) in enumerate(bands):
        colour = KIND_COLOURS.get(kind, _FALLBACK_COLOUR)
        ax.axhspan(low - 0.1, top + 0.1, color=colour, alpha=0.10 if i % 2 else 0.16, lw=0)
        ax.text(
            -0.62 * _COLUMN_WIDTH,
            (top + low) / 2,
            kind,
            ha="right",
            va="center",
            fontsize=13,
            fontweight="bold",
            color="#333333",
        )
    nx.draw_networkx_edges(
        graph,
        pos,
        ax=ax,
        edge_color="#6f6f6f",
        alpha=0.22,
        width=0.6,
        arrows=True,
        arrowsize=5,
        node_size=0,
        connectionstyle="arc3,rad=0.06",
    )
    for node, (x, y) in pos.items():
        colour = KIND_COLOURS.get(graph.nodes[node].get("kind"), _FALLBACK_COLOUR)
        ax.text(
            x,
            y,
            _label(graph, node),
            ha="center",
            va="center",
            fontsize=9,
            color=_text_colour(colour),
            bbox={"boxstyle": "round,pad=0.22", "fc": colour, "ec": "#333333", "lw": 0.4},
            zorder=3,
        )
    for level in range(int(max_level) + 1):
        title = "foundations" if level == 0 else f"level {level}"
        ax.text(level * _COLUMN_WIDTH, 0.9, title, ha="center", fontsize=12, fontweight="bold")
    ax.set_title(
        "CNN concept map: one band per kind, left to right from foundations to advanced; "
        "arrows point to prerequisites",
        fontsize=15,
        pad=24,
    )
    ax.set_xlim(-1.3 * _COLUMN_WIDTH, (max_level + 0.6) * _COLUMN_WIDTH)
    ax.set_ylim(bottom - 0.3, 1.6)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def _text_colour(fill: str) -> str:
    """White text on dark boxes, black on light ones."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "black"


def _label(graph: nx.DiGraph, node: str) -> str:
    return str(graph.nodes[node].get("name", node))
