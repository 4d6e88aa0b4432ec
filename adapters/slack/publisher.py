"""SlackPublisher: posts scheduled drops to a channel and threads the reveal under them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import DropReveal, QuestionCard

logger = logging.getLogger(__name__)


class SlackPublisher:
    """The engine's DropPublisher for Slack: a channel message with buttons, reveal in thread."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post_drop(self, channel: ChannelRef, card: QuestionCard) -> str:
        """Post the drop card; the returned message ts threads the reveal."""
        response = await _call(
            lambda: self._client.chat_postMessage(
                channel=channel.channel_id,
                blocks=render.card_blocks(card),
                text=render.card_text(card),
            )
        )
        ts = str(response["ts"])
        logger.info("slack drop %s posted to %s (ts %s)", card.ask_id, channel.channel_id, ts)
        return ts

    async def post_reveal(self, channel: ChannelRef, message_ref: str, reveal: DropReveal) -> None:
        """Reply in the drop's thread with the answer and how the channel did."""
        await _call(
            lambda: self._client.chat_postMessage(
                channel=channel.channel_id,
                thread_ts=message_ref,
                blocks=render.reveal_blocks(reveal),
                text=f"Answer: {reveal.answer}",
            )
        )
        logger.info("slack reveal of drop %s posted to %s", reveal.drop_id, channel.channel_id)


async def _call(post: Callable[[], Awaitable[Any]]) -> Any:
    """Run a Web API call; once slack_sdk's own retries are spent, tell the scheduler to retry.

    Rate limits (429) and server errors (5xx) raise PublishRetryable with Slack's Retry-After;
    other API errors (channel_not_found, not_in_channel, ...) propagate unchanged.
    """
    try:
        return await post()
    except SlackApiError as exc:
        status = exc.response.status_code
        if status == 429 or status >= 500:
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                "retry-after"
            )
            if isinstance(retry_after, list):
                retry_after = retry_after[0] if retry_after else None
            raise PublishRetryable(float(retry_after) if retry_after else None) from exc
        raise
    except (TimeoutError, ClientError) as exc:
        raise PublishRetryable(None) from exc
