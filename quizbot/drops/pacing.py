"""Async token buckets that pace posts per platform (global) and per channel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Monotonic = Callable[[], float]
_EPSILON = 1e-6  # float slack so a wait never shrinks below what a clock can resolve
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limit:
    """`rate` tokens per second, bursts of at most `burst`."""

    rate: float
    burst: float


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """A platform's posting limits: one global bucket (optional) and one per channel."""

    global_limit: Limit | None
    per_channel: Limit | None


# Discord: 50 requests/s per bot; 5 messages / 5 s per channel. A burst of 1 keeps every window
# within the limit (a burst of 5 at 1/s would allow 10 in some 5 s). Slack: ~1 message/s/channel.
PLATFORM_LIMITS: dict[str, PlatformLimits] = {
    "discord": PlatformLimits(Limit(rate=50.0, burst=1.0), Limit(rate=1.0, burst=1.0)),
    "slack": PlatformLimits(None, Limit(rate=1.0, burst=1.0)),
}


class TokenBucket:
    """Waits until a token is free; waiters are served in arrival order (FIFO lock)."""

    def __init__(
        self, limit: Limit, *, monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._limit = limit
        self._now = monotonic
        self._sleep = sleep
        self._tokens = limit.burst
        self._stamp = monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._now()
        self._tokens = min(self._limit.burst, self._tokens + (now - self._stamp) * self._limit.rate)
        self._stamp = now

    async def acquire(self) -> None:
        async with self._lock:
            self._refill()
            while self._tokens < 1.0 - _EPSILON:
                await self._sleep((1.0 - self._tokens) / self._limit.rate)
                self._refill()
            self._tokens = max(self._tokens - 1.0, 0.0)

    def penalize(self, seconds: float) -> None:
        """Drain the bucket so the next token is `seconds` away (after a 429's retry_after)."""
        self._refill()
        self._tokens = min(self._tokens, 1.0 - seconds * self._limit.rate)


class Pacer:
    """Paces one platform's posts: the global bucket and a bucket per channel."""

    def __init__(
        self,
        limits: PlatformLimits,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._limits = limits
        self._monotonic = monotonic
        self._sleep = sleep
        self._global = (
            TokenBucket(limits.global_limit, monotonic=monotonic, sleep=sleep)
            if limits.global_limit
            else None
        )
        self._channels: dict[str, TokenBucket] = {}

    def _channel(self, channel_id: str) -> TokenBucket | None:
        if self._limits.per_channel is None:
            return None
        bucket = self._channels.get(channel_id)
        if bucket is None:
            bucket = TokenBucket(
                self._limits.per_channel, monotonic=self._monotonic, sleep=self._sleep
            )
            self._channels[channel_id] = bucket
        return bucket

    async def acquire(self, channel_id: str) -> None:
        """Wait for the channel's turn first, then for a global token (so waits do not hoard it)."""
        channel = self._channel(channel_id)
        if channel is not None:
            await channel.acquire()
        if self._global is not None:
            await self._global.acquire()

    def backoff(self, retry_after: float, channel_id: str | None = None) -> bool:
        """A 429 said wait: hold the global bucket (or only the channel's, when scoped).

        Returns False when no bucket can hold the wait (the caller then sleeps itself).
        """
        bucket = self._channel(channel_id) if channel_id else self._global
        if bucket is None:
            return False
        bucket.penalize(retry_after)
        return True


def pacer_for(
    platform: str, *, monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
) -> Pacer:
    """The platform's pacer; unknown platforms (e.g. the console) are not paced."""
    return Pacer(
        PLATFORM_LIMITS.get(platform, PlatformLimits(None, None)), monotonic=monotonic, sleep=sleep
    )
