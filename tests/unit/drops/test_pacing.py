"""Window pacing and 429 / 5xx retries, on a manual clock (no real sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizbot.drops.pacing import Limit, Pacer, PlatformLimits, pacer_for
from quizbot.drops.publishing import PublishFailed, PublishRetryable, publish
from tests.unit.drops.fakes import ManualClock


def _clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


async def test_discord_global_pace_is_at_most_50_per_second() -> None:
    clock = _clock()
    pacer = pacer_for("discord", monotonic=clock.monotonic, sleep=clock.sleep)
    start = clock.monotonic()
    stamps = []
    for i in range(200):
        await pacer.acquire(f"c{i}")
        stamps.append(clock.monotonic() - start)
    for i in range(len(stamps) - 50):
        assert stamps[i + 50] - stamps[i] >= 1.0  # never 51 in one second
    assert stamps[-1] < 200 / 50  # yet no slower than the limit allows


async def test_a_worker_with_half_the_shards_posts_at_half_the_bots_pace() -> None:
    clock = _clock()
    pacer = pacer_for("discord", monotonic=clock.monotonic, sleep=clock.sleep, share=0.5)
    start = clock.monotonic()
    stamps = []
    for i in range(100):
        await pacer.acquire(f"c{i}")
        stamps.append(clock.monotonic() - start)
    for i in range(len(stamps) - 25):
        assert stamps[i + 25] - stamps[i] >= 1.0  # never 26 in one second
    assert stamps[-1] < 100 / 25


async def test_discord_channel_pace_is_five_per_five_seconds() -> None:
    clock = _clock()
    pacer = pacer_for("discord", monotonic=clock.monotonic, sleep=clock.sleep)
    start = clock.monotonic()
    stamps = []
    for _ in range(15):
        await pacer.acquire("one-channel")
        stamps.append(clock.monotonic() - start)
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 5.0


async def test_slack_paces_one_message_per_second_per_channel_only() -> None:
    clock = _clock()
    pacer = pacer_for("slack", monotonic=clock.monotonic, sleep=clock.sleep)
    for i in range(20):
        await pacer.acquire(f"c{i}")  # different channels: no wait
    assert clock.slept == []
    await pacer.acquire("c0")
    assert sum(clock.slept) == pytest.approx(1.0)


async def test_a_late_wake_up_is_made_up_without_exceeding_the_window() -> None:
    clock = _clock()
    pacer = Pacer(PlatformLimits(Limit(2, 1.0), None), monotonic=clock.monotonic, sleep=clock.sleep)
    await pacer.acquire("a")
    clock.advance(seconds=0.9)  # the loop was busy: the second post goes late
    await pacer.acquire("b")
    await pacer.acquire("c")  # waits only until the first leaves the window
    assert clock.monotonic() - _clock().monotonic() == pytest.approx(1.0)


async def test_retry_after_429_then_success_posts_once() -> None:
    clock = _clock()
    pacer = Pacer(PlatformLimits(Limit(50, 1), None), monotonic=clock.monotonic, sleep=clock.sleep)
    failures = [PublishRetryable(2.0), PublishRetryable(None)]
    posts: list[str] = []

    async def action() -> str:
        if failures:
            raise failures.pop(0)
        posts.append("x")
        return "ref"

    start = clock.monotonic()
    ref = await publish(action, pacer=pacer, channel_id="c", sleep=clock.sleep, what="t")
    assert (ref, posts) == ("ref", ["x"])
    assert clock.monotonic() - start >= 2.0 + 1.0  # waited retry_after, then a backoff


async def test_retries_run_out_with_publish_failed() -> None:
    clock = _clock()
    pacer = Pacer(PlatformLimits(None, None), monotonic=clock.monotonic, sleep=clock.sleep)

    async def action() -> str:
        raise PublishRetryable(None)

    with pytest.raises(PublishFailed):
        await publish(action, pacer=pacer, channel_id="c", sleep=clock.sleep, what="t")
