"""Pure choice of a drop question: the channel's weakest concept, no repeats, weekly difficulty."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from knowledge.bank import Bank
from quizbot.asking.choice import make_choice_ask
from quizbot.asking.concept import make_concept_ask
from quizbot.asking.spec import AskSpec
from quizbot.mastery import DEFAULT_BKT

REPEAT_WINDOW_DAYS = 60
# Monday easy, building to a hard Friday; weekends sit in the middle.
DIFFICULTY_BY_WEEKDAY = ("easy", "easy", "medium", "medium", "hard", "medium", "medium")
_RANK = {"easy": 0, "medium": 1, "hard": 2}
WEAKEST_BAND = 0.05  # concepts this close to the weakest count as equally weak


@dataclass(frozen=True, slots=True)
class DropPick:
    """What a drop asks: a bank question (by id) or, without one, the concept itself."""

    concept_id: str
    question_id: str | None
    difficulty: str

    @property
    def key(self) -> str:
        """The no-repeat key (a question id, or "concept:<id>")."""
        return self.question_id or f"concept:{self.concept_id}"


def _candidates(bank: Bank) -> list[DropPick]:
    """Questions with an authored multiple-choice item; concept asks only when there are none."""
    picks = [
        DropPick(q.primary_concept, q.id, (q.difficulty or "medium").lower())
        for q in bank.questions
        if q.choice is not None and q.primary_concept in bank.concepts
    ]
    return picks or [DropPick(c, None, "easy") for c in sorted(bank.concepts)]


def choose_drop(
    bank: Bank,
    *,
    mastery: Mapping[str, float],
    recent: Mapping[str, date],
    weekday: int,
    rng: random.Random,
    default_mastery: float = DEFAULT_BKT.p_init,
    flagged: Collection[str] = (),
) -> DropPick:
    """The next drop for a channel.

    Args:
        bank: the question bank.
        mastery: the channel's average mastery per concept (see `MasterySums.average`).
        recent: last local date each key was dropped in this channel, within the window.
        weekday: the drop's local weekday (0 = Monday), which sets the target difficulty.
        rng: breaks ties.
        default_mastery: mastery assumed for a concept no player has met.
        flagged: keys with open reports from players, left out (unless nothing else is left).

    Returns:
        A pick on one of the weakest concepts, not dropped in the window while others remain
        (then the least recently dropped), closest to the day's difficulty.
    """
    candidates = _candidates(bank)
    if not candidates:
        raise ValueError("the question bank is empty")
    candidates = [p for p in candidates if p.key not in flagged] or candidates
    fresh = [p for p in candidates if p.key not in recent]
    if not fresh:
        oldest = min(recent[p.key] for p in candidates)
        fresh = [p for p in candidates if recent[p.key] == oldest]

    def weakness(pick: DropPick) -> float:
        return mastery.get(pick.concept_id, default_mastery)

    weakest = min(weakness(p) for p in fresh)
    shortlist = [p for p in fresh if weakness(p) <= weakest + WEAKEST_BAND]
    target = _RANK[DIFFICULTY_BY_WEEKDAY[weekday]]
    gap = min(abs(_RANK.get(p.difficulty, 1) - target) for p in shortlist)
    best = [p for p in shortlist if abs(_RANK.get(p.difficulty, 1) - target) == gap]
    best.sort(key=lambda p: (weakness(p), p.key))
    return rng.choice(best)


def build_drop_ask(bank: Bank, pick: DropPick, rng: random.Random) -> AskSpec:
    """The AskSpec for a pick: multiple choice, or naming the concept when that is impossible."""
    question = bank.question(pick.question_id) if pick.question_id else None
    if question is not None:
        spec = make_choice_ask(bank, question)
        if spec is not None:
            return spec
    return make_concept_ask(bank, pick.concept_id, rng)
