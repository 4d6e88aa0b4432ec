"""Plain immutable rows the repositories return (no ORM objects leave storage)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from quizbot.asking.spec import AskSpec


@dataclass(frozen=True, slots=True)
class WorkspaceRec:
    id: int
    platform: str
    external_id: str
    timezone: str


@dataclass(frozen=True, slots=True)
class AskRec:
    """A stored ask; `player_id` None is a drop ask open to the whole workspace."""

    id: str
    workspace_id: int
    player_id: int | None
    spec: AskSpec
    concept_path: tuple[str, ...]
    follow_up_of: str | None
    root_ask_id: str
    depth: int
    created_at: datetime
    drop_id: str | None = None
    closes_at: datetime | None = None
    retry_of: str | None = None

    @property
    def is_retry(self) -> bool:
        """An ask offered again on the way back up a follow-up walk."""
        return self.retry_of is not None

    def path_json(self) -> str:
        return json.dumps(list(self.concept_path))


@dataclass(frozen=True, slots=True)
class RecentAsk:
    """One of a player's latest private asks, for the no-loop rules and the walk."""

    id: str
    kind: str
    concept_id: str
    question_id: str | None
    root_ask_id: str
    depth: int
    is_retry: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerRec:
    id: int
    ask_id: str
    player_id: int
    team_id: int | None
    response: str
    correct: bool | None
    points: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class MasteryRec:
    concept_id: str
    p_known: float
    attempts: int
    correct: int


@dataclass(frozen=True, slots=True)
class StreakRec:
    last_day: date | None
    streak: int
    best: int


@dataclass(frozen=True, slots=True)
class TeamRec:
    id: int
    name: str
    members: int = 0


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A ranked row; `key` is the player or team id, `members` only for teams."""

    rank: int
    key: int
    name: str
    points: int
    members: int | None = None

    @property
    def average(self) -> float | None:
        if self.members is None:
            return None
        return self.points / self.members if self.members else 0.0


@dataclass(frozen=True, slots=True)
class AnswerTally:
    """How an ask (a drop) was answered: counts and its earliest correct answer."""

    answered: int
    correct: int
    first_correct_answer: int | None
    first_correct_player: int | None
