"""Cluster raw questions from every source into canonical groups and report near misses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.dedup.canonical import Group, make_group
from knowledge.dedup.linkage import average_linkage
from knowledge.dedup.similarity import Similarity
from knowledge.dedup.text import canonical_form
from knowledge.merges import Overrides, ref_of
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


def cluster(
    questions: Sequence[RawQuestion],
    threshold: float = THRESHOLD,
    overrides: Overrides | None = None,
) -> DedupResult:
    """Cluster near-duplicate questions into canonical groups (deterministic, order-free).

    Identical texts (ignoring case and punctuation) merge first. Every other text becomes an
    intent (define, why, compare, ...) and a topic (its main clause without phrasing and
    domain filler, synonyms folded). Similarity is the cosine of word and character n-gram
    TF-IDF of topics, scaled down when intents differ. Each text keeps its top-k neighbours
    (found through shared n-grams, never all pairs), and average linkage over that graph
    merges clusters while their mean similarity stays >= `threshold`, never joining two
    different questions of one source. Pairs just under the threshold are near misses.
    Reviewed `overrides` win: an `apart` set is never joined, a `merge` set always is.
    """
    overrides = overrides or Overrides()
    by_form: dict[str, list[RawQuestion]] = {}
    for q in questions:
        by_form.setdefault(canonical_form(q.text), []).append(q)
    forms = sorted(by_form)
    if not forms:
        return DedupResult(())
    sim = Similarity([by_form[f][0].text for f in forms])
    edges = sim.neighbours(floor=threshold - NEAR_MISS_BAND)
    # Members of one apart set carry a shared tag, and linkage never joins two equal tags.
    sources = [
        frozenset(q.source for q in by_form[f])
        | {
            f"apart#{n}"
            for n, s in enumerate(overrides.apart)
            for q in by_form[f]
            if ref_of(q) in s
        }
        for f in forms
    ]
    clusters = _merge(
        average_linkage(len(forms), edges, sources, threshold), forms, by_form, overrides
    )
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


def _merge(
    clusters: list[list[int]],
    forms: list[str],
    by_form: dict[str, list[RawQuestion]],
    overrides: Overrides,
) -> list[list[int]]:
    """Join the clusters that hold members of one reviewed merge set."""
    owner = {i: n for n, c in enumerate(clusters) for i in c}
    parent = list(range(len(clusters)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for merge_set in overrides.merge:
        hits = sorted(
            {owner[i] for i, f in enumerate(forms) for q in by_form[f] if ref_of(q) in merge_set}
        )
        for other in hits[1:]:
            parent[root(other)] = root(hits[0])
    joined: dict[int, list[int]] = {}
    for n, c in enumerate(clusters):
        joined.setdefault(root(n), []).extend(c)
    return [sorted(c) for c in joined.values()]
