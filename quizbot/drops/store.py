"""Queries on the drop tables: schedules, the claim (insert / stale take-over) and state changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from quizbot.drops.schedule import DropSpec, parse_time
from quizbot.drops.tables import Drop, DropSchedule, DropStatus
from quizbot.storage.models import Answer, Ask, Mastery, Workspace
from quizbot.storage.repos._sql import insert_for, table_of

schedules = table_of(DropSchedule)
drops = table_of(Drop)
workspaces = table_of(Workspace)
mastery = table_of(Mastery)
asks = table_of(Ask)
answers = table_of(Answer)


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


@dataclass(frozen=True, slots=True)
class DropRec:
    id: str
    schedule_id: int | None
    workspace_id: int
    platform: str
    channel_id: str
    local_date: date
    due_at: datetime
    status: str
    ask_id: str | None
    claimed_by: str | None
    claimed_at: datetime | None
    message_ref: str | None
    reveal_at: datetime | None
    revealed_at: datetime | None
    reveal_posted_at: datetime | None


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


def _drop(r: Any) -> DropRec:
    return DropRec(**{f: getattr(r, f) for f in DropRec.__slots__})


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


_SCHEDULE_COLS = (*schedules.c, workspaces.c.external_id)


async def list_schedules(
    session: AsyncSession, *, workspace_id: int | None = None, runnable_only: bool = False
) -> list[ScheduleRec]:
    """Schedules (of one workspace, or all); `runnable_only`: active or with a pending request."""
    stmt = select(*_SCHEDULE_COLS).join(workspaces, workspaces.c.id == schedules.c.workspace_id)
    if workspace_id is not None:
        stmt = stmt.where(schedules.c.workspace_id == workspace_id)
    if runnable_only:
        stmt = stmt.where(or_(schedules.c.active.is_(True), schedules.c.requested_at.is_not(None)))
    rows = await session.execute(stmt.order_by(schedules.c.workspace_id, schedules.c.channel_id))
    return [_schedule(r) for r in rows]


async def get_schedule(
    session: AsyncSession, workspace_id: int, channel_id: str
) -> ScheduleRec | None:
    stmt = (
        select(*_SCHEDULE_COLS)
        .join(workspaces, workspaces.c.id == schedules.c.workspace_id)
        .where(schedules.c.workspace_id == workspace_id, schedules.c.channel_id == channel_id)
    )
    row = (await session.execute(stmt)).first()
    return _schedule(row) if row else None


async def upsert_schedule(session: AsyncSession, values: dict[str, object]) -> None:
    """Insert or replace the schedule of (workspace_id, channel_id)."""
    stmt = insert_for(session, schedules).values(**values)
    keep = {k: stmt.excluded[k] for k in values if k not in {"workspace_id", "channel_id"}}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[schedules.c.workspace_id, schedules.c.channel_id], set_=keep
        )
    )


async def set_active(
    session: AsyncSession, workspace_id: int, channel_id: str | None, active: bool, now: datetime
) -> int:
    """Pause or resume one channel (or every channel of the workspace); returns rows changed."""
    stmt = update(schedules).where(
        schedules.c.workspace_id == workspace_id, schedules.c.active.is_(not active)
    )
    if channel_id is not None:
        stmt = stmt.where(schedules.c.channel_id == channel_id)
    result = await session.execute(stmt.values(active=active, updated_at=now))
    return _count(result)


async def request_now(session: AsyncSession, schedule_id: int, now: datetime) -> None:
    await session.execute(
        update(schedules).where(schedules.c.id == schedule_id).values(requested_at=now)
    )


async def clear_request(session: AsyncSession, schedule_id: int, requested_at: datetime) -> None:
    await session.execute(
        update(schedules)
        .where(schedules.c.id == schedule_id, schedules.c.requested_at == requested_at)
        .values(requested_at=None)
    )


async def drops_on(
    session: AsyncSession, keys: Iterable[tuple[int, str, date]]
) -> dict[tuple[int, str, date], DropRec]:
    """Existing drops for (workspace_id, channel_id, local_date) keys."""
    wanted = set(keys)
    if not wanted:
        return {}
    days = sorted({k[2] for k in wanted})
    rows = await session.execute(select(drops).where(drops.c.local_date.in_(days)))
    found = {}
    for r in rows:
        key = (r.workspace_id, r.channel_id, r.local_date)
        if key in wanted:
            found[key] = _drop(r)
    return found


async def insert_drops(session: AsyncSession, rows: list[dict[str, object]]) -> set[str]:
    """Insert many drop rows in one statement; returns the ids that won their unique key."""
    if not rows:
        return set()
    stmt = (
        insert_for(session, drops)
        .values(rows)
        .on_conflict_do_nothing(
            index_elements=[drops.c.workspace_id, drops.c.channel_id, drops.c.local_date]
        )
        .returning(drops.c.id)
    )
    return set((await session.execute(stmt)).scalars())


async def retake(
    session: AsyncSession, drop: DropRec, worker: str, now: datetime, *, status: str
) -> bool:
    """Compare-and-set a stale claim to `worker` (status CLAIMED) or to SKIPPED."""
    cond = and_(
        drops.c.id == drop.id,
        drops.c.status == DropStatus.CLAIMED,
        drops.c.claimed_at == drop.claimed_at,
        drops.c.claimed_by == drop.claimed_by,
    )
    result = await session.execute(
        update(drops).where(cond).values(status=status, claimed_by=worker, claimed_at=now)
    )
    return _count(result) == 1


async def set_ask(
    session: AsyncSession, drop_id: str, worker: str, ask_id: str, question_key: str
) -> bool:
    result = await session.execute(
        update(drops)
        .where(
            drops.c.id == drop_id,
            drops.c.status == DropStatus.CLAIMED,
            drops.c.claimed_by == worker,
        )
        .values(ask_id=ask_id, question_key=question_key)
    )
    return _count(result) == 1


async def renew_claim(session: AsyncSession, drop_id: str, worker: str, now: datetime) -> bool:
    """Refresh `worker`'s live claim; False when the drop is no longer claimed by it."""
    result = await session.execute(
        update(drops)
        .where(
            drops.c.id == drop_id,
            drops.c.status == DropStatus.CLAIMED,
            drops.c.claimed_by == worker,
        )
        .values(claimed_at=now)
    )
    return _count(result) == 1


