"""DiscordPublisher: posts scheduled drops to a channel and the reveal as a reply to them."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord

from adapters.discord import render
from adapters.discord.ids import Mode
from adapters.discord.shards import ShardPlan
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import DropReveal, QuestionCard

logger = logging.getLogger(__name__)

T = TypeVar("T")


def post_nonce(key: str) -> int:
    """A message nonce derived from what is posted (a drop's ask, a reveal's drop).

    Sent with `enforce_nonce` (discord.py adds it to every nonce), Discord answers a repeat
    within a few minutes with the message already created instead of posting it again: a
    retry, or a worker taking over a dead one's claim, cannot post the card twice.
    """
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:7], "big")  # < 2**56


class DiscordPublisher:
    """The engine's DropPublisher for Discord: a public card with answer buttons."""

    platform = "discord"

    def __init__(self, client: discord.Client, shards: ShardPlan | None = None) -> None:
        self._client = client
        self._shards = shards or ShardPlan()

    def owns(self, workspace: str) -> bool:
        """Guilds on this process's shards (a DM space has no guild: any process)."""
        if not workspace.isdigit():
            return True
        return self._shards.owns(int(workspace), self._client.shard_count)

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        """Post the drop card; each click on it gets its own ephemeral verdict.

        A takeover (`resume`) posts the same way: the nonce finds a card already sent.
        """
        target = self._client.get_partial_messageable(int(channel.channel_id))
        message = await _call(
            lambda: target.send(
                embed=render.drop_embed(card),
                view=render.card_view(card, Mode.DROP),
                nonce=post_nonce(f"drop:{card.ask_id}"),
            )
        )
        logger.info("discord drop %s posted to %s", card.ask_id, channel.channel_id)
        return str(message.id)

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        """Reply to the drop message with the answer and how the channel did."""
        target = self._client.get_partial_messageable(int(channel.channel_id))
        reference = discord.MessageReference(
            message_id=int(message_ref),
            channel_id=int(channel.channel_id),
            fail_if_not_exists=False,  # the drop message may have been deleted
        )
        await _call(
            lambda: target.send(
                embed=render.reveal_embed(reveal),
                reference=reference,
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=post_nonce(f"reveal:{reveal.drop_id}"),
            )
        )
        logger.info("discord reveal of drop %s posted to %s", reveal.drop_id, channel.channel_id)


def retryable(exc: BaseException) -> PublishRetryable | None:
    """The PublishRetryable for a rate limit, a server error or a network failure, else None.

    discord.py already waits out short rate limits; `RateLimited` means the wait was longer
    than the client's `max_ratelimit_timeout`, so the drop scheduler takes it over.
    """
    if isinstance(exc, discord.RateLimited):
        return PublishRetryable(exc.retry_after)
    if isinstance(exc, discord.DiscordServerError):
        return PublishRetryable(None)
    if isinstance(exc, discord.HTTPException) and exc.status == 429:
        header = exc.response.headers.get("Retry-After") if exc.response is not None else None
        scope = exc.response.headers.get("X-RateLimit-Scope") if exc.response is not None else None
        return PublishRetryable(float(header) if header else None, global_limit=scope == "global")
    if isinstance(exc, discord.HTTPException) and exc.status >= 500:
        return PublishRetryable(None)
    if isinstance(exc, (aiohttp.ClientError, TimeoutError)):
        return PublishRetryable(None)
    return None


async def _call(post: Callable[[], Awaitable[T]]) -> T:
    """Run a post; retryable failures become PublishRetryable, others (403, 404) propagate."""
    try:
        return await post()
    except Exception as exc:
        again = retryable(exc)
        if again is None:
            raise
        raise again from exc
