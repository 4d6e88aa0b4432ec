"""Concept naming asks: show a definition, the player picks or types the concept it defines."""

from __future__ import annotations

import random
import re

from knowledge.bank import Bank
from knowledge.model import Concept
from quizbot.asking.choice import CHOICE_IDS
from quizbot.asking.open import one_line
from quizbot.asking.spec import AskSpec
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


def _distractors(bank: Bank, concept: Concept, rng: random.Random, count: int) -> list[Concept]:
    taken = {concept.name.lower()}
    same = [c for c in bank.concepts.values() if c.kind == concept.kind and c.id != concept.id]
    other = [c for c in bank.concepts.values() if c.kind != concept.kind]
    rng.shuffle(same)
    rng.shuffle(other)
    out: list[Concept] = []
    for candidate in [*same, *other]:  # same kind first; other kinds only to fill up
        if len(out) == count:
            break
        if candidate.name.lower() in taken:
            continue
        taken.add(candidate.name.lower())
        out.append(candidate)
    return out


def make_concept_ask(bank: Bank, concept_id: str, rng: random.Random) -> AskSpec:
    """Definition -> name the concept, with up to four same-kind concept names as choices.

    Args:
        bank: the question bank.
        concept_id: the concept to ask about (must exist in the bank).
        rng: randomness for distractors and shuffling.

    Returns:
        A CONCEPT AskSpec; `accepted` holds the name and aliases so typing it works too.
    """
    concept = bank.concept(concept_id)
    options = [concept, *_distractors(bank, concept, rng, len(CHOICE_IDS) - 1)]
    rng.shuffle(options)
    choices = tuple(Choice(cid, c.name) for cid, c in zip(CHOICE_IDS, options, strict=False))
    correct = CHOICE_IDS[options.index(concept)]
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
        hint=None,  # how to answer is the adapter's to say (letters, buttons)
    )
