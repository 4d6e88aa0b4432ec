"""What a reveal awards and shows: drop points, the first-correct bonus, the reveal card."""

from __future__ import annotations

from quizbot.asking.spec import AskSpec
from quizbot.replies import DropReveal
from quizbot.scoring import points_for
from quizbot.storage.records import AnswerTally

FIRST_CORRECT_BONUS = 5


def drop_points(spec: AskSpec) -> int:
    """Points a correct drop answer earns (no streak bonus: drops are a shared event)."""
    return points_for(spec.difficulty, correct=True, kind=spec.kind, follow_up=False, streak_days=0)


def drop_reveal(
    drop_id: str, ask_id: str, spec: AskSpec, counted: AnswerTally, first_name: str | None
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
