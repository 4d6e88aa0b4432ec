"""Open asks: flashcards for questions with long or no answers (reveal, then self-rate)."""

from __future__ import annotations

import re

from knowledge.bank import Bank
from knowledge.model import Question
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind

NO_ANSWER = "No source gives a model answer for this one; check it against your own notes."
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_MAX_LINE = 220


def one_line(text: str, limit: int = _MAX_LINE) -> str:
    """The first sentence of `text`, on one line, at most `limit` characters."""
    flat = " ".join(text.split())
    first = _SENTENCE_END.split(flat, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0] + "…"


def source_of(question: Question) -> str | None:
    """Where the question comes from ("<source> <ref>"), None for derived questions."""
    if not question.variants:
        return None
    first = question.variants[0]
    return f"{first.source} {first.ref}".strip()


def difficulty_of(question: Question) -> str:
    return question.difficulty.value if question.difficulty else "medium"


def make_open_ask(bank: Bank, question: Question) -> AskSpec:
    """A flashcard: the prompt now, the model answer on reveal, then a self-rating.

    Args:
        bank: the question bank (unused today; kept for a uniform generator signature).
        question: the canonical question.

    Returns:
        An OPEN AskSpec; `correct` is "" because the player rates themselves.
    """
    del bank
    answer = question.answer.strip() if question.answer else NO_ANSWER
    explanation = question.gist or (one_line(question.answer) if question.answer else "")
    return AskSpec(
        kind=AskKind.OPEN,
        prompt=question.text,
        concept_id=question.primary_concept,
        difficulty=difficulty_of(question),
        answer_text=answer,
        explanation=explanation,
        question_id=question.id,
        source=source_of(question),
        hint="Think of your answer, then reveal it and rate yourself.",
    )
