"""Fairness gates for multiple-choice items: a per-item lint and knowledge-free guessers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.model import ChoiceItem
from knowledge.stems import content_stems

MAX_GUESS_RATE = 0.35  # chance is 0.25; a guesser above this finds a cue the items leave
LENGTH_RATIO = 0.75  # the shortest option is at least this share of the longest...
LENGTH_SLACK = 8  # ...give or take a few characters, so "10 x 10" beside "9 x 9" passes
# Words every question in the bank uses; they cue nothing.
_GENERIC = frozenset(
    content_stems(
        "cnn cnns convolutional neural network networks model models use used work works mean "
        "role purpose common type types different explain describe discuss term concept "
        "importance important benefit benefits advantage advantages deep learning"
    )
)
_ABSOLUTE = re.compile(
    r"\b(?:only|always|never|at all|no longer|guarantees?|for good|entirely|completely|exactly"
    r"|cannot|any)\b",
    re.I,
)
_TRUNCATED = re.compile(r"(…|\.\.\.|\b(?:e\.g|i\.e|etc|such as|like|and|or)\.?)\s*$", re.I)
# Sentence shapes a test-wise reader spots without knowing CNNs: the option built unlike the
# others is the key. Each shape: what it is, how to find it, and whether the key *lacking* it
# (while every distractor has it) is a cue too, or only the key alone *having* it.
_REASON = re.compile(
    r"\b(?:because|since|so that|which (?:lets?|means?|makes?|allows?|gives?))\b"
    r"|,\s+so\b"  # "..., so X": a consequence clause
    r"|\bso (?=(?:it|its|they|their|the|each|every|no|one|fewer|more|less|later|higher)\b)",
    re.I,
)
_JOINED = re.compile(r"\b(?:and|or|either|both|as well as)\b", re.I)
_HEDGED = re.compile(
    r"\b(?:can|could|may|might|often|usually|typically|generally|tends? to|depends?|depending)\b",
    re.I,
)
SHAPES: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    ("a reason clause (because, so that, since, which lets)", _REASON, True),
    ("two benefits or cases joined with 'and' / 'or'", _JOINED, False),
    ("a hedge (can, may, often, usually, depends)", _HEDGED, False),
)


@dataclass(frozen=True, slots=True)
class Scored:
    """One choice item as the gates see it: the question and its options, right one first."""

    where: str
    prompt: str
    options: tuple[str, ...]


def scored(where: str, prompt: str, choice: ChoiceItem) -> Scored:
    return Scored(where, prompt, choice.options)


def lint(item: Scored) -> list[str]:
    """Everything that makes one item unfair on its face (empty, repeated, cut, uneven, cued)."""
    problems: list[str] = []
    folded = [" ".join(o.casefold().split()).rstrip(".") for o in item.options]
    if any(not o for o in folded):
        problems.append("an option is empty")
    if len(set(folded)) < len(folded):
        problems.append("two options are the same")
    for option in item.options:
        if _TRUNCATED.search(option):
            problems.append(f"option looks cut off: {option[-30:]!r}")
    lengths = [len(o) for o in item.options]
    if min(lengths) + LENGTH_SLACK < LENGTH_RATIO * max(lengths):
        problems.append(f"option lengths are uneven ({min(lengths)} to {max(lengths)} characters)")
    right_text, *wrong_texts = item.options
    if (
        not _ABSOLUTE.search(right_text)
        and sum(bool(_ABSOLUTE.search(w)) for w in wrong_texts) >= 2
    ):
        problems.append("absolute words (only, always, never) mark the wrong options")
    asked = content_stems(item.prompt) - _GENERIC
    right, *wrong = (content_stems(o) for o in item.options)
    for cue in sorted(asked & right):
        if sum(cue in w for w in wrong) < 2:
            problems.append(f"the right option alone repeats the question's word '{cue}'")
    problems += [
        f"the right option alone {'has' if has else 'lacks'} {shape}"
        for shape, has in odd_shapes(item.options)
    ]
    return problems


def odd_shapes(options: Sequence[str]) -> list[tuple[str, bool]]:
    """The sentence shapes in which the first option (the key) is the odd one out.

    Returns (shape, whether the key has it) for each shape that exactly one option differs in,
    that option being the key: the key alone gives a reason, joins two things or hedges, or
    (for the reason clause) the key alone lacks the reason every distractor gives.
    """
    if len(options) < 3:
        return []
    out = []
    for shape, pattern, lacking_counts in SHAPES:
        key, *rest = (bool(pattern.search(o)) for o in options)
        if all(r != key for r in rest) and (key or lacking_counts):
            out.append((shape, key))
    return out


Guesser = Callable[[Sequence[Scored]], list[float]]


def _credit(scores: Sequence[float]) -> float:
    """Credit for picking the best score: 1 if the right option (index 0) wins alone, 1/k tied."""
    best = max(scores)
    winners = [i for i, s in enumerate(scores) if s == best]
    return 1 / len(winners) if 0 in winners else 0.0


def most_overlap(items: Sequence[Scored]) -> list[float]:
    """Picks the option sharing the most content words with the question."""
    out = []
    for item in items:
        asked = content_stems(item.prompt)
        out.append(_credit([len(asked & content_stems(o)) for o in item.options]))
    return out


def longest(items: Sequence[Scored]) -> list[float]:
    """Picks the longest option."""
    return [_credit([len(o) for o in item.options]) for item in items]


def _tfidf_similarities(items: Sequence[Scored]) -> list[list[float]]:
    """Per item, each option's cosine similarity to the question in character n-gram TF-IDF."""
    if not items:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy: only when checking

    texts = [t for item in items for t in (item.prompt, *item.options)]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors = matrix.fit_transform(texts)
    out, row = [], 0
    for item in items:
        q = vectors[row]
        opts = vectors[row + 1 : row + 1 + len(item.options)]
        out.append([round(float(v), 9) for v in (opts @ q.T).toarray().ravel()])
        row += 1 + len(item.options)
    return out


