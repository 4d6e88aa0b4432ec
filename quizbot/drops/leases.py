"""Leases: a live worker keeps renewing its claims, so only a dead worker's drops go stale."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Iterator

from quizbot.drops.pacing import Sleep
from quizbot.services.deps import Clock
from quizbot.storage.uow import Store

logger = logging.getLogger(__name__)


class Leases:
    """Renews the lease (`claimed_at`) of every drop this worker holds, every `every` seconds.

    A claim (posting) or a reveal in flight is held from the moment it is won until its post
    is recorded; a worker that dies stops renewing, and its drops are taken over once their
    lease is older than the stale limit.
    """

    def __init__(
        self, store: Store, worker_id: str, clock: Clock, every: float, sleep: Sleep
    ) -> None:
        self._store = store
        self._worker = worker_id
        self._clock = clock
        self._every = every
        self._sleep = sleep
        self._held: Counter[str] = Counter()
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def hold(self, drop_id: str) -> Iterator[None]:
        """Keep `drop_id`'s lease alive for the duration of the block."""
        self._held[drop_id] += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._renew_loop())
        try:
            yield
        finally:
            self._held[drop_id] -= 1
            if self._held[drop_id] <= 0:
                del self._held[drop_id]

    async def _renew_loop(self) -> None:
        try:
            while self._held:
                await self._sleep(self._every)
                if self._held:
                    await self._renew(sorted(self._held))
        finally:
            self._task = None

    async def _renew(self, ids: list[str]) -> None:
        now, worker = self._clock(), self._worker
        try:
            await self._store.run(lambda tx: tx.drops.renew_leases(worker, ids, now))
        except Exception:  # the next round tries again; the stale limit is 3 rounds
            logger.warning("renewing %d drop leases failed", len(ids), exc_info=True)

    async def aclose(self) -> None:
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
