"""An ask survives a round trip through its stored JSON form unchanged."""

from __future__ import annotations

from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind, Choice


def test_askspec_round_trips_through_json() -> None:
    spec = AskSpec(
        kind=AskKind.CHOICE,
        prompt="What does a skip connection add?",
        concept_id="skip-connection",
        difficulty="medium",
        answer_text="The block's input to its output",
        explanation="Identity paths let gradients flow past the block.",
        choices=(Choice("a", "The input to the output"), Choice("b", "Noise")),
        correct="a",
        accepted=("identity shortcut",),
        question_id="q-123",
        source="Some source Q12",
    )
    assert AskSpec.from_json(spec.to_json()) == spec
