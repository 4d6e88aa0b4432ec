"""The drop worker: claim due drops in the database, post them, and reveal them, exactly once."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import ChannelRef, DropPublisher
from quizbot.asking.spec import AskSpec
from quizbot.drops import store
from quizbot.drops.cards import drop_card, drop_reveal
from quizbot.drops.choice import REPEAT_WINDOW_DAYS, average_mastery, build_drop_ask, choose_drop
from quizbot.drops.pacing import Monotonic, Pacer, Sleep, pacer_for
from quizbot.drops.publishing import PublishFailed, publish
from quizbot.drops.reveal import tally
from quizbot.drops.schedule import occurrences, reveal_time
from quizbot.drops.store import DropRec, ScheduleRec
from quizbot.drops.tables import DropStatus
from quizbot.storage.records import AskRec
from quizbot.storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LOOKBACK = timedelta(hours=24)  # how far back a sweep looks for missed drops


@dataclass
class SweepReport:
    """What one sweep did, by outcome."""

    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Due:
    schedule: ScheduleRec
    local_date: date
    due_at: datetime
    requested: bool

    @property
    def key(self) -> tuple[int, str, date]:
        return (self.schedule.workspace_id, self.schedule.channel_id, self.local_date)


class DropWorker:
    """Claims, posts and reveals drops; safe to run in several processes at once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bank: Bank,
        publishers: Mapping[str, DropPublisher],
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        grace: timedelta = timedelta(minutes=120),
        stale: timedelta = timedelta(minutes=10),
        worker_id: str | None = None,
        rng: random.Random | None = None,
        concurrency: int = 64,
    ) -> None:
        self.sessions = sessions
        self.bank = bank
        self.publishers = publishers  # kept by reference: adapters may register later
        self.clock = clock
        self.sleep = sleep
        self.monotonic = monotonic
        self.grace = grace
        self.stale = stale
        self.worker_id = worker_id or uuid.uuid4().hex[:16]
        self.rng = rng or random.Random()
        self._limit = asyncio.Semaphore(concurrency)
        self._pacers: dict[str, Pacer] = {}

    def pacer(self, platform: str) -> Pacer:
        if platform not in self._pacers:
            self._pacers[platform] = pacer_for(platform, monotonic=self.monotonic, sleep=self.sleep)
        return self._pacers[platform]

    # -- posting ---------------------------------------------------------------------------

    async def post_due(self) -> SweepReport:
        """Post every drop due now (or missed within the grace window); skip older ones."""
        now = self.clock()
        report = SweepReport()
        async with UnitOfWork(self.sessions, write=False) as uow:
            schedules = await store.list_schedules(uow.session, runnable_only=True)
            plan = self._plan(schedules, now)
            existing = await store.drops_on(uow.session, plan.keys())
        await asyncio.gather(
            *(self._guarded(d, existing.get(d.key), now, report) for d in plan.values())
        )
        return report

    def _plan(
        self, schedules: list[ScheduleRec], now: datetime
    ) -> dict[tuple[int, str, date], _Due]:
        plan: dict[tuple[int, str, date], _Due] = {}
        for sch in schedules:
            if sch.platform not in self.publishers:
                continue  # another process serves that platform
            found: list[_Due] = []
            if sch.active:
                start = max(now - LOOKBACK, sch.updated_at)
                found += [
                    _Due(sch, day, due, False)
                    for day, due in occurrences(sch.spec, start, now + timedelta(microseconds=1))
                ]
            if sch.requested_at is not None and sch.requested_at <= now:
                day = sch.requested_at.astimezone(ZoneInfo(sch.timezone)).date()
                found.append(_Due(sch, day, sch.requested_at, True))
            for due in found:
                # A date already planned keeps its earliest due time (one drop per day).
                if due.key not in plan or due.due_at < plan[due.key].due_at:
                    plan[due.key] = due
        return plan

    async def _guarded(
        self, due: _Due, row: DropRec | None, now: datetime, report: SweepReport
    ) -> None:
        async with self._limit:
            try:
                outcome, drop_id = await self._handle(due, row, now)
            except Exception:
                logger.exception("drop for %s/%s failed", due.schedule.platform, due.key)
                report.failed.append(f"{due.key}")
                return
        if outcome == "posted":
            report.posted.append(drop_id)
        elif outcome == "skipped":
            report.skipped.append(drop_id)
        elif outcome == "failed":
            report.failed.append(drop_id)

    async def _handle(self, due: _Due, row: DropRec | None, now: datetime) -> tuple[str, str]:
        sch = due.schedule
        late = now - due.due_at > self.grace
        if row is None:
            drop_id = uuid.uuid4().hex
            async with UnitOfWork(self.sessions) as uow:
                ok = await store.insert_drop(uow.session, self._new_row(drop_id, due, now, late))
                if due.requested:
                    await store.clear_request(uow.session, sch.id, due.due_at)
                await uow.commit()
            if not ok:
                return "busy", ""
            if late:
                self._log_skip(due, now)
                return "skipped", drop_id
            return await self._finish(drop_id, sch)
        if due.requested:
            async with UnitOfWork(self.sessions) as uow:
                await store.clear_request(uow.session, sch.id, due.due_at)
                await uow.commit()
        if row.status != DropStatus.CLAIMED or row.claimed_at is None:
            return "done", row.id
        if row.claimed_at > now - self.stale:
            return "busy", row.id  # another worker is on it right now
        status = DropStatus.SKIPPED if late else DropStatus.CLAIMED
        async with UnitOfWork(self.sessions) as uow:
            ok = await store.retake(uow.session, row, self.worker_id, now, status=status)
            await uow.commit()
        if not ok:
            return "busy", row.id
        if late:
            self._log_skip(due, now)
            return "skipped", row.id
        logger.info("drop %s: finishing a stale claim of %s", row.id, row.claimed_by)
        return await self._finish(row.id, sch)

    def _new_row(self, drop_id: str, due: _Due, now: datetime, late: bool) -> dict[str, object]:
        sch = due.schedule
        return {
            "id": drop_id,
            "schedule_id": sch.id,
            "workspace_id": sch.workspace_id,
            "platform": sch.platform,
            "channel_id": sch.channel_id,
            "local_date": due.local_date,
            "due_at": due.due_at,
            "status": DropStatus.SKIPPED if late else DropStatus.CLAIMED,
            "claimed_by": self.worker_id,
            "claimed_at": now,
            "reveal_at": reveal_time(sch.spec, due.due_at, sch.reveal_after_minutes),
        }

    def _log_skip(self, due: _Due, now: datetime) -> None:
        minutes = int((now - due.due_at).total_seconds() // 60)
        logger.warning(
            "drop skipped: %s channel %s for %s was due %s, %d min ago (grace %d min)",
            due.schedule.platform,
            due.schedule.channel_id,
            due.local_date.isoformat(),
            due.due_at.isoformat(),
            minutes,
            int(self.grace.total_seconds() // 60),
        )

    async def _finish(self, drop_id: str, sch: ScheduleRec) -> tuple[str, str]:
        """Create the drop's ask (once), post it, and mark it posted."""
        async with UnitOfWork(self.sessions) as uow:
            drop = await store.get_drop(uow.session, drop_id)
            assert drop is not None
            repos = uow.scoped(drop.workspace_id)
            if drop.ask_id is None:
                spec, key = await self._choose(uow.session, drop)
                ask_id = uuid.uuid4().hex
                await repos.asks.add(
                    AskRec(
                        id=ask_id,
                        workspace_id=drop.workspace_id,
                        player_id=None,
                        spec=spec,
                        concept_path=(spec.concept_id,),
                        follow_up_of=None,
                        root_ask_id=ask_id,
                        depth=0,
                        created_at=self.clock(),
                        drop_id=drop.id,
                        closes_at=drop.reveal_at,
                    )
                )
                if not await store.set_ask(uow.session, drop.id, self.worker_id, ask_id, key):
                    return "busy", drop_id
                await uow.commit()
            else:
                ask_id = drop.ask_id
                ask = await repos.asks.get(ask_id)
                assert ask is not None
                spec = ask.spec
        channel = ChannelRef(sch.platform, sch.workspace, sch.channel_id)
        publisher = self.publishers[sch.platform]
        card = drop_card(self.bank, ask_id, spec)
        try:
            ref = await publish(
                lambda: publisher.post_drop(channel, card),
                pacer=self.pacer(sch.platform),
                channel_id=sch.channel_id,
                sleep=self.sleep,
                what=f"drop {drop_id}",
            )
        except PublishFailed as exc:
            logger.error("%s; it stays claimed and is retried by a later sweep", exc)
            return "failed", drop_id
        async with UnitOfWork(self.sessions) as uow:
            ok = await store.mark_posted(uow.session, drop_id, self.worker_id, ref, self.clock())
            await uow.commit()
        if not ok:
            logger.error("drop %s was posted but its claim was taken over meanwhile", drop_id)
        logger.info(
            "drop posted: %s channel %s (%s), ask %s",
            sch.platform,
            sch.channel_id,
            drop_id,
            ask_id,
        )
        return "posted", drop_id

    async def _choose(self, session: AsyncSession, drop: DropRec) -> tuple[AskSpec, str]:
        rows = await store.workspace_mastery(session, drop.workspace_id)
        mastery = average_mastery(rows, len({r[0] for r in rows}))
        since = drop.due_at - timedelta(days=REPEAT_WINDOW_DAYS)
        recent = await store.recent_keys(session, drop.workspace_id, drop.channel_id, since)
        pick = choose_drop(
            self.bank,
            mastery=mastery,
            recent=recent,
            weekday=drop.local_date.weekday(),
            rng=self.rng,
        )
        return build_drop_ask(self.bank, pick, self.rng), pick.key

    # -- revealing -------------------------------------------------------------------------

    async def reveal_due(self) -> list[str]:
        """Close and reveal every posted drop whose reveal time has come."""
        now = self.clock()
        async with UnitOfWork(self.sessions, write=False) as uow:
            found = await store.reveal_candidates(uow.session, now, self.stale)
        todo = [d for d in found if d.platform in self.publishers]
        done = await asyncio.gather(*(self._reveal_guarded(d, now) for d in todo))
        return [d.id for d, ok in zip(todo, done, strict=True) if ok]

    async def _reveal_guarded(self, drop: DropRec, now: datetime) -> bool:
        async with self._limit:
            try:
                return await self._reveal(drop, now)
            except Exception:
                logger.exception("reveal of drop %s failed", drop.id)
                return False

    async def _reveal(self, drop: DropRec, now: datetime) -> bool:
        async with UnitOfWork(self.sessions) as uow:
            if not await store.close_drop(uow.session, drop, now):
                return False
            workspace, tz = await store.workspace_info(uow.session, drop.workspace_id)
            repos = uow.scoped(drop.workspace_id)
            assert drop.ask_id is not None
            ask = await repos.asks.get(drop.ask_id)
            assert ask is not None
            counted = tally(ask.spec, await repos.answers.for_ask(ask.id))
            for answer_id, points in counted.awards:
                await repos.scores.award(answer_id, points, now, tz)  # once per answer
            first = counted.first_correct_player
            first_name = await repos.players.name(first) if first is not None else None
            await uow.commit()
        reveal = drop_reveal(drop.id, ask.id, ask.spec, counted, first_name)
        channel = ChannelRef(drop.platform, workspace, drop.channel_id)
        publisher = self.publishers[drop.platform]
        try:
            await publish(
                lambda: publisher.post_reveal(channel, drop.message_ref or "", reveal),
                pacer=self.pacer(drop.platform),
                channel_id=drop.channel_id,
                sleep=self.sleep,
                what=f"reveal {drop.id}",
            )
        except PublishFailed as exc:
            logger.error("%s; a later sweep posts it again", exc)
            return False
        async with UnitOfWork(self.sessions) as uow:
            await store.mark_reveal_posted(uow.session, drop.id, self.clock())
            await uow.commit()
        logger.info(
            "drop revealed: %s channel %s (%s): %d answered, %d correct",
            drop.platform,
            drop.channel_id,
            drop.id,
            counted.answered,
            counted.correct,
        )
        return True
