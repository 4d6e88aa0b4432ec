"""The drop worker: posts due drops and reveals closed ones, exactly once across processes."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import DropPublisher
from quizbot.drops.deps import Clock, DropDeps
from quizbot.drops.pacing import Monotonic, Sleep
from quizbot.drops.posting import DropPoster, SweepReport
from quizbot.drops.revealing import DropRevealer

__all__ = ["Clock", "DropWorker", "SweepReport"]


class DropWorker:
    """Safe to run in several processes at once: the database decides who does what.

    Args:
        sessions: the async session factory.
        bank: the question bank drops are chosen from.
        publishers: platform name -> DropPublisher (kept by reference).
        clock: aware-UTC now; tests inject a manual clock.
        sleep / monotonic: for pacing and retry waits (a manual clock in tests).
        grace: missed drops younger than this are posted late; older ones are skipped.
        stale: a claim (or an unposted reveal) older than this is taken over.
    """

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
        write_concurrency: int = 8,
    ) -> None:
        self.deps = DropDeps(
            sessions=sessions,
            bank=bank,
            publishers=publishers,
            clock=clock,
            sleep=sleep,
            monotonic=monotonic,
            grace=grace,
            stale=stale,
            worker_id=worker_id or uuid.uuid4().hex[:16],
            rng=rng or random.Random(),
            concurrency=concurrency,
            write_concurrency=write_concurrency,
        )
        self._poster = DropPoster(self.deps)
        self._revealer = DropRevealer(self.deps)

    @property
    def bank(self) -> Bank:
        return self.deps.bank

    @property
    def grace(self) -> timedelta:
        return self.deps.grace

    @property
    def worker_id(self) -> str:
        return self.deps.worker_id

    async def post_due(self) -> SweepReport:
        """Post every drop due now (or missed within the grace window); skip older ones."""
        return await self._poster.post_due()

    async def reveal_due(self) -> list[str]:
        """Close, score and reveal every posted drop whose reveal time has come."""
        return await self._revealer.reveal_due()
