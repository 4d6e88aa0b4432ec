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


@dataclass(frozen=True, slots=True)
class Variant:
    """Provenance of one source phrasing merged into a canonical question.

    `text` is the question as it appears in the source (a topic heading stays a heading).
    `derived` marks a phrasing whose question we wrote: the source had a topic heading, or
    (prose answers) no question at all, in which case `text` is ours.
    """

    source: str
    ref: str
    text: str
    derived: bool = False


@dataclass(frozen=True, slots=True)
class Concept:
    """A node of the curated CNN ontology; `prerequisites` are concept ids."""

    id: str
    name: str
    kind: str
    definition: str
    aliases: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """A canonical, deduplicated question linked to concepts (primary concept first).

    `id` is stable: derived from content, not from order. `answer` and `gist` are None when
    no source answers the question (it is then a flashcard / open question).
    `answer_variant` is the index in `variants` of the phrasing whose answer `answer` is.
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

    @property
    def answer_source(self) -> Variant | None:
        """The variant the answer comes from (the first variant when that is unknown)."""
        if self.answer_variant is not None and 0 <= self.answer_variant < len(self.variants):
            return self.variants[self.answer_variant]
        return self.variants[0] if self.variants else None

    @property
    def primary_concept(self) -> str:
        return self.concepts[0]
