"""Pure reveal arithmetic: who answered, the share correct, the first correct, points to award."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quizbot.asking.spec import AskSpec
from quizbot.replies import DropReveal
from quizbot.scoring import points_for
from quizbot.storage.records import AnswerRec

FIRST_CORRECT_BONUS = 5


@dataclass(frozen=True, slots=True)
class Tally:
    answered: int
    correct: int
    first_correct_player: int | None
    awards: tuple[tuple[int, int], ...]  # (answer id, points)


def drop_points(spec: AskSpec) -> int:
    """Points a correct drop answer earns (no streak bonus: drops are a shared event)."""
    return points_for(spec.difficulty, correct=True, kind=spec.kind, follow_up=False, streak_days=0)


def tally(spec: AskSpec, answers: Sequence[AnswerRec]) -> Tally:
    """Count one drop's answers; the earliest correct answer gets FIRST_CORRECT_BONUS on top."""
    ordered = sorted(answers, key=lambda a: (a.answered_at, a.id))
    right = [a for a in ordered if a.correct]
    base = drop_points(spec)
    awards = tuple(
        (a.id, base + (FIRST_CORRECT_BONUS if i == 0 else 0)) for i, a in enumerate(right)
    )
    return Tally(
        answered=len(ordered),
        correct=len(right),
        first_correct_player=right[0].player_id if right else None,
        awards=awards if base > 0 else (),
    )


def drop_reveal(
    drop_id: str, ask_id: str, spec: AskSpec, counted: Tally, first_name: str | None
) -> DropReveal:
    """The neutral reveal a drop posts: the answer, why, and how the channel did."""
    return DropReveal(
        drop_id=drop_id,
        ask_id=ask_id,
        prompt=spec.prompt,
        answer=spec.answer_text,
        explanation=spec.explanation,
        answered=counted.answered,
        correct=counted.correct,
        first_correct=first_name,
        source=spec.source,
    )
