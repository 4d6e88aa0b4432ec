"""A PNG of a concept's prerequisite chains, drawn as one layered graph (`knowledge.picture`).

matplotlib, numpy and the layout library are imported on the first picture, not at start-up,
so an idle bot does not carry them.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx

from knowledge.picture import NodeStyle, draw_layered

MAX_CHAINS = 12
CONCEPT = NodeStyle(fill="#5865f2", edge="#1e1f22", text="white", width=2.2, bold=True)
STEP = NodeStyle(fill="#eef1ff", edge="#5865f2")


def render_chains_png(chains: tuple[tuple[str, ...], ...]) -> bytes:
    """The chains merged into one graph: the concept at the top, each prerequisite below what
    needs it, arrows pointing to prerequisites (shared steps drawn once)."""
    rows = [c for c in chains[:MAX_CHAINS] if c] or [("?",)]
    graph = nx.DiGraph()
    for row in rows:
        graph.add_nodes_from(row)
        graph.add_edges_from(pairwise(row))
    top = rows[0][0]
    return draw_layered(
        graph,
        "png",
        label=str,
        style=lambda n: CONCEPT if n == top else STEP,
        title=f"What {top} builds on (arrows point to prerequisites)",
    )
