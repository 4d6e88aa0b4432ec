"""Immutable content records shared by parsers, dedup, the concept graph and the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True, slots=True)
class RawQuestion:
    """One question exactly as a source document gives it (after parsing, before dedup).

    `ref` is the source's own numbering or position ("Q12", "Hard 21", "item 3").
    `text` is the question text as it appears in the source (for derived questions, ours).
    `derived` marks questions whose text we wrote because the source had none.
    `original` is the source's own heading when `text` is ours because that heading is not
    a question ("AlexNet Architecture Overview:"); None otherwise.
    `answer` is None when the source gives no answer.
    """

    source: str
    ref: str
    text: str
    answer: str | None = None
    difficulty: Difficulty | None = None
    derived: bool = False
    concepts: tuple[str, ...] = ()  # explicit concept ids (question packs may name them)
    original: str | None = None


class AskedAs(StrEnum):
    """How a question is put to a player."""

    CHOICE = "choice"  # four authored options
    OPEN = "open"  # an interview question: answer in your own words, then the key points


@dataclass(frozen=True, slots=True)
class Distractor:
    """A wrong option and the one line that says what makes it wrong."""

    text: str
    why: str


@dataclass(frozen=True, slots=True)
class ChoiceItem:
    """The right option in our words and three misconceptions answering the same question."""

    correct: str
    distractors: tuple[Distractor, ...]

    @property
    def options(self) -> tuple[str, ...]:
        return (self.correct, *(d.text for d in self.distractors))


@dataclass(frozen=True, slots=True)
class Variant:
    """Provenance of one source phrasing merged into a canonical question.

    `text` is the question as it appears in the source (a topic heading stays a heading).
    `derived` marks a phrasing whose question we wrote: the source had a topic heading, or
    (prose answers) no question at all, in which case `text` is ours.
    `answer` is that source's own answer (None when it gives none); `disputed` says why we
    judge it wrong or incomplete (such an answer is never shown as the model answer).
    """

    source: str
    ref: str
    text: str
    derived: bool = False
    answer: str | None = None
    disputed: str | None = None


@dataclass(frozen=True, slots=True)
class Concept:
    """A node of the curated CNN ontology; `prerequisites` are concept ids."""

    id: str
    name: str
    kind: str
    definition: str
    aliases: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    confusable: tuple[str, ...] = ()  # same-kind neighbours a learner mixes up with this one


@dataclass(frozen=True, slots=True)
class Question:
    """A canonical, deduplicated question linked to concepts (primary concept first).

    `id` is stable: derived from the canonical source text, not from order. `answer` is the
    model answer: ours when `reviewed` (an authored item), else the best source answer, and
    None only for an unreviewed question no source answers. `choice` is the authored
    multiple-choice item (None: asked as an open question, with `key_points`).
    `answer_variant` is the index in `variants` of the phrasing whose answer `answer` is
    when it is a source's, None when it is ours.
    """

    id: str
    text: str
    answer: str | None
    gist: str | None
    difficulty: Difficulty | None
    concepts: tuple[str, ...]
    variants: tuple[Variant, ...] = field(default=())
    derived: bool = False
    answer_variant: int | None = None
    reviewed: bool = False
    choice: ChoiceItem | None = None
    key_points: tuple[str, ...] = ()

    @property
    def asked_as(self) -> AskedAs:
        return AskedAs.CHOICE if self.choice is not None else AskedAs.OPEN

    @property
    def answer_source(self) -> Variant | None:
        """The variant a source answer comes from; None when the model answer is ours."""
        if self.answer_variant is not None and 0 <= self.answer_variant < len(self.variants):
            return self.variants[self.answer_variant]
        return None

    @property
    def primary_concept(self) -> str:
        return self.concepts[0]