def closest_tfidf(items: Sequence[Scored]) -> list[float]:
    """Picks the option closest to the question in character n-gram TF-IDF."""
    return [_credit(sims) for sims in _tfidf_similarities(items)]


def farthest_tfidf(items: Sequence[Scored]) -> list[float]:
    """Picks the option least like the question in character n-gram TF-IDF: when distractors
    are written to echo the question, the key stands out by not echoing it."""
    return [_credit([-s for s in sims]) for sims in _tfidf_similarities(items)]


def most_central(items: Sequence[Scored]) -> list[float]:
    """Picks the option sharing the most words with the other options (distractors written
    as edits of the key all overlap it)."""
    out = []
    for item in items:
        stems = [content_stems(o) for o in item.options]
        out.append(
            _credit(
                [
                    sum(len(s & t) for j, t in enumerate(stems) if j != i)
                    for i, s in enumerate(stems)
                ]
            )
        )
    return out


def odd_shape(items: Sequence[Scored]) -> list[float]:
    """Picks the option built unlike the other three: the only one giving (or lacking) a reason
    clause, joining two things with and/or, or hedging."""
    out = []
    for item in items:
        marks = [[bool(p.search(o)) for _, p, _ in SHAPES] for o in item.options]
        odd = [
            sum(
                all(marks[j][s] != marks[i][s] for j in range(len(marks)) if j != i)
                for s in range(len(SHAPES))
            )
            for i in range(len(marks))
        ]
        out.append(_credit(odd) if len(marks) >= 3 else 0.0)
    return out


GUESSERS: dict[str, Guesser] = {
    "most word overlap with the question": most_overlap,
    "longest option": longest,
    "closest character TF-IDF to the question": closest_tfidf,
    "farthest character TF-IDF from the question": farthest_tfidf,
    "most words shared with the other options": most_central,
    "option whose sentence shape differs": odd_shape,
}


def guess_rates(items: Sequence[Scored]) -> dict[str, float]:
    """Each knowledge-free guesser's share of right answers over `items` (chance: 0.25)."""
    if not items:
        return dict.fromkeys(GUESSERS, 0.0)
    return {name: sum(g(items)) / len(items) for name, g in GUESSERS.items()}


def guessed_by(items: Sequence[Scored]) -> dict[str, list[str]]:
    """Per guesser, the items it gets right outright (for authors to look at)."""
    return {
        name: [item.where for item, c in zip(items, g(items), strict=True) if c == 1.0]
        for name, g in GUESSERS.items()
    }
