"""The one builder of a question card, for private asks and channel drops alike."""

from __future__ import annotations

from knowledge.bank import Bank
from quizbot.replies import MASKED_CONCEPT, AskKind, QuestionCard
from quizbot.storage.records import AskRec


def concept_names(bank: Bank, concept_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Concept names (an id the bank does not know stays as it is)."""
    return tuple(bank.concepts[c].name if c in bank.concepts else c for c in concept_ids)


def question_card(bank: Bank, ask: AskRec, points: int, note: str | None = None) -> QuestionCard:
    """The card of a stored ask: concept *ids* in `concepts`, names in the path.

    A name-the-concept card carries neither the concept's id nor its name: that is the answer.

    Args:
        bank: the question bank (question concepts, concept names).
        ask: the stored ask (a drop's ask has `drop_id` set).
        points: what a correct answer earns, as the card announces it.
        note: an optional line shown above the question.
    """
    spec = ask.spec
    question = bank.question(spec.question_id) if spec.question_id else None
    concepts = question.concepts if question else (spec.concept_id,)
    path = concept_names(bank, ask.concept_path)
    if spec.kind is AskKind.CONCEPT:
        concepts, path = (), (*path[:-1], MASKED_CONCEPT)
    return QuestionCard(
        ask_id=ask.id,
        kind=spec.kind,
        prompt=spec.prompt,
        choices=spec.choices,
        concepts=concepts,
        concept_path=path,
        follow_up_of=ask.follow_up_of,
        difficulty=spec.difficulty,
        source=spec.source,
        points=points,
        hint=spec.hint,
        is_retry=ask.is_retry,
        is_drop=ask.drop_id is not None,
        note=note,
    )
