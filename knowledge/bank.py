"""The compiled question bank: concepts, canonical questions and the prerequisite graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx

from knowledge.model import Concept, Question


@dataclass(frozen=True)
class Bank:
    """Read-only view the engine uses. Graph edges point from a concept to its prerequisite."""

    concepts: Mapping[str, Concept]
    questions: tuple[Question, ...]
    graph: nx.DiGraph
    fingerprint: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)  # source id -> its title
    _by_id: Mapping[str, Question] = field(default_factory=dict, repr=False)
    _by_concept: Mapping[str, tuple[Question, ...]] = field(default_factory=dict, repr=False)
    _confusable: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_parts(
        cls,
        concepts: Iterable[Concept],
        questions: Iterable[Question],
        fingerprint: str = "",
        sources: Mapping[str, str] | None = None,
    ) -> Bank:
        concept_map = {c.id: c for c in concepts}
        graph = nx.DiGraph()
        for c in concept_map.values():
            graph.add_node(c.id)
            for pre in c.prerequisites:
                graph.add_edge(c.id, pre)
        confusable: dict[str, list[str]] = {}
        for c in concept_map.values():
            for other in c.confusable:
                if other in concept_map:  # declared once, confused both ways
                    confusable.setdefault(c.id, []).append(other)
                    confusable.setdefault(other, []).append(c.id)
        qs = tuple(questions)
        by_concept: dict[str, list[Question]] = {}
        for q in qs:
            by_concept.setdefault(q.primary_concept, []).append(q)
        return cls(
            concepts=MappingProxyType(concept_map),
            questions=qs,
            graph=graph,
            fingerprint=fingerprint,
            sources=MappingProxyType(dict(sources or {})),
            _by_id=MappingProxyType({q.id: q for q in qs}),
            _by_concept=MappingProxyType({k: tuple(v) for k, v in by_concept.items()}),
            _confusable=MappingProxyType(
                {k: tuple(dict.fromkeys(v)) for k, v in confusable.items()}
            ),
        )

    def source_title(self, source_id: str) -> str:
        """A source's human-readable title (its id when the bank does not know it)."""
        return self.sources.get(source_id) or source_id

    def concept(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def questions_for(self, concept_id: str) -> tuple[Question, ...]:
        """Questions whose primary concept is `concept_id`."""
        return self._by_concept.get(concept_id, ())

    def confusables(self, concept_id: str) -> tuple[str, ...]:
        """Concepts a learner mixes up with this one (declared on either side), in file order."""
        return self._confusable.get(concept_id, ())

    def prerequisites(self, concept_id: str) -> tuple[str, ...]:
        return tuple(self.concepts[concept_id].prerequisites)

    def chains(self, concept_id: str) -> list[list[str]]:
        """Every prerequisite chain from `concept_id` down to a foundation (no prerequisites)."""
        out: list[list[str]] = []

        def walk(node: str, trail: list[str]) -> None:
            pres = self.prerequisites(node)
            if not pres:
                out.append(trail)
                return
            for pre in pres:
                walk(pre, [*trail, pre])

        walk(concept_id, [concept_id])
        return out
