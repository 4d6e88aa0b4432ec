"""Pacing across workers: every post takes a slot in a window kept in the database."""

from __future__ import annotations

import asyncio

from quizbot.drops.pacing import PlatformLimits, Sleep
from quizbot.services.deps import Clock
from quizbot.storage.uow import Store


class SharedWindow:
    """A platform's limits (the bot's and each channel's) for all workers on one database.

    A post waits until its slot is recorded; waits are the database's answer (when the window's
    oldest post leaves it), so workers on one host or NTP-synced hosts never exceed the limit
    together. Callers in one process go one at a time, in arrival order.
    """

    def __init__(
        self, store: Store, platform: str, limits: PlatformLimits, clock: Clock, sleep: Sleep
    ) -> None:
        self._store = store
        self._platform = platform
        self._limits = limits
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()

    async def acquire(self, channel_id: str) -> None:
        async with self._lock:
            while (wait := await self._take(channel_id)) > 0:
                await self._sleep(wait)

    async def _take(self, channel_id: str) -> float:
        platform, limits, now = self._platform, self._limits, self._clock()
        return await self._store.run(
            lambda tx: tx.drop_posts.take(platform, channel_id, limits, now)
        )