async def mark_posted(
    session: AsyncSession, drop_id: str, worker: str, message_ref: str, now: datetime
) -> bool:
    result = await session.execute(
        update(drops)
        .where(
            drops.c.id == drop_id,
            drops.c.status == DropStatus.CLAIMED,
            drops.c.claimed_by == worker,
        )
        .values(status=DropStatus.POSTED, message_ref=message_ref, posted_at=now)
    )
    return _count(result) == 1


async def recent_keys(
    session: AsyncSession, workspace_id: int, channel_id: str, since: datetime
) -> dict[str, date]:
    """Question keys dropped in the channel since `since`, with their last local date."""
    rows = await session.execute(
        select(drops.c.question_key, drops.c.local_date).where(
            drops.c.workspace_id == workspace_id,
            drops.c.channel_id == channel_id,
            drops.c.due_at >= since,
            drops.c.question_key.is_not(None),
        )
    )
    out: dict[str, date] = {}
    for key, day in rows:
        out[key] = max(day, out.get(key, day))
    return out


async def recent_keys_many(
    session: AsyncSession, channels: Iterable[tuple[int, str]], since: datetime
) -> dict[tuple[int, str], dict[str, date]]:
    """`recent_keys` for many (workspace_id, channel_id) pairs in one query."""
    wanted = set(channels)
    if not wanted:
        return {}
    rows = await session.execute(
        select(
            drops.c.workspace_id, drops.c.channel_id, drops.c.question_key, drops.c.local_date
        ).where(
            drops.c.workspace_id.in_({w for w, _ in wanted}),
            drops.c.channel_id.in_({c for _, c in wanted}),
            drops.c.due_at >= since,
            drops.c.question_key.is_not(None),
        )
    )
    out: dict[tuple[int, str], dict[str, date]] = {k: {} for k in wanted}
    for ws, channel, key, day in rows:
        seen = out.get((ws, channel))
        if seen is not None:
            seen[key] = max(day, seen.get(key, day))
    return out


