"""Tables of the core schema: tenancy, teams, asks, the answer log, points, scores, learning state.

Every row below a workspace carries `workspace_id` so each query can be scoped to one workspace.
The answer log and the points ledger are append-only; `player_scores`, `team_scores` and
`team_activity` are pre-aggregated from them (kept in the same transaction, rebuildable).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quizbot.storage.base import Base
from quizbot.storage.types import UTCDateTime

ASK_ID_LEN = 32  # uuid4 hex


class Workspace(Base):
    """A Discord guild, a Slack team, or the terminal's `local`."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set while the app is uninstalled from the workspace: its drops are paused until reinstall.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Player(Base):
    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(128))  # casefolded (may grow), for uniqueness
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamMember(Base):
    """The primary key on `player_id` is what keeps a player in at most one team."""

    __tablename__ = "team_members"
    __table_args__ = (Index("ix_team_members_team", "team_id"),)

    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Ask(Base):
    """One question shown; `spec_json` freezes it so a late answer grades the same way.

    `player_id` is NULL for a channel drop ask that every player of the workspace may answer.
    `root_ask_id` is the question a follow-up chain started from (itself for a root ask),
    `depth` its level in the walk down the prerequisites (0 for the root), `retry_of` the ask an
    ask offers again on the way back up, `concept_path` a JSON list of concept ids.
    """

    __tablename__ = "asks"
    __table_args__ = (Index("ix_asks_player_created", "workspace_id", "player_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(ASK_ID_LEN), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    player_id: Mapped[int | None] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    concept_id: Mapped[str] = mapped_column(String(128))
    question_id: Mapped[str | None] = mapped_column(String(128))
    spec_json: Mapped[str] = mapped_column(Text)
    concept_path: Mapped[str] = mapped_column(Text, default="[]")
    follow_up_of: Mapped[str | None] = mapped_column(String(ASK_ID_LEN))
    retry_of: Mapped[str | None] = mapped_column(String(ASK_ID_LEN))
    root_ask_id: Mapped[str] = mapped_column(String(ASK_ID_LEN))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    drop_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Answer(Base):
    """Append-only log; UNIQUE(ask_id, player_id) makes a double click score once."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("ask_id", "player_id"),
        Index("ix_answers_player", "workspace_id", "player_id", "answered_at"),
        Index("ix_answers_ws_time", "workspace_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[str] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(Integer)  # team at answer time, kept if deleted
    concept_id: Mapped[str] = mapped_column(String(128))
    response: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool | None] = mapped_column(Boolean)  # None: a self-rated flashcard
    points: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PointAward(Base):
    """The points ledger boards derive from; drop points arrive here later, at the reveal.

    `answer_id` is unique so awarding the same answer twice (a retried reveal) counts once.
    """

    __tablename__ = "point_awards"
    __table_args__ = (
        UniqueConstraint("answer_id"),
        Index("ix_point_awards_ws_time", "workspace_id", "awarded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(Integer)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))  # "answer" | "drop"
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlayerScore(Base):
    """Points and answers per player and period key ("all", "w2026-47", "m2026-11")."""

    __tablename__ = "player_scores"
    __table_args__ = (
        Index("ix_player_scores_board", "workspace_id", "period", "points", "player_id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class TeamScore(Base):
    """Points and active members (players who answered for the team) per team and period."""

    __tablename__ = "team_scores"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[int] = mapped_column(Integer, default=0)


class TeamActivity(Base):
    """Who answered for which team in a period; its inserts count `team_scores.members`."""

    __tablename__ = "team_activity"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )


class Mastery(Base):
    """Bayesian Knowledge Tracing estimate per player and concept."""

    __tablename__ = "mastery"

    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    concept_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    p_known: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewCard(Base):
    """An fsrs card per player and review key (question id, "concept:<id>", "computed:<id>")."""

    __tablename__ = "review_cards"
    __table_args__ = (Index("ix_review_cards_due", "player_id", "due_at"),)

    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    card_json: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlayerStreak(Base):
    """Daily streak state (days in the workspace's timezone) and the player's answer totals.

    `answered` and `correct` count graded answers (self-rated flashcards excluded), kept with
    every answer so stats never count the answer log.
    """

    __tablename__ = "player_streaks"

    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    last_day: Mapped[date | None] = mapped_column(Date)
    streak: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    correct: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QuestionRating(Base):
    """Elo-style difficulty of one review key in a workspace, learned from scored answers."""

    __tablename__ = "question_ratings"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    rating: Mapped[float] = mapped_column(Float)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class PlayerRating(Base):
    """Elo-style skill of one player, learned from scored answers."""

    __tablename__ = "player_ratings"

    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    rating: Mapped[float] = mapped_column(Float)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class TypedAnswer(Base):
    """An interview answer typed to an open question, kept until the player rates themselves.

    `covered` of `total` key points were matched; `stuffed` marks a list of keywords.
    """

    __tablename__ = "typed_answers"

    ask_id: Mapped[str] = mapped_column(
        String(ASK_ID_LEN), ForeignKey("asks.id", ondelete="CASCADE"), primary_key=True
    )
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    covered: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    stuffed: Mapped[bool] = mapped_column(Boolean, default=False)
    typed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AskHint(Base):
    """A hint a player took on an ask: a right answer to it then scores half."""

    __tablename__ = "ask_hints"

    ask_id: Mapped[str] = mapped_column(
        String(ASK_ID_LEN), ForeignKey("asks.id", ondelete="CASCADE"), primary_key=True
    )
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    hinted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionFlag(Base):
    """A player's report of a bad question; open until an admin clears it.

    `question_key` is the question's id (or "concept:<id>" for an ask without one), the key
    drops avoid while a report on it is open. One report per player and ask: flagging again
    updates the reason (and reopens a cleared report).
    """

    __tablename__ = "question_flags"
    __table_args__ = (
        UniqueConstraint("ask_id", "player_id"),
        Index("ix_question_flags_open", "workspace_id", "question_key", "cleared_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    ask_id: Mapped[str] = mapped_column(
        String(ASK_ID_LEN), ForeignKey("asks.id", ondelete="CASCADE")
    )
    question_key: Mapped[str] = mapped_column(String(160))
    reason: Mapped[str] = mapped_column(Text, default="")
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
