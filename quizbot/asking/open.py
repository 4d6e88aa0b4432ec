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


def source_of(bank: Bank, question: Question) -> str | None:
    """Where the shown answer comes from, as "<source title>, <ref>".

    The variant whose answer the bank kept (merged questions have several sources), or the
    first variant for a question no source answers; None when there is no variant at all.
    """
    variant = question.answer_source if question.answer else None
    variant = variant or (question.variants[0] if question.variants else None)
    if variant is None:
        return None
    title = bank.source_title(variant.source)
    return f"{title}, {variant.ref}" if variant.ref else title


def difficulty_of(question: Question) -> str:
    return question.difficulty.value if question.difficulty else "medium"


def make_open_ask(bank: Bank, question: Question) -> AskSpec:
    """A flashcard: the prompt now, the model answer on reveal, then a self-rating.

    Args:
        bank: the question bank (for the source's title).
        question: the canonical question.

    Returns:
        An OPEN AskSpec; `correct` is "" because the player rates themselves.
    """
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
        source=source_of(bank, question),
        hint="Think of your answer, then reveal it and rate yourself.",
    )
