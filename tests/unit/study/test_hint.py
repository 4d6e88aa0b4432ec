"""Hint texts: a nudge that never hands over the right option."""

from __future__ import annotations

from knowledge.bank import Bank
from knowledge.model import Concept
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind, Choice
from quizbot.study.hinting import hint_text

BANK = Bank.from_parts(
    [
        Concept(
            "batch-normalization",
            "batch normalization",
            "technique",
            "Batch normalization standardises each channel over the mini-batch.",
            ("batch norm",),
        )
    ],
    [],
)
RIGHT = "It smooths optimisation, so higher learning rates work and training converges faster"


def _spec(points: tuple[str, ...], choices: bool = True) -> AskSpec:
    return AskSpec(
        kind=AskKind.CHOICE if choices else AskKind.OPEN,
        prompt="What are the advantages of batch normalization?",
        concept_id="batch-normalization",
        difficulty="medium",
        answer_text=RIGHT,
        explanation="",
        choices=(Choice("a", RIGHT), Choice("b", "Something else")) if choices else (),
        correct="a" if choices else "",
        key_points=points,
    )


def test_with_options_the_hint_is_the_key_point_least_like_the_right_one() -> None:
    points = (
        "smoother optimisation and faster convergence with higher learning rates",
        "mild regularising effect from batch noise",
    )
    assert (
        hint_text(BANK, _spec(points)) == "A key point: mild regularising effect from batch noise"
    )
    assert hint_text(BANK, _spec(points, choices=False)) == f"A key point: {points[0]}"


def test_a_point_holding_the_answer_is_never_the_hint_and_the_definition_is_masked() -> None:
    assert hint_text(BANK, _spec((RIGHT.lower(),))) == (
        "Think of this: ____ standardises each channel over the mini-batch."
    )
