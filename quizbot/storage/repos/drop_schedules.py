"""Drop schedules: one per channel, set and paused by admins, read by the runner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from quizbot.drops.schedule import DropSpec, parse_time
from quizbot.drops.tables import DropSchedule
from quizbot.storage.models import Workspace
from quizbot.storage.repos._sql import insert_for, table_of

schedules = table_of(DropSchedule)
workspaces = table_of(Workspace)


@dataclass(frozen=True, slots=True)
class ScheduleRec:
    id: int
    workspace_id: int
    workspace: str  # the platform's workspace id
    platform: str
    channel_id: str
    local_time: str
    timezone: str
    weekdays: tuple[int, ...]
    reveal_after_minutes: int | None
    active: bool
    updated_at: datetime
    requested_at: datetime | None

    @property
    def spec(self) -> DropSpec:
        return DropSpec(parse_time(self.local_time), self.timezone, self.weekdays)


def _schedule(r: Any) -> ScheduleRec:
    """A row of the schedule columns plus the workspace's external id."""
    return ScheduleRec(
        id=r.id,
        workspace_id=r.workspace_id,
        workspace=r.external_id,
        platform=r.platform,
        channel_id=r.channel_id,
        local_time=r.local_time,
        timezone=r.timezone,
        weekdays=tuple(int(d) for d in r.weekdays.split(",") if d),
        reveal_after_minutes=r.reveal_after_minutes,
        active=r.active,
        updated_at=r.updated_at,
        requested_at=r.requested_at,
    )


_SCHEDULE_COLS = (*schedules.c, workspaces.c.external_id)


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


class ScheduleRepo:
    """Schedules of every workspace (the runner plans across them all)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(
        self, *, workspace_id: int | None = None, runnable_only: bool = False
    ) -> list[ScheduleRec]:
        """Schedules (of one workspace, or all); `runnable_only`: active or with a request."""
        stmt = select(*_SCHEDULE_COLS).join(workspaces, workspaces.c.id == schedules.c.workspace_id)
        if workspace_id is not None:
            stmt = stmt.where(schedules.c.workspace_id == workspace_id)
        if runnable_only:  # a suspended (uninstalled) workspace's drops wait for a reinstall
            stmt = stmt.where(
                or_(schedules.c.active.is_(True), schedules.c.requested_at.is_not(None)),
                workspaces.c.suspended_at.is_(None),
            )
        rows = self.session.execute(stmt.order_by(schedules.c.workspace_id, schedules.c.channel_id))
        return [_schedule(r) for r in rows]

    def get(self, workspace_id: int, channel_id: str) -> ScheduleRec | None:
        stmt = (
            select(*_SCHEDULE_COLS)
            .join(workspaces, workspaces.c.id == schedules.c.workspace_id)
            .where(schedules.c.workspace_id == workspace_id, schedules.c.channel_id == channel_id)
        )
        row = self.session.execute(stmt).first()
        return _schedule(row) if row else None

    def upsert(self, values: dict[str, object]) -> None:
        """Insert or replace the schedule of (workspace_id, channel_id)."""
        stmt = insert_for(self.session, schedules).values(**values)
        keep = {k: stmt.excluded[k] for k in values if k not in {"workspace_id", "channel_id"}}
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[schedules.c.workspace_id, schedules.c.channel_id], set_=keep
            )
        )

    def set_active(
        self, workspace_id: int, channel_id: str | None, active: bool, now: datetime
    ) -> int:
        """Pause or resume one channel (or every channel of the workspace); rows changed."""
        stmt = update(schedules).where(
            schedules.c.workspace_id == workspace_id, schedules.c.active.is_(not active)
        )
        if channel_id is not None:
            stmt = stmt.where(schedules.c.channel_id == channel_id)
        return _count(self.session.execute(stmt.values(active=active, updated_at=now)))

    def request_now(self, schedule_id: int, now: datetime) -> None:
        self.session.execute(
            update(schedules).where(schedules.c.id == schedule_id).values(requested_at=now)
        )

    def clear_request(self, schedule_id: int, requested_at: datetime) -> None:
        self.session.execute(
            update(schedules)
            .where(schedules.c.id == schedule_id, schedules.c.requested_at == requested_at)
            .values(requested_at=None)
        )
