"""Concept naming asks: show a definition, the player picks or types the concept it defines."""

from __future__ import annotations

import random
import re

from knowledge.bank import Bank
from knowledge.model import Concept
from quizbot.asking.open import one_line
from quizbot.asking.spec import CHOICE_IDS, AskSpec
from quizbot.replies import AskKind, Choice

SOURCE = "cnnquiz concept map"
BLANK = "____"


def accepted_names(concept: Concept) -> tuple[str, ...]:
    """Every typed spelling that names the concept: name, aliases and the id in words."""
    names = [concept.name, *concept.aliases, concept.id.replace("-", " ")]
    out: list[str] = []
    for name in names:
        if name and name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return tuple(out)


def masked_definition(concept: Concept) -> str:
    """The definition with the concept's own names blanked out (it must not give itself away)."""
    text = concept.definition
    for name in sorted(accepted_names(concept), key=len, reverse=True):
        if len(name) < 3:
            continue
        pattern = r"(?<![\w-])" + re.escape(name) + r"s?(?![\w-])"
        text = re.sub(pattern, BLANK, text, flags=re.IGNORECASE)
    return text


TYPE_THE_NAME = "Type the concept's name."


def _distractors(bank: Bank, concept: Concept, rng: random.Random, count: int) -> list[Concept]:
    """Confusable neighbours only: never an umbrella term, a synonym or a broader idea."""
    taken = {concept.name.lower()}
    out: list[Concept] = []
    for cid in bank.confusables(concept.id):
        other = bank.concepts.get(cid)
        if other is not None and other.name.lower() not in taken:
            taken.add(other.name.lower())
            out.append(other)
    return rng.sample(out, count) if len(out) >= count else []


def can_name_from_choices(bank: Bank, concept_id: str) -> bool:
    """Whether the concept has enough confusable neighbours to be named by picking."""
    return len(bank.confusables(concept_id)) >= len(CHOICE_IDS) - 1


def make_concept_ask(bank: Bank, concept_id: str, rng: random.Random) -> AskSpec:
    """Definition -> name the concept: four confusable names as choices, else typed.

    Args:
        bank: the question bank.
        concept_id: the concept to ask about (must exist in the bank).
        rng: randomness for distractors.

    Returns:
        A CONCEPT AskSpec; `accepted` holds the name and aliases so typing it works too. A
        concept with fewer than three confusable neighbours has no choices: options from
        unrelated concepts would give the answer away, so the player types the name.
    """
    concept = bank.concept(concept_id)
    options = [concept, *_distractors(bank, concept, rng, len(CHOICE_IDS) - 1)]
    choices: tuple[Choice, ...] = ()
    correct = concept.name
    if len(options) > 1:
        choices = tuple(Choice(cid, c.name) for cid, c in zip(CHOICE_IDS, options, strict=True))
        correct = CHOICE_IDS[0]  # the ask's own shuffle moves it (see `shuffled`)
    return AskSpec(
        kind=AskKind.CONCEPT,
        prompt=f"Which concept is this? {masked_definition(concept)}",
        concept_id=concept.id,
        difficulty="easy",
        answer_text=concept.name,
        explanation=one_line(concept.definition),
        choices=choices,
        correct=correct,
        accepted=accepted_names(concept),
        source=SOURCE,
        hint=None if choices else TYPE_THE_NAME,
    )
