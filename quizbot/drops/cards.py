"""The neutral cards a drop posts: the public question card and the reveal."""

from __future__ import annotations

from knowledge.bank import Bank
from quizbot.asking.spec import AskSpec
from quizbot.drops.reveal import Tally, drop_points
from quizbot.replies import DropReveal, QuestionCard


def concept_name(bank: Bank, concept_id: str) -> str:
    concept = bank.concepts.get(concept_id)
    return concept.name if concept else concept_id


def drop_card(bank: Bank, ask_id: str, spec: AskSpec) -> QuestionCard:
    name = concept_name(bank, spec.concept_id)
    return QuestionCard(
        ask_id=ask_id,
        kind=spec.kind,
        prompt=spec.prompt,
        choices=spec.choices,
        concepts=(name,),
        concept_path=(name,),
        difficulty=spec.difficulty,
        source=spec.source,
        points=drop_points(spec),
        hint=spec.hint,
        is_drop=True,
    )


def drop_reveal(
    drop_id: str, ask_id: str, spec: AskSpec, tally: Tally, first_name: str | None
) -> DropReveal:
    return DropReveal(
        drop_id=drop_id,
        ask_id=ask_id,
        prompt=spec.prompt,
        answer=spec.answer_text,
        explanation=spec.explanation,
        answered=tally.answered,
        correct=tally.correct,
        first_correct=first_name,
        source=spec.source,
    )
