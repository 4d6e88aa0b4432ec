"""Multiple choice asks: a question's authored item, its right option and three misconceptions."""

from __future__ import annotations

from knowledge.bank import Bank
from knowledge.model import Question
from quizbot.asking.open import difficulty_of, one_line, source_of
from quizbot.asking.spec import CHOICE_IDS, AskSpec
from quizbot.replies import AskKind, Choice


def can_ask_as_choice(question: Question) -> bool:
    """True when the question has an authored multiple-choice item."""
    return question.choice is not None


def choice_explanation(bank: Bank, question: Question) -> str:
    """One line that adds to the right option: the gist, else the concept's definition."""
    right = question.choice.correct if question.choice else ""
    if question.gist and question.gist.casefold() != right.casefold():
        return question.gist
    concept = bank.concepts.get(question.primary_concept)
    if concept is not None:
        return one_line(f"{concept.name[:1].upper()}{concept.name[1:]}: {concept.definition}")
    return question.gist or right


def make_choice_ask(bank: Bank, question: Question) -> AskSpec | None:
    """The question's authored item as choices a-d, right option first (the ask shuffles).

    Args:
        bank: the question bank (for the source's title and the concept).
        question: the canonical question to ask.

    Returns:
        A CHOICE AskSpec whose `rationale` says why each wrong option is wrong, or None when
        the question has no authored item (it is then asked as an open question).
    """
    item = question.choice
    if item is None:
        return None
    choices = tuple(Choice(cid, text) for cid, text in zip(CHOICE_IDS, item.options, strict=True))
    return AskSpec(
        kind=AskKind.CHOICE,
        prompt=question.text,
        concept_id=question.primary_concept,
        difficulty=difficulty_of(question),
        answer_text=item.correct,
        explanation=choice_explanation(bank, question),
        choices=choices,
        correct=CHOICE_IDS[0],
        question_id=question.id,
        source=source_of(bank, question),
        hint=None,  # how to pick is the adapter's to say (letters, buttons)
        rationale=("", *(d.why for d in item.distractors)),
    )
