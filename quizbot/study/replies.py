"""Neutral reply objects of the study tools, rendered by every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizbot.replies import QuestionCard, SourceAnswer


@dataclass(frozen=True, slots=True)
class WrongOption:
    """An option of the question that is wrong, and why (the item's own line)."""

    text: str
    why: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """ "More" after a verdict: everything there is to know about one answered question.

    `answer` is the right answer as the verdict showed it (an option, a number, a name);
    `model_answer` is the full reviewed answer. `concept_path` runs from the original
    question's concept down to this one; `foundations` from this concept down to a concept
    with no prerequisites.
    """

    ask_id: str
    prompt: str
    answer: str
    model_answer: str
    key_points: tuple[str, ...]
    wrong_options: tuple[WrongOption, ...]
    sources: tuple[SourceAnswer, ...]
    concept_path: tuple[str, ...]
    foundations: tuple[str, ...] = ()
    note: str | None = None  # why no source answers it (a generated question)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One spaced-repetition card: what it asks and when it is due.

    `due_at` is aware UTC; `when` is the same moment in the workspace's timezone, as text.
    """

    key: str
    label: str
    concept: str
    due_at: datetime
    when: str


@dataclass(frozen=True, slots=True)
class ReviewList:
    """The caller's review queue: due cards (most overdue first), then the next ones.

    `card` is the first due card, asked now; None when nothing is due (`upcoming[0]`, when
    there is one, says when the next card is due).
    """

    due: tuple[ReviewItem, ...]
    upcoming: tuple[ReviewItem, ...]
    due_count: int
    card: QuestionCard | None = None

    @property
    def next_due(self) -> ReviewItem | None:
        return self.upcoming[0] if self.upcoming else None


@dataclass(frozen=True, slots=True)
class Hint:
    """A hint on an open ask: a key point, or the concept's definition with its name masked.

    `note` says what taking it costs ("A right answer now earns half points.").
    """

    ask_id: str
    text: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FlaggedQuestion:
    """The reports on one question: `key` is what an admin clears it by."""

    key: str
    label: str  # the question's prompt, or the concept's name for a concept ask
    open: int
    total: int
    last_at: datetime
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlagList:
    """Questions players reported, most open reports first (those are kept out of drops)."""

    questions: tuple[FlaggedQuestion, ...]


@dataclass(frozen=True, slots=True)
class MapConcept:
    """A concept on the mastery map: its mastery (None: not met yet, a prerequisite shown for
    context) and whether it is among the player's weakest."""

    concept_id: str
    name: str
    kind: str
    mastery: float | None
    weak: bool = False


@dataclass(frozen=True, slots=True)
class MasteryMap:
    """The part of the concept graph a player has met, with its prerequisites.

    `edges` run from a concept to a prerequisite, both on the map. Empty when the player has
    answered nothing yet.
    """

    name: str
    concepts: tuple[MapConcept, ...]
    edges: tuple[tuple[str, str], ...]
