"""Admin commands for drops (set, off, now, list), shared by chat adapters and the CLI."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import DropPublisher, ScheduleInfo
from quizbot.drops import store
from quizbot.drops.pacing import Monotonic, Sleep
from quizbot.drops.schedule import (
    format_weekdays,
    next_due,
    parse_reveal,
    parse_time,
    parse_timezone,
    parse_weekdays,
)
from quizbot.drops.tables import DropStatus
from quizbot.drops.worker import Clock, DropWorker
from quizbot.errors import InvalidInput, NotAllowed
from quizbot.replies import Notice, PlayerRef
from quizbot.storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

Listener = Callable[[], Awaitable[None]]
NOT_ADMIN = (
    "Sorry, only workspace admins can manage daily drops. "
    "Ask an admin (Manage Server on Discord, or a configured Slack drop admin) to do it."
)


def _require_admin(who: PlayerRef) -> None:
    if not who.is_admin:
        raise NotAllowed(NOT_ADMIN)


def _describe_delay(minutes: int | None) -> str:
    if minutes is None:
        return "at the next drop"
    hours, rest = divmod(minutes, 60)
    text = " ".join(p for p in (f"{hours} h" if hours else "", f"{rest} min" if rest else "") if p)
    return f"after {text}"


class DropService:
    """Drop schedules per channel; `drop_*` match `quizbot.api.QuizApi` (QuizService delegates)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bank: Bank,
        publishers: MutableMapping[str, DropPublisher],
        clock: Clock,
        *,
        grace_minutes: int = 120,
        stale_minutes: int = 10,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        rng: random.Random | None = None,
        worker_id: str | None = None,
        **worker_options: Any,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.publishers = publishers
        self.worker = DropWorker(
            sessions,
            bank,
            publishers,
            clock=clock,
            sleep=sleep,
            monotonic=monotonic,
            grace=timedelta(minutes=grace_minutes),
            stale=timedelta(minutes=stale_minutes),
            rng=rng,
            worker_id=worker_id,
            **worker_options,
        )
        self._listeners: list[Listener] = []
        self._pending: set[asyncio.Task[None]] = set()

    def add_publisher(self, publisher: DropPublisher) -> None:
        """Adapters register here once their client is ready; a running scheduler re-plans."""
        self.publishers[publisher.platform] = publisher
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._listeners:
            task = loop.create_task(self._changed())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def wait_idle(self) -> None:
        """Wait for re-plans started by `add_publisher` to finish."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def on_change(self, listener: Listener) -> None:
        """Called after every schedule change (the runner rebuilds its jobs from the DB)."""
        self._listeners.append(listener)

    async def _changed(self) -> None:
        for listener in self._listeners:
            await listener()

    async def drop_set(
        self,
        who: PlayerRef,
        channel_id: str,
        time: str,
        timezone: str,
        weekdays: str | None = None,
        reveal_after_minutes: int | str | None = None,
    ) -> Notice:
        """Create or change a channel's schedule.

        Args:
            who: the admin acting.
            channel_id: the channel drops go to.
            time: local "HH:MM" (24-hour).
            timezone: IANA name such as Europe/Berlin.
            weekdays: "mon-fri" (default), "mon,wed,fri", "daily", "weekends".
            reveal_after_minutes: None for 4 h, 0 (or "next") to reveal at the next drop.

        Returns:
            A notice with the schedule and the next drop time.
        """
        _require_admin(who)
        at = parse_time(time)
        tz = parse_timezone(timezone)
        days = parse_weekdays(weekdays)
        delay = parse_reveal(reveal_after_minutes)
        if not channel_id.strip():
            raise InvalidInput("Name the channel for drops, e.g. #general")
        now = self.clock()
        async with UnitOfWork(self.sessions) as uow:
            ws = await uow.workspaces.get_or_create(who.platform, who.workspace, now)
            await store.upsert_schedule(
                uow.session,
                {
                    "workspace_id": ws.id,
                    "platform": who.platform,
                    "channel_id": channel_id,
                    "local_time": at.strftime("%H:%M"),
                    "timezone": tz,
                    "weekdays": ",".join(str(d) for d in days),
                    "reveal_after_minutes": delay,
                    "active": True,
                    "created_by": who.user_id,
                    "updated_at": now,
                },
            )
            schedule = await store.get_schedule(uow.session, ws.id, channel_id)
            await uow.commit()
        assert schedule is not None
        await self._changed()
        logger.info("drop schedule set: %s/%s channel %s", who.platform, who.workspace, channel_id)
        following = next_due(schedule.spec, now)
        details = (f"Next drop: {following[0]:%a %d %b} at {at:%H:%M} {tz}.",) if following else ()
        return Notice(
            f"Daily drops in <#{channel_id}> at {at:%H:%M} {tz} ({format_weekdays(days)}); "
            f"answers are revealed {_describe_delay(delay)}.",
            details,
        )

    async def drop_off(self, who: PlayerRef, channel_id: str | None = None) -> Notice:
        """Pause drops in one channel, or in every channel of the workspace."""
        _require_admin(who)
        now = self.clock()
        async with UnitOfWork(self.sessions) as uow:
            ws = await uow.workspaces.find(who.platform, who.workspace)
            changed = (
                await store.set_active(uow.session, ws.id, channel_id, False, now) if ws else 0
            )
            await uow.commit()
        where = f"<#{channel_id}>" if channel_id else "this workspace"
        if not changed:
            return Notice(f"No active drop schedule in {where}; nothing to pause.")
        await self._changed()
        return Notice(
            f"Paused daily drops in {where}.",
            ("Turn them back on with drop set (time and timezone).",),
        )

    async def drop_now(self, who: PlayerRef, channel_id: str) -> Notice:
        """Post today's drop in the channel now instead of at its time."""
        _require_admin(who)
        now = self.clock()
        async with UnitOfWork(self.sessions) as uow:
            ws = await uow.workspaces.find(who.platform, who.workspace)
            schedule = await store.get_schedule(uow.session, ws.id, channel_id) if ws else None
            if ws is None or schedule is None:
                raise InvalidInput(
                    f"<#{channel_id}> has no drop schedule yet. "
                    "Set one first, e.g. drop set 09:30 Europe/Berlin"
                )
            today = now.astimezone(schedule.spec.zone).date()
            existing = await store.drops_on(uow.session, [(ws.id, channel_id, today)])
            if existing:
                status = next(iter(existing.values())).status
                return Notice(f"Today's drop in <#{channel_id}> is already {status}.")
            await store.request_now(uow.session, schedule.id, now)
            await uow.commit()
        if schedule.platform not in self.publishers:
            return Notice(f"Queued: the running bot posts today's drop in <#{channel_id}> shortly.")
        report = await self.worker.post_due()
        async with UnitOfWork(self.sessions, write=False) as uow:
            posted = await store.drops_on(uow.session, [(schedule.workspace_id, channel_id, today)])
        row = next(iter(posted.values()), None)
        if row is not None and row.status == DropStatus.POSTED:
            return Notice(f"Posted today's drop in <#{channel_id}>.")
        logger.warning("drop now in %s did not post: %s", channel_id, report)
        return Notice(f"Today's drop in <#{channel_id}> could not be posted yet; it is retried.")

    async def drop_list(self, who: PlayerRef) -> tuple[ScheduleInfo, ...]:
        """The workspace's schedules (active and paused)."""
        _require_admin(who)
        async with UnitOfWork(self.sessions, write=False) as uow:
            ws = await uow.workspaces.find(who.platform, who.workspace)
            rows = await store.list_schedules(uow.session, workspace_id=ws.id) if ws else []
        return tuple(
            ScheduleInfo(
                channel_id=r.channel_id,
                time=r.local_time,
                timezone=r.timezone,
                weekdays=r.weekdays,
                reveal_after_minutes=r.reveal_after_minutes,
                active=r.active,
            )
            for r in rows
        )
