"""Neutral, immutable reply objects the engine returns and every adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class AskKind(StrEnum):
    CHOICE = "choice"  # multiple choice: gist + three distractors
    CONCEPT = "concept"  # a definition; name the concept (choices, or typed text)
    COMPUTED = "computed"  # generated numbers, a free-text numeric answer
    OPEN = "open"  # flashcard: reveal, then the player rates themselves


class Board(StrEnum):
    PLAYERS = "players"
    TEAMS = "teams"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


MASKED_CONCEPT = "?"  # stands in a concept path for the concept a card asks to name


@dataclass(frozen=True, slots=True)
class PlayerRef:
    """Who is acting: platform ("discord", "slack", "local"), workspace and user ids."""

    platform: str
    workspace: str
    user_id: str
    display_name: str = ""
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """A button / letter option; `id` is stable for the ask ("a".."d", or a rating)."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionCard:
    """A question to show. `choices` is empty when the answer is typed (computed questions).

    `concept_path` holds concept names from the original question's concept down to this
    one ("ResNet", "skip connection", "vanishing gradient"); it has one element for a
    question that is not a follow-up. On a name-the-concept card the concept is the answer,
    so `concepts` is empty and the path ends in MASKED_CONCEPT.
    """

    ask_id: str
    kind: AskKind
    prompt: str
    choices: tuple[Choice, ...]
    concepts: tuple[str, ...]
    concept_path: tuple[str, ...]
    follow_up_of: str | None = None
    difficulty: str | None = None
    source: str | None = None
    points: int = 0
    hint: str | None = None  # e.g. "Answer with a whole number, like 10 or 10x10"
    is_drop: bool = False
    is_retry: bool = False  # the original question offered again after a follow-up
    note: str | None = None  # e.g. "ResNet: all 6 questions done — next: bottleneck block."

    @property
    def is_follow_up(self) -> bool:
        return self.follow_up_of is not None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The grade of one answer, plus what comes next (a follow-up or the original again).

    `correct` is None for a revealed flashcard (the player then rates themselves through
    `rating_choices`). `already_answered` means this answer was not scored again.
    """

    ask_id: str
    correct: bool | None
    answer: str
    explanation: str
    source: str | None = None
    points: int = 0
    already_answered: bool = False
    streak: int = 0
    next: QuestionCard | None = None
    rating_choices: tuple[Choice, ...] = ()
    concept_path: tuple[str, ...] = ()
    closed: bool = False  # a drop whose answers already closed
    pending_reveal: bool = False  # a drop: graded privately, points at the reveal
    why_wrong: str | None = None  # what made the option the player picked wrong
    key_points: tuple[str, ...] = ()  # an open question: what a good answer covers
    practice: str | None = None  # why a right answer scored nothing ("counts again on 3 Dec")
    typed: str | None = None  # an open question: the answer the player typed
    covered: tuple[bool, ...] = ()  # beside `key_points`: which ones the typed answer covered
    coverage: str | None = None  # "Your answer covered 2 of 4 key points.", or why it counted less
    hinted: bool = False  # a hint was taken on this ask: a right answer scored half


@dataclass(frozen=True, slots=True)
class SourceAnswer:
    """One source document's own answer to a question, with its provenance.

    `disputed` says why we judge the answer wrong or incomplete (None: it stands).
    """

    title: str
    ref: str
    question: str
    answer: str | None
    disputed: str | None = None


@dataclass(frozen=True, slots=True)
class SourceAnswers:
    """ "From the sources": every source's answer to an asked question, beside the model answer."""

    ask_id: str
    prompt: str
    model_answer: str
    answers: tuple[SourceAnswer, ...]
    note: str | None = None  # why there is nothing to show (a generated question)


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    rank: int
    name: str
    points: int
    members: int | None = None  # teams only: active members in the period
    average: float | None = None  # teams only: points per active member
    is_caller: bool = False


@dataclass(frozen=True, slots=True)
class Leaderboard:
    board: Board
    period: Period
    title: str
    rows: tuple[LeaderboardRow, ...]
    caller: LeaderboardRow | None = None  # the caller's own row, even outside the top rows

    @property
    def empty_note(self) -> str:
        """What a board without rows says, on every platform (teams: why points may be missing)."""
        if self.board is Board.TEAMS:
            return (
                "No team has points in this period yet: a team earns points from answers "
                "its members give after joining it."
            )
        return "Nobody has scored in this period yet."


@dataclass(frozen=True, slots=True)
class ConceptScore:
    concept_id: str
    name: str
    mastery: float  # 0..1
    attempts: int


@dataclass(frozen=True, slots=True)
class WeekAccuracy:
    """Graded answers in one local week (Monday to Sunday), `start` being its Monday."""

    start: date
    answered: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class PlayerStats:
    name: str
    answered: int
    correct: int
    points: int
    streak: int
    best_streak: int
    team: str | None
    strongest: tuple[ConceptScore, ...] = ()
    weakest: tuple[ConceptScore, ...] = ()
    due_reviews: int = 0
    weeks: tuple[WeekAccuracy, ...] = ()  # the last four weeks, oldest first
    mastered: int = 0  # concepts at or above `quizbot.mastery.KNOWN`
    concepts: int = 0  # concepts in the bank (mastered / concepts is the share)
    team_weakest: tuple[ConceptScore, ...] = ()  # the team's, averaged over its members

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def mastered_share(self) -> float:
        return self.mastered / self.concepts if self.concepts else 0.0

    def week_lines(self) -> tuple[str, ...]:
        """ "Week of 16 Nov: 50% of 2" per week, oldest first ("no answers" for an empty one)."""
        return tuple(
            f"Week of {w.start.day} {w.start:%b}: "
            + (f"{w.accuracy:.0%} of {w.answered}" if w.accuracy is not None else "no answers")
            for w in self.weeks
        )

    @property
    def mastered_text(self) -> str:
        return f"{self.mastered} of {self.concepts} concepts ({self.mastered_share:.0%})"


@dataclass(frozen=True, slots=True)
class TeamInfo:
    name: str
    members: int
    is_mine: bool = False


@dataclass(frozen=True, slots=True)
class TeamList:
    teams: tuple[TeamInfo, ...]
    mine: str | None = None


@dataclass(frozen=True, slots=True)
class ConceptPath:
    """Prerequisite chains from a concept down to foundations (each a tuple of names)."""

    concept_id: str
    name: str
    definition: str
    chains: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """A plain informational message (team joined, drop scheduled, ...)."""

    text: str
    details: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DropReveal:
    """What a channel sees when a drop closes."""

    drop_id: str
    ask_id: str
    prompt: str
    answer: str
    explanation: str
    answered: int
    correct: int
    first_correct: str | None = None  # display name of the first correct player
    source: str | None = None

    @property
    def share_correct(self) -> float:
        return self.correct / self.answered if self.answered else 0.0
