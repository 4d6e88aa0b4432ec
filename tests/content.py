"""Test-bank helpers: authored items and confusable sets, as the real content files give them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import networkx as nx

from knowledge.model import ChoiceItem, Concept, Distractor, Question

OPEN_POINTS = ("first point", "second point", "third point")


def item_for(gist: str) -> ChoiceItem:
    """An authored multiple-choice item whose right option is `gist`."""
    wrong = tuple(Distractor(f"{gist}, misread ({n})", f"Reason {n}") for n in (1, 2, 3))
    return ChoiceItem(gist, wrong)


def reviewed(question: Question) -> Question:
    """The question as a reviewed item: multiple choice on its gist, else open with points."""
    if question.gist:
        return replace(question, reviewed=True, choice=item_for(question.gist))
    return replace(question, key_points=OPEN_POINTS)


def with_confusables(concepts: Iterable[Concept]) -> list[Concept]:
    """Each concept confusable with every same-kind concept off its prerequisite chains."""
    concepts = list(concepts)
    graph = nx.DiGraph((c.id, p) for c in concepts for p in c.prerequisites)
    graph.add_nodes_from(c.id for c in concepts)

    def related(a: str, b: str) -> bool:
        return nx.has_path(graph, a, b) or nx.has_path(graph, b, a)

    return [
        replace(
            c,
            confusable=tuple(
                o.id
                for o in concepts
                if o.kind == c.kind and o.id != c.id and not related(c.id, o.id)
            ),
        )
        for c in concepts
    ]
