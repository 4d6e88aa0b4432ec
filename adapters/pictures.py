"""Pictures every adapter sends: the player's mastery map (PNG), drawn as a layered graph.

Drawing imports matplotlib and grandalf on the first picture; callers on an event loop run
these functions in a worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import networkx as nx

from knowledge.picture import Legend, NodeStyle, draw_layered, text_colour
from quizbot.mastery import KNOWN
from quizbot.study.replies import MapConcept, MasteryMap

MASTERY_IMAGE = "mastery-map.png"
UNMET = "#ececec"
WEAK_EDGE = "#b00020"
_RED, _YELLOW, _GREEN = (214, 69, 65), (244, 208, 63), (63, 163, 77)


def mastery_colour(p: float) -> str:
    """Red (0) through yellow (0.5) to green (1)."""
    p = min(max(p, 0.0), 1.0)
    lo, hi, t = (_RED, _YELLOW, p / 0.5) if p < 0.5 else (_YELLOW, _GREEN, (p - 0.5) / 0.5)
    r, g, b = (round(a + (b - a) * t) for a, b in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _style(concept: MapConcept) -> NodeStyle:
    if concept.mastery is None:
        return NodeStyle(fill=UNMET, edge="#9a9a9a", text="#555555")
    fill = mastery_colour(concept.mastery)
    if concept.weak:
        return NodeStyle(fill=fill, edge=WEAK_EDGE, text=text_colour(fill), width=2.6, bold=True)
    return NodeStyle(fill=fill, text=text_colour(fill))


def _label(concept: MapConcept) -> str:
    if concept.mastery is None:
        return concept.name
    return f"{concept.name} {concept.mastery:.0%}"


def mastery_png(mastery: MasteryMap) -> bytes:
    """The player's mastery over the concepts they met (prerequisites in grey for context),
    coloured red to green, the weakest outlined in red; arrows point to prerequisites."""
    by_id = {c.concept_id: c for c in mastery.concepts}
    graph = nx.DiGraph()
    graph.add_nodes_from(by_id)
    graph.add_edges_from(mastery.edges)
    weak = {c for c, info in by_id.items() if info.weak}
    legend = (
        Legend(mastery_colour(0.95), f"mastered (≥ {KNOWN:.0%})"),
        Legend(mastery_colour(0.5), "learning"),
        Legend(mastery_colour(0.1), "weakest", edge=WEAK_EDGE),
        Legend(UNMET, "not met yet", edge="#9a9a9a"),
    )
    return draw_layered(
        graph,
        "png",
        label=lambda n: _label(by_id[n]),
        style=lambda n: _style(by_id[n]),
        title=f"{mastery.name}: mastery over the concepts you met (arrows point to prerequisites)",
        legend=legend,
        edge_colour={(a, b): WEAK_EDGE for a, b in graph.edges() if a in weak or b in weak},
    )
