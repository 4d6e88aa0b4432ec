"""Grading of choice ids, choice texts and bad input."""

from __future__ import annotations

import pytest

from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput
from quizbot.grading import grade
from quizbot.replies import AskKind, Choice

SPEC = AskSpec(
    kind=AskKind.CHOICE,
    prompt="What does a skip connection do?",
    concept_id="skip-connection",
    difficulty="medium",
    answer_text="Adds a block's input to its output",
    explanation="Identity paths let gradients flow.",
    choices=(
        Choice("a", "Normalises activations per mini-batch"),
        Choice("b", "Adds a block's input to its output"),
        Choice("c", "Randomly zeroes units"),
        Choice("d", "Keeps the largest value"),
    ),
    correct="b",
    question_id="q",
)


@pytest.mark.parametrize(
    "response", ["b", "B", " b ", "(b)", "b)", "adds a block's input to its output"]
)
def test_right_answers(response: str) -> None:
    assert grade(SPEC, response)


@pytest.mark.parametrize("response", ["a", "D", "Randomly zeroes units", "no idea at all"])
def test_wrong_answers(response: str) -> None:
    assert not grade(SPEC, response)


@pytest.mark.parametrize("response", ["", "   ", "x" * 501, "e", "Z"])
def test_bad_input_is_rejected_with_a_message(response: str) -> None:
    with pytest.raises(InvalidInput) as err:
        grade(SPEC, response)
    assert err.value.message


def test_unknown_letter_lists_the_options() -> None:
    with pytest.raises(InvalidInput) as err:
        grade(SPEC, "e")
    assert "a, b, c, d" in err.value.message


def test_flashcards_are_never_graded_right_by_text() -> None:
    open_spec = AskSpec(AskKind.OPEN, "Explain dropout.", "dropout", "easy", "It...", "")
    assert not grade(open_spec, "it drops units")


STRIDE = AskSpec(
    kind=AskKind.CONCEPT,
    prompt="Which concept moves the kernel more than one pixel at a time?",
    concept_id="stride",
    difficulty="easy",
    answer_text="stride",
    explanation="",
    choices=(Choice("a", "stride"), Choice("b", "padding"), Choice("c", "dilation")),
    correct="a",
    question_id=None,
)


@pytest.mark.parametrize("typed", ["stirde", "strid", "strdie", "padidng"])
def test_one_slip_in_a_short_name_is_a_typo_of_the_closest_name(typed: str) -> None:
    # "padidng" is a typo too, of a wrong option: graded as that option, so wrong.
    assert grade(STRIDE, typed) is (typed != "padidng")


@pytest.mark.parametrize("typed", ["sdirte", "side", "pride"])
def test_more_than_one_slip_or_another_word_is_wrong(typed: str) -> None:
    assert not grade(STRIDE, typed)