async def reveal_candidates(
    session: AsyncSession, now: datetime, stale: timedelta
) -> list[DropRec]:
    """Posted drops past their reveal time, and revealed ones whose reveal post went missing."""
    rows = await session.execute(
        select(drops).where(
            or_(
                and_(drops.c.status == DropStatus.POSTED, drops.c.reveal_at <= now),
                and_(
                    drops.c.status == DropStatus.REVEALED,
                    drops.c.reveal_posted_at.is_(None),
                    drops.c.revealed_at <= now - stale,
                ),
            )
        )
    )
    return [_drop(r) for r in rows]


async def close_drop(session: AsyncSession, drop: DropRec, now: datetime) -> bool:
    """posted -> revealed, once (or re-take a stale unposted reveal by its revealed_at)."""
    if drop.status == DropStatus.POSTED:
        cond = and_(drops.c.id == drop.id, drops.c.status == DropStatus.POSTED)
    else:
        cond = and_(
            drops.c.id == drop.id,
            drops.c.revealed_at == drop.revealed_at,
            drops.c.reveal_posted_at.is_(None),
        )
    result = await session.execute(
        update(drops).where(cond).values(status=DropStatus.REVEALED, revealed_at=now)
    )
    return _count(result) == 1


async def mark_reveal_posted(session: AsyncSession, drop_id: str, now: datetime) -> None:
    await session.execute(update(drops).where(drops.c.id == drop_id).values(reveal_posted_at=now))


async def workspace_info(session: AsyncSession, workspace_id: int) -> tuple[str, str]:
    """(platform workspace id, timezone) of a workspace."""
    row = (
        await session.execute(
            select(workspaces.c.external_id, workspaces.c.timezone).where(
                workspaces.c.id == workspace_id
            )
        )
    ).one()
    return row.external_id, row.timezone


async def workspace_mastery(
    session: AsyncSession, workspace_id: int
) -> list[tuple[int, str, float]]:
    """(player, concept, p_known) of every player of the workspace who has answered."""
    rows = await session.execute(
        select(mastery.c.player_id, mastery.c.concept_id, mastery.c.p_known).where(
            mastery.c.workspace_id == workspace_id
        )
    )
    return [(r.player_id, r.concept_id, r.p_known) for r in rows]


async def channel_players_many(
    session: AsyncSession, channels: Iterable[tuple[int, str]], since: datetime
) -> dict[tuple[int, str], set[int]]:
    """Players who answered a drop in each (workspace_id, channel_id) due since `since`."""
    wanted = set(channels)
    if not wanted:
        return {}
    rows = await session.execute(
        select(drops.c.workspace_id, drops.c.channel_id, answers.c.player_id)
        .distinct()
        .select_from(
            drops.join(asks, asks.c.drop_id == drops.c.id).join(
                answers, answers.c.ask_id == asks.c.id
            )
        )
        .where(
            drops.c.workspace_id.in_({w for w, _ in wanted}),
            drops.c.channel_id.in_({c for _, c in wanted}),
            drops.c.due_at >= since,
        )
    )
    out: dict[tuple[int, str], set[int]] = {k: set() for k in wanted}
    for ws, channel, player in rows:
        players = out.get((ws, channel))
        if players is not None:
            players.add(player)
    return out
