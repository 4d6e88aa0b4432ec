"""Multiple choice asks: a question's gist against three gists from other same-kind concepts."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from itertools import islice

from knowledge.bank import Bank
from knowledge.model import Question
from quizbot.asking.open import difficulty_of, one_line, source_of
from quizbot.asking.spec import AskSpec
from quizbot.replies import AskKind, Choice

CHOICE_IDS = ("a", "b", "c", "d")
_LIST_MARK = re.compile(r"^\s*(?:[-*•+]\s+|\d+[.)]\s+)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_POOL = 8  # distractors are drawn from the gists closest in length, so length gives nothing away


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def distractor_gists(bank: Bank, question: Question) -> list[str]:
    """Gists of questions on other concepts of the same kind, deduplicated, in bank order."""
    return list(_distractors(bank, question))


def _distractors(bank: Bank, question: Question) -> Iterator[str]:
    if question.gist is None or question.primary_concept not in bank.concepts:
        return
    primary = question.primary_concept
    kind = bank.concept(primary).kind
    seen = {_norm(question.gist)}
    for other in bank.questions:
        if other.id == question.id or not other.gist:
            continue
        # Never a question on the same concept, nor one that touches either primary concept:
        # its gist could be a true statement about this question.
        if other.primary_concept == primary or primary in other.concepts:
            continue
        if other.primary_concept in question.concepts:
            continue
        concept = bank.concepts.get(other.primary_concept)
        if concept is None or concept.kind != kind:
            continue
        key = _norm(other.gist)
        if key in seen:
            continue
        seen.add(key)
        yield other.gist


def _same_point(a: str, b: str) -> bool:
    """True when one text is (the start of) the other: an explanation must add something."""
    x, y = _norm(a).rstrip("…"), _norm(b).rstrip("…")
    head = min(len(x), len(y), 60)
    return x[:head] == y[:head]


def choice_explanation(bank: Bank, question: Question) -> str:
    """One line that adds to the gist: the answer's next sentence, else the concept's definition.

    The gist is the right option itself, so repeating it as the explanation says nothing.
    """
    gist = question.gist or ""
    for line in (question.answer or "").splitlines():
        body = _LIST_MARK.sub("", line).strip()
        if body.startswith("```"):
            break
        for sentence in _SENTENCE.split(body):
            if len(sentence.split()) >= 4 and not sentence.endswith(":"):
                if not _same_point(sentence, gist):
                    return one_line(sentence)
    concept = bank.concepts.get(question.primary_concept)
    if concept is not None and not _same_point(concept.definition, gist):
        return one_line(f"{concept.name[:1].upper()}{concept.name[1:]}: {concept.definition}")
    return gist


def can_ask_as_choice(bank: Bank, question: Question) -> bool:
    """True when `question` has a gist and enough same-kind distractors for four options."""
    needed = len(CHOICE_IDS) - 1
    return len(list(islice(_distractors(bank, question), needed))) == needed  # stops early


def make_choice_ask(bank: Bank, question: Question, rng: random.Random) -> AskSpec | None:
    """The question with its gist and three distractors as shuffled choices a-d.

    Args:
        bank: the question bank.
        question: the canonical question to ask.
        rng: randomness for distractor choice and shuffling.

    Returns:
        A CHOICE AskSpec, or None when the question has no gist or too few distractors.
    """
    if question.gist is None:
        return None
    pool = distractor_gists(bank, question)
    if len(pool) < len(CHOICE_IDS) - 1:
        return None
    target = len(question.gist)
    pool.sort(key=lambda g: abs(len(g) - target))
    distractors = rng.sample(pool[:_POOL], len(CHOICE_IDS) - 1)
    options = [question.gist, *distractors]
    rng.shuffle(options)
    choices = tuple(Choice(cid, text) for cid, text in zip(CHOICE_IDS, options, strict=True))
    correct = CHOICE_IDS[options.index(question.gist)]
    explanation = choice_explanation(bank, question)
    return AskSpec(
        kind=AskKind.CHOICE,
        prompt=question.text,
        concept_id=question.primary_concept,
        difficulty=difficulty_of(question),
        answer_text=question.gist,
        explanation=explanation,
        choices=choices,
        correct=correct,
        question_id=question.id,
        source=source_of(bank, question),
        hint=None,  # how to pick is the adapter's to say (letters, buttons)
    )
