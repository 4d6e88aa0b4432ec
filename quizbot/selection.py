"""What to ask next: due reviews, then the player's frontier; follow-ups down the graph."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.bank import Bank
from knowledge.model import Question
from quizbot.asking.choice import can_ask_as_choice, make_choice_ask
from quizbot.asking.computed import COMPUTED_CONCEPTS, make_computed_ask
from quizbot.asking.concept import can_name_from_choices, make_concept_ask
from quizbot.asking.open import make_open_ask
from quizbot.asking.spec import AskSpec
from quizbot.mastery import DEFAULT_BKT, KNOWN
from quizbot.replies import AskKind

PickKind = Literal["question", "concept", "computed"]
_RANK = {"easy": 0, "medium": 1, "hard": 2}


@dataclass(frozen=True, slots=True)
class Pick:
    """What to ask: a bank question, a concept-naming ask or a computed ask on a concept."""

    kind: PickKind
    concept_id: str
    question_id: str | None = None


def review_key(spec: AskSpec) -> str:
    """The spaced-repetition key of an ask: its question id, "concept:<id>" or "computed:<id>"."""
    if spec.question_id:
        return spec.question_id
    prefix = "computed" if spec.kind is AskKind.COMPUTED else "concept"
    return f"{prefix}:{spec.concept_id}"


def _pick_from_key(bank: Bank, key: str) -> Pick | None:
    prefix, _, rest = key.partition(":")
    if prefix in ("concept", "computed") and rest in bank.concepts:
        if prefix == "computed" and rest not in COMPUTED_CONCEPTS:
            return None
        return Pick(prefix, rest)  # type: ignore[arg-type]
    question = bank.question(key)
    if question is None or question.primary_concept not in bank.concepts:
        return None
    return Pick("question", question.primary_concept, question.id)


def _rank(question: Question) -> tuple[bool, int, bool]:
    """Easy before hard, multiple choice before open questions; unanswered questions go last
    (an open question with no model answer teaches little, so it never opens a session)."""
    level = _RANK.get(question.difficulty.value if question.difficulty else "medium", 1)
    return question.answer is None, level, question.choice is None


def _easiest(questions: Sequence[Question], rng: random.Random) -> Question | None:
    if not questions:
        return None
    lowest = min(_rank(q) for q in questions)
    return rng.choice([q for q in questions if _rank(q) == lowest])


def frontier(bank: Bank, mastery: Mapping[str, float]) -> list[str]:
    """Concepts not yet known whose prerequisites are all known (the outer fringe), sorted."""

    def known(cid: str) -> bool:
        return mastery.get(cid, 0.0) >= KNOWN

    return sorted(
        cid
        for cid, concept in bank.concepts.items()
        if not known(cid) and all(known(p) for p in concept.prerequisites)
    )


def _fresh_on(
    bank: Bank,
    concepts: Sequence[str],
    seen: set[str],
    rng: random.Random,
    *,
    gradable_first: bool = True,
    easy_first: bool = False,
) -> Pick | None:
    """Something unseen on one of `concepts`.

    Order: a multiple-choice question (easy first), a concept-naming ask with four names to
    pick from, a computed ask, a concept whose name must be typed (recall is harder than
    picking, except at the frontier, where any naming is the easy step), and only then an
    open question (no authored item): it earns no points, so it does not open a session or
    serve as a follow-up. Without `gradable_first` (a topic the player
    chose) every question on it comes before concept and computed asks, gradable ones first.
    With `easy_first` (the frontier), a concept-naming ask, which is easy, comes before a
    harder question.
    """
    questions = [q for cid in concepts for q in bank.questions_for(cid) if q.id not in seen]
    choiceable = [q for q in questions if can_ask_as_choice(q)]
    # On a chosen topic a flashcard may still beat concept naming, but never a gradable question.
    candidates = choiceable if gradable_first else (choiceable or questions)
    question = _easiest(candidates, rng)
    unseen = [c for c in concepts if f"concept:{c}" not in seen]
    namable = [c for c in unseen if can_name_from_choices(bank, c)]
    # At the frontier any naming is the easy step; on a topic, typing a name waits its turn.
    easy_names = namable or (unseen if easy_first else [])
    is_easy = question is not None and _rank(question)[1] == _RANK["easy"]
    if question is not None and (not easy_names or not easy_first or is_easy):
        return Pick("question", question.primary_concept, question.id)
    if easy_names:
        return Pick("concept", rng.choice(easy_names))
    computable = [c for c in concepts if c in COMPUTED_CONCEPTS and f"computed:{c}" not in seen]
    if computable:
        return Pick("computed", rng.choice(computable))
    if unseen:
        return Pick("concept", rng.choice(unseen))
    question = _easiest(questions, rng)
    if question is not None:
        return Pick("question", question.primary_concept, question.id)
    return None


def _on_topic(
    bank: Bank, topic: str, seen: set[str], rng: random.Random, *, gradable_first: bool
) -> Pick:
    fresh = _fresh_on(bank, [topic], seen, rng, gradable_first=gradable_first)
    if fresh is not None:
        return fresh
    # Everything on the topic was asked once: generated numbers are always new, then repeats.
    if topic in COMPUTED_CONCEPTS:
        return Pick("computed", topic)
    questions = bank.questions_for(topic)
    if questions:
        question = rng.choice(questions)
        return Pick("question", topic, question.id)
    return Pick("concept", topic)


def pick_next(
    bank: Bank,
    *,
    mastery: Mapping[str, float],
    due_keys: Sequence[str],
    seen: set[str],
    topic: str | None,
    rng: random.Random,
    follow_up: bool = False,
) -> Pick:
    """The next thing to ask a player.

    Args:
        bank: the question bank (must hold at least one concept).
        mastery: the player's mastery per concept id (missing = never seen).
        due_keys: review keys whose spaced-repetition card is due, most overdue first.
        seen: review keys the player was already asked.
        topic: a resolved concept id to stay on, or None.
        rng: randomness for ties.
        follow_up: `topic` is a prerequisite to follow a miss up with, so something the
            player can get right (not a flashcard) comes first.

    Returns:
        A due review (on the topic, when one is given), else something new at the frontier
        (easy before hard), else anything left, so there is always a next question.
    """
    if not bank.concepts:
        raise ValueError("the question bank has no concepts")
    for key in due_keys:
        pick = _pick_from_key(bank, key)
        if pick is not None and (topic is None or pick.concept_id == topic):
            return pick
    if topic is not None:
        return _on_topic(bank, topic, seen, rng, gradable_first=follow_up)
    fresh = _fresh_on(bank, frontier(bank, mastery), seen, rng, easy_first=True)
    if fresh is not None:
        return fresh
    unknown = sorted(c for c in bank.concepts if mastery.get(c, 0.0) < KNOWN)
    fresh = _fresh_on(bank, unknown or sorted(bank.concepts), seen, rng, easy_first=True)
    if fresh is not None:
        return fresh
    weakest = min(sorted(bank.concepts), key=lambda c: mastery.get(c, 0.0))
    return _on_topic(bank, weakest, set(), rng, gradable_first=True)


def pick_follow_up(
    bank: Bank, concept_id: str, mastery: Mapping[str, float], exclude: set[str]
) -> str | None:
    """The prerequisite of `concept_id` this player has mastered least.

    Args:
        bank: the question bank.
        concept_id: the concept of the question just missed.
        mastery: the player's mastery per concept (missing = the BKT prior).
        exclude: concept ids not to pick (already on the follow-up path).

    Returns:
        A prerequisite concept id, or None at the foundation. Ties go to the prerequisite the
        ontology lists first: curators list the most essential one first (ResNet's is the
        skip connection), so a new player walks down the main chain.
    """
    if concept_id not in bank.concepts:
        return None
    prerequisites = bank.prerequisites(concept_id)
    options = [i for i, p in enumerate(prerequisites) if p in bank.concepts and p not in exclude]
    if not options:
        return None
    best = min(options, key=lambda i: (mastery.get(prerequisites[i], DEFAULT_BKT.p_init), i))
    return prerequisites[best]


def build_ask(bank: Bank, pick: Pick, rng: random.Random) -> AskSpec:
    """Turn a pick into a concrete ask.

    Args:
        bank: the question bank.
        pick: what to ask.
        rng: randomness for distractors, shuffling and generated numbers.

    Returns:
        A multiple-choice ask for a question with a gist (a flashcard when it has no gist or
        too few distractors), a concept-naming or a computed ask.
    """
    if pick.kind == "question" and pick.question_id is not None:
        question = bank.question(pick.question_id)
        if question is not None:
            spec = make_choice_ask(bank, question)
            return spec if spec is not None else make_open_ask(bank, question)
    if pick.kind == "computed" and pick.concept_id in COMPUTED_CONCEPTS:
        return make_computed_ask(rng, pick.concept_id)
    return make_concept_ask(bank, pick.concept_id, rng)
