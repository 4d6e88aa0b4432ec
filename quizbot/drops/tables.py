"""Tables of drops: one schedule per channel, and one row per channel and local date (the claim)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quizbot.storage.base import Base
from quizbot.storage.types import UTCDateTime

DROP_ID_LEN = 32  # uuid4 hex


class DropStatus:
    CLAIMED = "claimed"  # a worker owns it, nothing sent yet (crashed: re-taken or skipped)
    POSTING = "posting"  # the card may be on the platform (crashed: re-taken, never skipped)
    POSTED = "posted"  # in the channel, answers open until reveal_at
    REVEALED = "revealed"  # answers closed, points awarded
    SKIPPED = "skipped"  # missed by more than the grace window


class DropSchedule(Base):
    """A channel's drop schedule; `weekdays` is comma-separated day numbers (0 = Monday)."""

    __tablename__ = "drop_schedules"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(64))
    local_time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    timezone: Mapped[str] = mapped_column(String(64))
    weekdays: Mapped[str] = mapped_column(String(16))
    reveal_after_minutes: Mapped[int | None] = mapped_column(Integer)  # None: at the next drop
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "drop now" from a process without the platform client: the running bot posts it.
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Drop(Base):
    """One drop. Its insert is the claim: UNIQUE(workspace, channel, local date) picks a winner."""

    __tablename__ = "drops"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id", "local_date"),
        Index("ix_drops_status_reveal", "status", "reveal_at"),
        Index("ix_drops_channel_due", "workspace_id", "channel_id", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(DROP_ID_LEN), primary_key=True)
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("drop_schedules.id", ondelete="SET NULL")
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    question_key: Mapped[str | None] = mapped_column(String(160))  # for the 60-day no-repeat rule
    ask_id: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ref: Mapped[str | None] = mapped_column(String(128))
    reveal_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reveal_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DropPost(Base):
    """A post (card or reveal) any worker is sending: the posting window all workers share."""

    __tablename__ = "drop_posts"
    __table_args__ = (
        Index("ix_drop_posts_platform_at", "platform", "at"),
        Index("ix_drop_posts_channel_at", "platform", "channel_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
