"""Cluster raw questions from every source into canonical groups and report near misses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.dedup.canonical import Group, make_group
from knowledge.dedup.linkage import average_linkage
from knowledge.dedup.similarity import Similarity
from knowledge.dedup.text import canonical_form
from knowledge.model import RawQuestion

THRESHOLD = 0.7  # tuned on the labelled pairs in tests/unit/knowledge/test_dedup.py
NEAR_MISS_BAND = 0.12  # pairs this far under THRESHOLD are reported as suspicious


@dataclass(frozen=True, slots=True)
class NearMiss:
    """Two canonical questions kept apart although their texts are close."""

    first: str
    second: str
    score: float


@dataclass(frozen=True, slots=True)
class DedupResult:
    groups: tuple[Group, ...]
    near_misses: tuple[NearMiss, ...] = field(default=())


def cluster(questions: Sequence[RawQuestion], threshold: float = THRESHOLD) -> DedupResult:
    """Cluster near-duplicate questions into canonical groups (deterministic, order-free).

    Identical texts (ignoring case and punctuation) merge first. Every other text becomes an
    intent (define, why, compare, ...) and a topic (its main clause without phrasing and
    domain filler, synonyms folded). Similarity is the cosine of word and character n-gram
    TF-IDF of topics, scaled down when intents differ. Each text keeps its top-k neighbours
    (found through shared n-grams, never all pairs), and average linkage over that graph
    merges clusters while their mean similarity stays >= `threshold`, never joining two
    different questions of one source. Pairs just under the threshold are near misses.
    """
    by_form: dict[str, list[RawQuestion]] = {}
    for q in questions:
        by_form.setdefault(canonical_form(q.text), []).append(q)
    forms = sorted(by_form)
    if not forms:
        return DedupResult(())
    sim = Similarity([by_form[f][0].text for f in forms])
    edges = sim.neighbours(floor=threshold - NEAR_MISS_BAND)
    sources = [frozenset(q.source for q in by_form[f]) for f in forms]
    clusters = average_linkage(len(forms), edges, sources, threshold)
    index_group: dict[int, str] = {}
    groups: list[Group] = []
    for c in clusters:
        group = make_group([q for i in c for q in by_form[forms[i]]])
        groups.append(group)
        index_group.update(dict.fromkeys(c, group.id))
    groups.sort(key=lambda g: g.id)
    texts = {g.id: g.text for g in groups}
    closest: dict[tuple[str, str], float] = {}
    for (i, j), score in edges.items():
        a, b = index_group[i], index_group[j]
        if score < threshold and a != b:
            first, second = sorted((texts[a], texts[b]))
            closest[(first, second)] = max(score, closest.get((first, second), 0.0))
    misses = sorted(
        (NearMiss(a, b, round(score, 3)) for (a, b), score in closest.items()),
        key=lambda m: (-m.score, m.first, m.second),
    )
    return DedupResult(tuple(groups), tuple(misses))
