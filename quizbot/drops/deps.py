"""What the drop poster and revealer share: store, bank, publishers, clock, pacing, limits."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from knowledge.bank import Bank
from quizbot.api import DropPublisher
from quizbot.drops.leases import Leases
from quizbot.drops.pacing import Monotonic, Pacer, Sleep, limits_for, pacer_for
from quizbot.drops.shared_pacing import SharedWindow
from quizbot.services.deps import Clock
from quizbot.storage.uow import Store

__all__ = ["Clock", "DropDeps"]


@dataclass
class DropDeps:
    """Shared plumbing; `publishers` is kept by reference (adapters may register later)."""

    store: Store
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
    lease_renew_s: float = 20.0  # a third of the default stale limit
    shared_pacing: bool = True  # limits kept in the database for all workers together
    _pacers: dict[str, Pacer] = field(default_factory=dict)
    _shares: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tasks = asyncio.Semaphore(self.concurrency)
        # Real time, not `sleep`: a test's manual sleep would spin the renewals.
        self.leases = Leases(
            self.store, self.worker_id, self.clock, self.lease_renew_s, asyncio.sleep
        )

    def pacer(self, platform: str) -> Pacer:
        if platform not in self._pacers:
            limits = limits_for(platform)
            paced = limits.global_limit is not None or limits.per_channel is not None
            shared = (
                SharedWindow(self.store, platform, limits, self.clock, self.sleep)
                if self.shared_pacing and paced
                else None
            )
            self._pacers[platform] = pacer_for(
                platform,
                monotonic=self.monotonic,
                sleep=self.sleep,
                shared=shared,
                share=self._shares.get(platform, 1.0),
            )
        return self._pacers[platform]

    def set_share(self, platform: str, share: float) -> None:
        """Pace `platform` at `share` of its bot-wide limit from now on."""
        self._shares[platform] = share
        self._pacers.pop(platform, None)
