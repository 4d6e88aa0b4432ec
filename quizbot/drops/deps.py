"""What the drop poster and revealer share: database, bank, publishers, clock, pacing, limits."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from quizbot.api import DropPublisher
from quizbot.drops.pacing import Monotonic, Pacer, Sleep, pacer_for
from quizbot.services.deps import Clock
from quizbot.storage.uow import UnitOfWork

__all__ = ["Clock", "DropDeps"]


@dataclass
class DropDeps:
    """Shared plumbing; `publishers` is kept by reference (adapters may register later)."""

    sessions: async_sessionmaker[AsyncSession]
    bank: Bank
    publishers: Mapping[str, DropPublisher]
    clock: Clock
    sleep: Sleep
    monotonic: Monotonic
    grace: timedelta
    stale: timedelta
    worker_id: str
    rng: random.Random
    concurrency: int = 64
    write_concurrency: int = 8
    _pacers: dict[str, Pacer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tasks = asyncio.Semaphore(self.concurrency)
        # SQLite has one writer at a time: queue writers here rather than in busy_timeout.
        bind = self.sessions.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._writers = asyncio.Semaphore(1 if sqlite else self.write_concurrency)

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[UnitOfWork]:
        """A write unit of work (rolled back unless committed)."""
        async with self._writers, UnitOfWork(self.sessions) as uow:
            yield uow

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, write=False)

    def pacer(self, platform: str) -> Pacer:
        if platform not in self._pacers:
            self._pacers[platform] = pacer_for(platform, monotonic=self.monotonic, sleep=self.sleep)
        return self._pacers[platform]
