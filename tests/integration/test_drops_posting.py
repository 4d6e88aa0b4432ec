"""Drops post exactly once: on time across DST, late within the grace window, after a crash."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quizbot.drops.choice import DIFFICULTY_BY_WEEKDAY
from quizbot.drops.publishing import MAX_ATTEMPTS, PublishRetryable
from quizbot.drops.service import DropService
from quizbot.drops.tables import DropStatus
from quizbot.storage.models import Ask
from tests.unit.drops.fakes import (
    ADMIN,
    DropEnv,
    FakePublisher,
    drop_env,
    drop_rows,
    rate_limited,
)

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


async def _ask_count(env: DropEnv) -> int:
    async with env.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Ask))).scalar_one()


@pytest.mark.parametrize(
    "first_day",
    [date(2026, 3, 28), date(2026, 10, 24)],  # spring forward 29 Mar, fall back 25 Oct
)
async def test_nine_am_berlin_posts_once_per_day_across_dst(
    migrated_database_url: str, first_day: date
) -> None:
    start = datetime.combine(first_day, time(0, 0), BERLIN).astimezone(UTC)
    async with drop_env(migrated_database_url, start) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", "daily")
        # Sweep every 30 minutes for three days, as a running bot would.
        for _ in range(3 * 48):
            await env.service.post_due()
            env.clock.advance(minutes=30)
        rows = await drop_rows(env)
    days = [first_day + timedelta(days=i) for i in range(3)]
    assert [r.local_date for r in rows] == days
    assert [r.due_at for r in rows] == [berlin(d, 9) for d in days]
    assert all(r.status == DropStatus.POSTED for r in rows)
    assert all(r.posted_at - r.due_at < timedelta(minutes=30) for r in rows)
    assert len(env.publisher.drops) == 3


async def test_bot_back_at_0920_posts_the_missed_drop_once(migrated_database_url: str) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday - timedelta(days=1), 12)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 20)  # the bot was down from Sunday until now
        await env.service.post_due()
        await env.service.post_due()
        env.clock.advance(minutes=5)
        await env.service.post_due()
        rows = await drop_rows(env)
    assert [(r.local_date, r.status) for r in rows] == [(monday, DropStatus.POSTED)]
    assert len(env.publisher.drops) == 1
    channel, card = env.publisher.drops[0]
    assert (channel.workspace, channel.channel_id, card.is_drop) == ("guild-1", "general", True)


async def test_bot_back_at_1300_skips_the_drop_with_a_log_line(
    migrated_database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday - timedelta(days=1), 12)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 13, 0)
        with caplog.at_level(logging.WARNING, logger="quizbot.drops"):
            await env.service.post_due()
            await env.service.post_due()
        rows = await drop_rows(env)
    assert [(r.local_date, r.status) for r in rows] == [(monday, DropStatus.SKIPPED)]
    assert env.publisher.drops == []
    skips = [r for r in caplog.records if "drop skipped" in r.getMessage()]
    assert len(skips) == 1 and "general" in skips[0].getMessage()


async def test_crash_between_claim_and_post_is_finished_by_the_next_run(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        env.publisher.failures = [RuntimeError("process killed mid-post")]
        await env.service.post_due()
        claimed = await drop_rows(env)
        # A second worker right away sees a live claim and leaves it alone.
        env.clock.advance(seconds=30)
        await env.service.post_due()
        assert env.publisher.drops == []
        # Once the claim's lease is a minute old, the next run takes it over and finishes it.
        env.clock.advance(seconds=31)
        await env.service.post_due()
        await env.service.post_due()
        rows = await drop_rows(env)
        asks = await _ask_count(env)
    assert [r.status for r in claimed] == [DropStatus.POSTING]  # it may be in the channel
    assert [r.status for r in rows] == [DropStatus.POSTED]
    assert rows[0].ask_id == claimed[0].ask_id  # the same ask, not a second question
    assert asks == 1
    assert len(env.publisher.drops) == 1
    assert env.publisher.drops[0][1].ask_id == rows[0].ask_id
    assert env.publisher.resumed == 1  # told it is a takeover: it may find the card posted


async def test_429_twice_then_success_posts_once(migrated_database_url: str) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        env.publisher.failures = rate_limited(2, retry_after=1.5)
        report = await env.service.post_due()
        rows = await drop_rows(env)
    assert env.publisher.attempts == 3
    assert len(env.publisher.drops) == 1
    assert len(report.posted) == 1 and report.failed == []
    assert [r.status for r in rows] == [DropStatus.POSTED]
    assert env.clock.now >= berlin(monday, 9, 0) + timedelta(seconds=3)  # honoured retry_after


async def test_drop_now_posts_todays_drop_once(migrated_database_url: str) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 7, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        first = await env.service.drop_now(ADMIN, "general")
        second = await env.service.drop_now(ADMIN, "general")
        env.clock.now = berlin(monday, 9, 5)  # the scheduled time passes: nothing more today
        await env.service.post_due()
        rows = await drop_rows(env)
    assert "Posted" in first.text
    assert "already" in second.text
    assert len(env.publisher.drops) == 1
    assert [(r.local_date, r.status) for r in rows] == [(monday, DropStatus.POSTED)]


async def test_consecutive_drops_do_not_repeat_and_rotate_difficulty(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", "daily")
        for _ in range(10):
            env.clock.advance(hours=2)
            await env.service.post_due()
            env.clock.advance(hours=22)
        rows = await drop_rows(env)
    keys = [r.question_key for r in rows]
    assert len(rows) == 10 and len(set(keys)) == 10
    # Easy on Monday and Tuesday, hard on Friday; the bank has enough of each level.
    levels = [card.difficulty for _channel, card in env.publisher.drops]
    assert levels == [DIFFICULTY_BY_WEEKDAY[r.local_date.weekday()] for r in rows]
    assert levels[:5] == ["easy", "easy", "medium", "medium", "hard"]


async def test_drop_now_from_a_process_without_the_platform_is_posted_by_the_bot(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 7, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        cli = DropService(
            env.service.store, env.service.bank, {}, env.clock
        )  # e.g. `cnnquiz drop now`
        queued = await cli.drop_now(ADMIN, "general")
        assert env.publisher.drops == []
        env.clock.advance(minutes=1)
        await env.service.post_due()  # the running bot's next sweep
        env.clock.now = berlin(monday, 9, 5)
        await env.service.post_due()  # 09:00 comes: today's drop is out already
        rows = await drop_rows(env)
    assert "Queued" in queued.text
    assert len(env.publisher.drops) == 1
    assert [(r.due_at, r.status) for r in rows] == [(berlin(monday, 7, 0), DropStatus.POSTED)]


async def test_persistent_5xx_keeps_the_drop_held_until_a_later_sweep_posts_it_once(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        env.publisher.failures = [PublishRetryable(None) for _ in range(MAX_ATTEMPTS)]
        first = await env.service.post_due()
        after_first = await drop_rows(env)
        env.clock.advance(seconds=10)
        await env.service.post_due()  # the claim is still live (41 s old): left alone
        env.clock.advance(minutes=15)
        second = await env.service.post_due()
        await env.service.post_due()
        rows = await drop_rows(env)
    assert first.posted == [] and len(first.failed) == 1
    assert [r.status for r in after_first] == [DropStatus.POSTING]  # a 5xx may have posted it
    assert env.clock.slept[: MAX_ATTEMPTS - 1] == [1.0, 2.0, 4.0, 8.0, 16.0]  # backed off
    assert env.publisher.attempts == MAX_ATTEMPTS + 1
    assert second.posted == [rows[0].id]
    assert [r.status for r in rows] == [DropStatus.POSTED]
    assert len(env.publisher.drops) == 1


async def test_many_channels_due_at_once_are_paced_to_discords_global_limit(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        for i in range(120):
            await env.service.drop_set(ADMIN, f"c{i:03d}", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        stamps: list[datetime] = []
        post = env.publisher.post_drop

        async def timed(channel, card, resume=False):  # type: ignore[no-untyped-def]
            stamps.append(env.clock.now)
            return await post(channel, card, resume=resume)

        env.publisher.post_drop = timed  # type: ignore[method-assign]
        report = await env.service.post_due()
    assert len(report.posted) == 120 and len(env.publisher.drops) == 120
    stamps.sort()
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= timedelta(seconds=1)  # never 51 in one second
    assert stamps[-1] - stamps[0] < timedelta(seconds=3)  # yet close to 120 / 50 s


async def test_a_claim_that_queued_past_the_stale_limit_is_not_posted_twice(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        other = DropService(
            env.service.store,
            env.service.bank,
            {"discord": env.publisher},
            env.clock,
            sleep=env.clock.sleep,
            monotonic=env.clock.monotonic,
        )
        # Worker A claims the drop, but every task slot is busy (a long queue of posts).
        slots, size = env.service.deps.tasks, env.service.deps.concurrency
        for _ in range(size):
            await slots.acquire()
        sweep = asyncio.create_task(env.service.post_due())
        for _ in range(1000):
            if await drop_rows(env):
                break
            await asyncio.sleep(0.001)
        # Meanwhile the claim goes stale and worker B takes it over and posts it.
        env.clock.advance(minutes=15)
        taken = await other.post_due()
        for _ in range(size):
            slots.release()
        late = await sweep
        rows = await drop_rows(env)
    assert len(taken.posted) == 1
    assert late.posted == [] and late.failed == []
    assert len(env.publisher.drops) == 1
    assert [r.status for r in rows] == [DropStatus.POSTED]


async def test_a_live_workers_lease_is_renewed_so_its_drop_is_never_taken_over(
    database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(database_url, berlin(monday, 8, 0), lease_renew_s=0.01) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        elsewhere = FakePublisher()  # worker B's own connection to the platform
        other = DropService(env.service.store, env.service.bank, {"discord": elsewhere}, env.clock)
        # Worker A's post hangs (a slow platform) for five minutes of the clock.
        release, started = asyncio.Event(), asyncio.Event()
        post = env.publisher.post_drop

        async def slow(channel, card, resume=False):  # type: ignore[no-untyped-def]
            started.set()
            await release.wait()
            return await post(channel, card, resume=resume)

        env.publisher.post_drop = slow  # type: ignore[method-assign]
        sweep = asyncio.create_task(env.service.post_due())
        await asyncio.wait_for(started.wait(), 5)
        for _ in range(5):
            env.clock.advance(minutes=1)
            await asyncio.sleep(0.05)  # A's renewals run meanwhile
            assert (await other.post_due()).posted == []  # B sees a live lease
        release.set()
        first = await sweep
        await other.aclose()
    assert len(first.posted) == 1 and len(env.publisher.drops) == 1
    assert elsewhere.drops == []


async def test_a_claim_made_after_a_slow_history_read_is_not_taken_over_at_once(
    migrated_database_url: str,
) -> None:
    monday = date(2026, 11, 23)
    async with drop_env(migrated_database_url, berlin(monday, 8, 0)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(monday, 9, 0)
        elsewhere = FakePublisher()  # worker B's own connection to the platform
        other = DropService(env.service.store, env.service.bank, {"discord": elsewhere}, env.clock)
        poster = env.service._poster
        read = poster._inputs

        async def slow_read(channels, since):  # type: ignore[no-untyped-def]
            env.clock.advance(minutes=2)  # thousands of channels' history take a while
            return await read(channels, since)

        poster._inputs = slow_read  # type: ignore[method-assign]
        # Worker A's claim waits for a task slot (a long queue of posts) when B sweeps.
        slots, size = env.service.deps.tasks, env.service.deps.concurrency
        for _ in range(size):
            await slots.acquire()
        sweep = asyncio.create_task(env.service.post_due())
        for _ in range(1000):
            if await drop_rows(env):
                break
            await asyncio.sleep(0.001)
        taken = await other.post_due()
        for _ in range(size):
            slots.release()
        first = await sweep
        await other.aclose()
    assert taken.posted == [] and elsewhere.drops == []
    assert len(first.posted) == 1 and len(env.publisher.drops) == 1
