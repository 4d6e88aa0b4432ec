"""Admin commands for drops (set, off, now, list), shared by chat adapters and the CLI."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import DropPublisher, ScheduleInfo
from quizbot.drops.deps import Clock, DropDeps
from quizbot.drops.due import SweepReport
from quizbot.drops.pacing import Monotonic, Sleep
from quizbot.drops.posting import DropPoster
from quizbot.drops.revealing import DropRevealer
from quizbot.drops.schedule import (
    format_weekdays,
    next_due,
    parse_reveal,
    parse_time,
    parse_timezone,
    parse_weekdays,
)
from quizbot.drops.tables import DropStatus
from quizbot.errors import InvalidInput, NotAllowed
from quizbot.replies import Notice, PlayerRef
from quizbot.storage.repos.drop_schedules import ScheduleRec
from quizbot.storage.repos.drops import DropRec
from quizbot.storage.uow import Store, Tx

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
    """Drop schedules, posting and reveals; `drop_*` match `quizbot.api.QuizApi`.

    Safe to run in several processes at once: the database decides who posts and reveals.

    Args:
        store: the engine's store (or an async session factory to build one from).
        bank: the question bank drops are chosen from.
        publishers: platform name -> DropPublisher (kept by reference; see `add_publisher`).
        clock: aware-UTC now; tests inject a manual clock.
        grace_minutes: missed drops younger than this are posted late; older ones skipped.
        lease_seconds: a claim (or a reveal being posted) whose lease is older than this is
            taken over; a live worker renews its leases every third of it.
        sleep / monotonic: for pacing and retry waits (a manual clock in tests).
        rng: question choice and tie breaks.
        worker_id: this process's name on its claims.
        concurrency: posts in flight at once.
        lease_renew_s: how often live leases are renewed (default: a third of the lease).
        shared_pacing: keep the platforms' limits in the database for every worker together
            (default: on PostgreSQL, where several workers can share a database; SQLite
            serves one process, whose own pacing is enough).
    """

    def __init__(
        self,
        store: Store | async_sessionmaker[AsyncSession],
        bank: Bank,
        publishers: MutableMapping[str, DropPublisher],
        clock: Clock,
        *,
        grace_minutes: int = 120,
        lease_seconds: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        rng: random.Random | None = None,
        worker_id: str | None = None,
        concurrency: int = 64,
        lease_renew_s: float | None = None,
        shared_pacing: bool | None = None,
    ) -> None:
        self._own_store = not isinstance(store, Store)
        self.store = store if isinstance(store, Store) else Store.from_sessions(store)
        self.bank = bank
        self.clock = clock
        self.publishers = publishers
        self.deps = DropDeps(
            store=self.store,
            bank=bank,
            publishers=publishers,
            clock=clock,
            sleep=sleep,
            monotonic=monotonic,
            grace=timedelta(minutes=grace_minutes),
            stale=timedelta(seconds=lease_seconds),
            worker_id=worker_id or uuid.uuid4().hex[:16],
            rng=rng or random.Random(),
            concurrency=concurrency,
            lease_renew_s=lease_renew_s or lease_seconds / 3,
            shared_pacing=(
                self.store.engine.dialect.name == "postgresql"
                if shared_pacing is None
                else shared_pacing
            ),
        )
        self._poster = DropPoster(self.deps)
        self._revealer = DropRevealer(self.deps)
        self._listeners: list[Listener] = []
        self._pending: set[asyncio.Task[None]] = set()

    @property
    def worker_id(self) -> str:
        return self.deps.worker_id

    @property
    def grace(self) -> timedelta:
        return self.deps.grace

    async def aclose(self) -> None:
        """Stop renewing leases; release the store when this service built it."""
        await self.deps.leases.aclose()
        if self._own_store:
            await self.store.aclose()

    async def post_due(self) -> SweepReport:
        """Post every drop due now (or missed within the grace window); skip older ones."""
        return await self._poster.post_due()

    async def reveal_due(self) -> list[str]:
        """Close, score and reveal every posted drop whose reveal time has come."""
        return await self._revealer.reveal_due()

    async def schedules(self) -> list[ScheduleRec]:
        """Every schedule, active or paused (what the runner builds its jobs from)."""
        return await self.store.run(lambda tx: tx.schedules.list(), write=False)

    async def next_reveal(self, after: datetime) -> datetime | None:
        """The first reveal time after `after` of a posted drop this process can reveal."""
        platforms = set(self.publishers)
        return await self.store.run(lambda tx: tx.drops.next_reveal(platforms, after), write=False)

    def set_rate_share(self, platform: str, share: float) -> None:
        """This process posts at `share` of the platform's bot-wide rate limit."""
        self.deps.set_share(platform, share)

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
        values: dict[str, object] = {
            "platform": who.platform,
            "channel_id": channel_id,
            "local_time": at.strftime("%H:%M"),
            "timezone": tz,
            "weekdays": ",".join(str(d) for d in days),
            "reveal_after_minutes": delay,
            "active": True,
            "created_by": who.user_id,
            "updated_at": now,
        }

        def write(tx: Tx) -> ScheduleRec | None:
            ws = tx.workspaces.get_or_create(who.platform, who.workspace, now)
            tx.schedules.upsert({"workspace_id": ws.id, **values})
            return tx.schedules.get(ws.id, channel_id)

        schedule = await self.store.run(write)
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

        def write(tx: Tx) -> int:
            ws = tx.workspaces.find(who.platform, who.workspace)
            return tx.schedules.set_active(ws.id, channel_id, False, now) if ws else 0

        changed = await self.store.run(write)
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

        def request(tx: Tx) -> tuple[ScheduleRec, DropRec | None]:
            ws = tx.workspaces.find(who.platform, who.workspace)
            schedule = tx.schedules.get(ws.id, channel_id) if ws else None
            if ws is None or schedule is None:
                raise InvalidInput(
                    f"<#{channel_id}> has no drop schedule yet. "
                    "Set one first, e.g. drop set 09:30 Europe/Berlin"
                )
            today = now.astimezone(schedule.spec.zone).date()
            existing = tx.drops.drops_on([(ws.id, channel_id, today)])
            if existing:
                return schedule, next(iter(existing.values()))
            tx.schedules.request_now(schedule.id, now)
            return schedule, None

        schedule, existing = await self.store.run(request)
        if existing is not None:
            return Notice(f"Today's drop in <#{channel_id}> is already {existing.status}.")
        if schedule.platform not in self.publishers:
            return Notice(f"Queued: the running bot posts today's drop in <#{channel_id}> shortly.")
        report = await self.post_due()
        await self._changed()  # a running scheduler plans this drop's reveal
        key = (schedule.workspace_id, channel_id, now.astimezone(schedule.spec.zone).date())
        posted = await self.store.run(lambda tx: tx.drops.drops_on([key]), write=False)
        row = next(iter(posted.values()), None)
        if row is not None and row.status == DropStatus.POSTED:
            return Notice(f"Posted today's drop in <#{channel_id}>.")
        logger.warning("drop now in %s did not post: %s", channel_id, report)
        return Notice(f"Today's drop in <#{channel_id}> could not be posted yet; it is retried.")

    async def drop_list(self, who: PlayerRef) -> tuple[ScheduleInfo, ...]:
        """The workspace's schedules (active and paused)."""
        _require_admin(who)

        def read(tx: Tx) -> list[ScheduleRec]:
            ws = tx.workspaces.find(who.platform, who.workspace)
            return tx.schedules.list(workspace_id=ws.id) if ws else []

        rows = await self.store.run(read, write=False)
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
