"""Async pacing per platform (global) and per channel: at most `count` posts in any window.

A sliding-window log rather than a token bucket with a burst of one: such a bucket loses every
late wake-up of the event loop (measured ~46 posts/s against a 50/s limit), while the window
lets a late post be made up without ever exceeding `count` in any `per` seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` posts in any `per` seconds."""

    count: int
    per: float


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """A platform's posting limits: one for the whole bot (optional) and one per channel."""

    global_limit: Limit | None
    per_channel: Limit | None


# Discord: 50 requests/s per bot (2% slack for network jitter) and 5 messages / 5 s per
# channel. Slack chat.postMessage: about 1 message/s per channel.
PLATFORM_LIMITS: dict[str, PlatformLimits] = {
    "discord": PlatformLimits(Limit(50, 1.02), Limit(5, 5.0)),
    "slack": PlatformLimits(None, Limit(1, 1.0)),
}


class SharedLimiter(Protocol):
    """The same limits kept for every worker together (see `quizbot.drops.shared_pacing`)."""

    async def acquire(self, channel_id: str) -> None: ...


class WindowLimiter:
    """Waits until a post keeps the window within its limit; waiters go in arrival order."""

    def __init__(
        self, limit: Limit, *, monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._limit = limit
        self._now = monotonic
        self._sleep = sleep
        self._sent: deque[float] = deque(maxlen=limit.count)
        self._hold_until = float("-inf")
        self._lock = asyncio.Lock()

    def _wait(self) -> float:
        now = self._now()
        wait = self._hold_until - now
        if len(self._sent) == self._limit.count:
            wait = max(wait, self._sent[0] + self._limit.per - now)
        return wait

    async def acquire(self) -> None:
        async with self._lock:
            while (wait := self._wait()) > 0:
                await self._sleep(wait)
            self._sent.append(self._now())

    def hold(self, seconds: float) -> None:
        """Let nothing through for `seconds` (a 429's retry_after)."""
        self._hold_until = max(self._hold_until, self._now() + seconds)


class Pacer:
    """Paces one platform's posts: the global window and one window per channel, in this
    process and, with `shared`, across every worker."""

    def __init__(
        self,
        limits: PlatformLimits,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        shared: SharedLimiter | None = None,
    ) -> None:
        self._limits = limits
        self._shared = shared
        self._monotonic = monotonic
        self._sleep = sleep
        self._global = self._make(limits.global_limit)
        self._channels: dict[str, WindowLimiter | None] = {}

    def _make(self, limit: Limit | None) -> WindowLimiter | None:
        if limit is None:
            return None
        return WindowLimiter(limit, monotonic=self._monotonic, sleep=self._sleep)

    def _channel(self, channel_id: str) -> WindowLimiter | None:
        if channel_id not in self._channels:
            self._channels[channel_id] = self._make(self._limits.per_channel)
        return self._channels[channel_id]

    async def acquire(self, channel_id: str) -> None:
        """Wait for the channel's turn first, then the global one (so waits do not hoard it).

        The workers' shared window comes first: its database round trip must not sit between
        this process's windows (which note the moment they let a post through) and the post.
        """
        if self._shared is not None:
            await self._shared.acquire(channel_id)
        channel = self._channel(channel_id)
        if channel is not None:
            await channel.acquire()
        if self._global is not None:
            await self._global.acquire()

    def backoff(self, retry_after: float, channel_id: str | None = None) -> bool:
        """A 429 said wait: hold the global window (or only the channel's, when scoped).

        Returns False when no limiter can hold the wait (the caller then sleeps itself).
        """
        limiter = self._channel(channel_id) if channel_id else self._global
        if limiter is None:
            return False
        limiter.hold(retry_after)
        return True


def limits_for(platform: str) -> PlatformLimits:
    """The platform's limits; unknown platforms (e.g. the console) are not paced."""
    return PLATFORM_LIMITS.get(platform, PlatformLimits(None, None))


def pacer_for(
    platform: str,
    *,
    monotonic: Monotonic = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    shared: SharedLimiter | None = None,
    share: float = 1.0,
) -> Pacer:
    """The platform's pacer; unknown platforms (e.g. the console) are not paced.

    `shared`: also within the limits kept in the database for all workers together. Without
    it, `share` is this process's part of the bot-wide limit (a worker running half the
    shards of a bot posts at half its requests per second; the other worker uses the rest).
    """
    limits = limits_for(platform)
    if shared is None and share < 1.0 and limits.global_limit is not None:
        whole = limits.global_limit
        part = Limit(max(1, int(whole.count * share)), whole.per)
        limits = PlatformLimits(part, limits.per_channel)
    return Pacer(limits, monotonic=monotonic, sleep=sleep, shared=shared)
