"""APScheduler (asyncio) wiring: one job per schedule, rebuilt from the database on every change."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from quizbot.drops.schedule import DropSpec, next_due
from quizbot.drops.service import DropService
from quizbot.storage.repos.drop_schedules import ScheduleRec

logger = logging.getLogger(__name__)

SWEEP_ID = "drops:sweep"
REVEAL_ID = "reveal:next"
JOB_PREFIX = "drop:"


class DropTrigger(BaseTrigger):
    """Fires at a schedule's local time with our DST rules (gap: at the jump; fold: first)."""

    def __init__(self, spec: DropSpec) -> None:
        self.spec = spec

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        after = previous_fire_time or now - timedelta(microseconds=1)
        found = next_due(self.spec, after)
        return found[1] if found else None

    def __str__(self) -> str:
        return f"drop[{self.spec.local_time:%H:%M} {self.spec.timezone} {self.spec.weekdays}]"


class DropRunner:
    """Runs drops on the bots' event loop; the database, not this scheduler, is the truth.

    Each schedule's job, a one-shot job at the next reveal time and a periodic sweep call
    `tick`, which reveals what is due, then posts what is due (catching up within the grace
    window). The sweep is only the catch-up: drops and reveals fire at their own times.
    Safe to run in many processes.
    """

    def __init__(
        self,
        drops: DropService,
        *,
        sweep_seconds: float = 60.0,
        scheduler: AsyncIOScheduler | None = None,
    ) -> None:
        self.drops = drops
        self.sweep_seconds = sweep_seconds
        self.scheduler = scheduler or AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self._built: tuple[object, ...] | None = None  # what the jobs were last built from
        self._platforms: frozenset[str] = frozenset()  # platforms that could post at that time
        self._reveal_fired: datetime | None = None  # the latest reveal time whose job has run
        drops.on_change(self.rebuild)

    async def tick(self) -> None:
        """Reveal, then post, whatever the database says is due now; re-plan if it changed."""
        async with self._lock:  # held throughout: aclose() waits for all of it
            try:
                await self.drops.reveal_due()
                await self.drops.post_due()
            except Exception:  # one bad sweep must not stop the next one
                logger.exception("drop sweep failed")
            try:
                # Another process (`cnnquiz drop set`, a second bot) may have changed a schedule.
                if await self._read_plan() != self._built:
                    await self.rebuild()
                else:
                    await self._plan_reveal()
            except Exception:
                logger.exception("drop re-plan failed")

    async def _reveal_tick(self, at: datetime) -> None:
        """The reveal job: a tick at a drop's reveal time (remembered, so it fires once)."""
        self._reveal_fired = max(at, self._reveal_fired or at)
        await self.tick()

    async def _plan_reveal(self) -> None:
        """Point the reveal job at the next posted drop's reveal time (none: no job).

        Only reveals still ahead of the clock, and each reveal time once: an overdue reveal
        (a post that failed, a process that was down) is the sweep's to catch up.
        """
        after = self.drops.clock()
        if self._reveal_fired is not None:
            after = max(after, self._reveal_fired)
        at = await self.drops.next_reveal(after)
        if at is None:
            if self.scheduler.get_job(REVEAL_ID) is not None:
                self.scheduler.remove_job(REVEAL_ID)
            return
        self.scheduler.add_job(
            self._reveal_tick,
            DateTrigger(run_date=at),
            args=[at],
            id=REVEAL_ID,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,  # late (a busy loop, a slow start) beats never
            replace_existing=True,
        )

    async def start(self) -> None:
        """Build jobs from the database and start; the first sweep runs at once (catch-up)."""
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.sweep_seconds),
            id=SWEEP_ID,
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        await self.rebuild()
        if not self.scheduler.running:
            self.scheduler.start()
        logger.info("drop runner started (worker %s)", self.drops.worker_id)

    async def _schedules(self) -> list[ScheduleRec]:
        return await self.drops.schedules()

    def _plan_of(self, schedules: list[ScheduleRec]) -> tuple[object, ...]:
        """What the jobs depend on: each schedule as stored, and the platforms that can post."""
        return (tuple(schedules), frozenset(self.drops.publishers))

    async def _read_plan(self) -> tuple[object, ...]:
        return self._plan_of(await self._schedules())

    async def rebuild(self) -> None:
        """Replace every schedule job with one per active schedule read from the database."""
        schedules = await self._schedules()
        connected = frozenset(self.drops.publishers) - self._platforms
        self._platforms = frozenset(self.drops.publishers)
        self._built = self._plan_of(schedules)
        if connected and self.scheduler.get_job(SWEEP_ID) is not None:
            # A platform just connected: post what waited for it now, not at the next sweep.
            self.scheduler.modify_job(SWEEP_ID, next_run_time=datetime.now(UTC))
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                job.remove()
        for sch in schedules:
            if not sch.active or sch.platform not in self.drops.publishers:
                continue
            self.scheduler.add_job(
                self.tick,
                DropTrigger(sch.spec),
                id=f"{JOB_PREFIX}{sch.id}",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.drops.grace.total_seconds()),
                replace_existing=True,
            )
        await self._plan_reveal()
        logger.info("drop jobs rebuilt: %d schedules", len(schedules))

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def aclose(self, grace_s: float = 5.0) -> None:
        """Stop starting work, let a sweep in flight finish (up to `grace_s`), then stop.

        Shutting the scheduler down at once would cancel a sweep mid-transaction while the
        caller closes the database under it.
        """
        if self.scheduler.running:
            self.scheduler.pause()
        try:
            async with asyncio.timeout(grace_s):
                async with self._lock:
                    pass
                await self.drops.wait_idle()
        except TimeoutError:
            logger.warning("drop runner: a sweep was still running after %.0f s; stopping", grace_s)
        self.stop()
