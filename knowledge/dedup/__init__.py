"""Near-duplicate clustering: raw questions from every source become canonical groups."""

from knowledge.dedup.canonical import Group, clarity_key, merge_difficulty, stable_id
from knowledge.dedup.clustering import NEAR_MISS_BAND, THRESHOLD, DedupResult, NearMiss, cluster
from knowledge.dedup.intent import intent_of
from knowledge.dedup.similarity import NEIGHBOURS, Similarity
from knowledge.dedup.text import canonical_form, main_clause, topic_of

__all__ = [
    "NEAR_MISS_BAND",
    "NEIGHBOURS",
    "THRESHOLD",
    "DedupResult",
    "Group",
    "NearMiss",
    "Similarity",
    "canonical_form",
    "clarity_key",
    "cluster",
    "intent_of",
    "main_clause",
    "merge_difficulty",
    "stable_id",
    "topic_of",
]
