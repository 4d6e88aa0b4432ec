"""Question intents (define, why, compare, ...) and how far two intents still count as one."""

from __future__ import annotations

import re

import numpy as np

from knowledge.dedup.text import clause

# Two questions on one topic with different intents are different questions.
_INTENTS: tuple[tuple[str, str], ...] = (
    (
        "compare",
        r"\bdifferen(?:ce|ces|t from)\b|\bdiffer\b|\bvs\.?\b|\bversus\b|\bcompar|"
        r"\btrade-?offs?\b|\bprefer\b|\bexplain the terms\b|\bchoose\b.*\bover\b",
    ),
    (
        "apply",
        r"\bapplications?\b|\bwhere (?:is|are|do|does|can|would)\b|\bwhich \w+ uses?\b|"
        r"\buse cases?\b|\bapplied to\b",
    ),
    ("types", r"\btypes? of\b|\bkinds? of\b|\blist\b|\bcommon\b|\bpopular\b|\bexamples of\b"),
    (
        "problems",
        r"\blimitations?\b|\bchallenges\b|\bdrawbacks?\b|\bproblems?\b|\bdisadvantages?\b",
    ),
    (
        "why",
        r"\bwhy\b|\bpurpose\b|\badvantages?\b|\bbenefits?\b|\bimportan(?:t|ce)\b|"
        r"\bsignifican(?:t|ce)\b|\buse of\b|\bused for\b|\bneed for\b|\beffect of\b|\bimpact\b",
    ),
    ("role", r"\brole\b"),
    ("define", r"\bhow (?:do|does|is|are) .*\bwork\b"),
    ("how", r"\bhow\b"),
)
_INTENT_RES = tuple((name, re.compile(p)) for name, p in _INTENTS)
INTENT_IDS = {name: i for i, (name, _) in enumerate(_INTENTS)}

# The fallback when no pattern matches ("What is X?"); a name of _INTENTS, so it has an id.
_FALLBACK = "define"
_SOFT = {  # partial compatibility between intents; every other mismatch scores _MISMATCH
    frozenset({"define", "role"}): 0.9,
    frozenset({"why", "role"}): 0.9,
    frozenset({"define", "how"}): 0.85,
    frozenset({"how", "role"}): 0.7,
}
_MISMATCH = 0.35


def intent_of(text: str) -> str:
    """The kind of answer a question asks for (define, why, compare, apply, types, ...)."""
    folded = clause(text)
    for name, pattern in _INTENT_RES:
        if pattern.search(folded):
            return name
    return _FALLBACK


def _compat_matrix() -> np.ndarray:
    m = np.full((len(INTENT_IDS), len(INTENT_IDS)), _MISMATCH)
    np.fill_diagonal(m, 1.0)
    for pair, score in _SOFT.items():
        a, b = (INTENT_IDS[name] for name in pair)
        m[a, b] = m[b, a] = score
    return m


COMPAT = _compat_matrix()  # COMPAT[i, j]: similarity factor of intents with ids i and j
