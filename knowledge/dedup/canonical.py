"""One canonical question per cluster: clearest text, best answer, merged difficulty, stable id."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.dedup.text import canonical_form
from knowledge.model import Difficulty, RawQuestion, Variant


@dataclass(frozen=True, slots=True)
class Group:
    """One canonical question: every raw question merged into it and the fields chosen."""

    id: str
    text: str
    answer: str | None
    difficulty: Difficulty | None
    derived: bool
    members: tuple[RawQuestion, ...]
    answer_member: int | None = None  # index in `members` (and `variants`) of the answer

    @property
    def variants(self) -> tuple[Variant, ...]:
        return tuple(
            Variant(m.source, m.ref, m.original or m.text, m.derived) for m in self.members
        )

    @property
    def explicit_concepts(self) -> tuple[str, ...]:
        """Concept ids named by the members (question packs), in order, without repeats."""
        return tuple(dict.fromkeys(c for m in self.members for c in m.concepts))


_QUESTION_START = re.compile(
    r"^(?:what|why|how|when|where|which|who|can|could|does|do|is|are|explain|describe|discuss)\b",
    re.IGNORECASE,
)


def clarity_key(q: RawQuestion) -> tuple[int, int, int, int, str]:
    """Sort key of the clearest phrasing (smallest wins).

    Rule: a source's own text beats ours (derived); a single, complete question sentence
    (starts like a question or instruction and ends with "?" or ".") beats fragments such as
    "Types of pooling in CNN?" or two questions glued together; then the shortest text
    (the most direct wording); then alphabetical order for determinism.
    """
    text = q.text.strip()
    complete = bool(_QUESTION_START.match(text)) and text.endswith(("?", "."))
    single = len(re.findall(r"[?.](?:\s|$)", text)) <= 1
    return (int(q.derived), int(not complete), int(not single), len(text), text)


def _answer_key(q: RawQuestion) -> tuple[int, float, str, str]:
    """Best answer first (smallest key).

    Rule: an answer given under the source's own question text beats one whose question we
    wrote (derived); then the most complete, counting length up to 1,500 characters and
    penalising anything longer (a page-long answer is not a better quiz answer); then
    source and ref for determinism.
    """
    length = len(q.answer or "")
    fullness = length if length <= 1500 else 1500 - (length - 1500) / 2
    return (int(q.derived), -fullness, q.source, q.ref)


_HARDNESS = {Difficulty.EASY: 0, Difficulty.MEDIUM: 1, Difficulty.HARD: 2}


def merge_difficulty(labels: Iterable[Difficulty | None]) -> Difficulty | None:
    """The most common label; a tie goes to the harder one; None if nobody labelled it."""
    counts = Counter(d for d in labels if d is not None)
    if not counts:
        return None
    return max(counts, key=lambda d: (counts[d], _HARDNESS[d]))


def stable_id(text: str) -> str:
    """Id derived from the canonical text only, so rebuilds and unrelated additions keep it."""
    return "q-" + hashlib.sha1(canonical_form(text).encode()).hexdigest()[:12]


def make_group(members: Sequence[RawQuestion]) -> Group:
    """The canonical question of `members` (the result does not depend on their order)."""
    ordered = tuple(sorted(members, key=lambda m: (m.source, m.ref, m.text)))
    canonical = min(ordered, key=clarity_key)
    answered = [m for m in ordered if m.answer and m.answer.strip()]
    best = min(answered, key=_answer_key) if answered else None
    return Group(
        id=stable_id(canonical.text),
        text=canonical.text.strip(),
        answer=best.answer.strip() if best and best.answer else None,
        difficulty=merge_difficulty(m.difficulty for m in ordered),
        derived=all(m.derived for m in ordered),
        members=ordered,
        answer_member=ordered.index(best) if best is not None else None,
    )
