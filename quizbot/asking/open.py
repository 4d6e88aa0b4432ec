"""Open asks: interview questions to answer in your own words, then reveal and self-rate."""

from __future__ import annotations

import re

from knowledge.bank import Bank
from knowledge.model import Question
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind

NO_ANSWER = "No model answer yet for this question; check it against your own notes."
REVIEWED = "cnnquiz reviewed answer"
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
    """Where the shown answer comes from.

    A reviewed question's answer is ours: "cnnquiz reviewed answer · asked in <title>, <ref>".
    Otherwise the source whose answer the bank kept, as "<title>, <ref>" (the first variant
    for a question no source answers); None when there is no variant at all.
    """
    variant = question.answer_source if question.answer else None
    variant = variant or (question.variants[0] if question.variants else None)
    if variant is None:
        return REVIEWED if question.reviewed else None
    title = bank.source_title(variant.source)
    where = f"{title}, {variant.ref}" if variant.ref else title
    return f"{REVIEWED} · asked in {where}" if question.reviewed else where


def difficulty_of(question: Question) -> str:
    return question.difficulty.value if question.difficulty else "medium"


def make_open_ask(bank: Bank, question: Question) -> AskSpec:
    """An open question: the prompt now, the model answer and key points on reveal, a rating.

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
        hint="Type your answer as in an interview, or just reveal it; then rate yourself.",
        key_points=question.key_points,
    )
