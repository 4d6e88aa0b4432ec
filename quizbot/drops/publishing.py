"""Posting through an adapter's DropPublisher with pacing and bounded retries of 429 / 5xx."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from quizbot.drops.pacing import Pacer, Sleep

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ATTEMPTS = 6
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


class PublishRetryable(Exception):
    """An adapter's post failed in a way worth retrying (HTTP 429 or 5xx, a timeout).

    `retry_after` is the platform's requested wait in seconds when it gave one.
    `global_limit` is True when the 429 concerns the whole bot, not just one channel.
    """

    def __init__(self, retry_after: float | None = None, *, global_limit: bool = True) -> None:
        super().__init__(f"retryable publish failure (retry_after={retry_after})")
        self.retry_after = retry_after
        self.global_limit = global_limit


class PublishFailed(Exception):
    """Retries ran out; the drop stays claimed and a later run picks it up again."""


async def publish(
    action: Callable[[], Awaitable[T]],
    *,
    pacer: Pacer,
    channel_id: str,
    sleep: Sleep,
    what: str,
    max_attempts: int = MAX_ATTEMPTS,
) -> T:
    """Run `action` after pacing; on PublishRetryable wait (retry_after or backoff) and retry."""
    for attempt in range(1, max_attempts + 1):
        await pacer.acquire(channel_id)
        try:
            return await action()
        except PublishRetryable as exc:
            if attempt == max_attempts:
                raise PublishFailed(f"{what}: gave up after {attempt} attempts") from exc
            delay = exc.retry_after
            if delay is None:
                delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
            logger.info("%s: retryable failure, attempt %d, waiting %.2fs", what, attempt, delay)
            # A bucket that holds the wait also holds back every other post sharing the limit.
            scope = None if exc.global_limit else channel_id
            if exc.retry_after is None or not pacer.backoff(delay, scope):
                await sleep(delay)
    raise AssertionError("unreachable")
