"""Two workers on one database stay within Discord's 50 posts/s together, not each."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from quizbot.api import ChannelRef
from quizbot.drops.service import DropService
from quizbot.replies import QuestionCard
from quizbot.storage.uow import Tx
from tests.unit.drops.fakes import ADMIN, FakePublisher, ManualClock, drop_env

CHANNELS = 120
START = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # the day before
DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the 09:00 Berlin drops


class TimedPublisher(FakePublisher):
    """Notes the (shared, manual) clock at every post."""

    def __init__(self, clock: ManualClock, stamps: list[datetime]) -> None:
        super().__init__()
        self._clock = clock
        self._stamps = stamps

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        self._stamps.append(self._clock.now)
        return await super().post_drop(channel, card, resume=resume)


def _schedules(channels: range) -> Callable[[Tx], None]:
    """09:00 Berlin schedules set before today's drops, written as `drop set` writes them."""

    def write(tx: Tx) -> None:
        ws = tx.workspaces.get_or_create(ADMIN.platform, ADMIN.workspace, START)
        for i in channels:
            tx.schedules.upsert(
                {
                    "workspace_id": ws.id,
                    "platform": ADMIN.platform,
                    "channel_id": f"c{i:03d}",
                    "local_time": "09:00",
                    "timezone": "Europe/Berlin",
                    "weekdays": "0,1,2,3,4",
                    "reveal_after_minutes": 240,
                    "active": True,
                    "created_by": ADMIN.user_id,
                    "updated_at": START,
                }
            )

    return write


async def test_two_workers_together_post_at_most_50_per_second(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, DUE) as env:
        stamps: list[datetime] = []
        publishers = [TimedPublisher(env.clock, stamps) for _ in range(2)]
        workers = [
            DropService(
                env.service.store,
                env.service.bank,
                {"discord": publisher},
                env.clock,
                sleep=env.clock.sleep,
                monotonic=env.clock.monotonic,
                rng=random.Random(n),
                worker_id=f"worker-{n}",
                shared_pacing=True,
            )
            for n, publisher in enumerate(publishers)
        ]
        # The first worker posts 60 drops: 50 at once, 10 a second later. The second, whose
        # own pacing has seen nothing, then finds 60 more due in that same second.
        await env.service.store.run(_schedules(range(60)))
        first = await workers[0].post_due()
        await env.service.store.run(_schedules(range(60, CHANNELS)))
        second = await workers[1].post_due()
    assert len(first.posted) == len(second.posted) == 60
    assert [len(p.drops) for p in publishers] == [60, 60]
    stamps.sort()
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= timedelta(seconds=1)  # never 51 in one second
    assert stamps[-1] - stamps[0] < timedelta(seconds=3)  # yet close to 120 / 50 s
