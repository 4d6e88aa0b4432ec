"""SlackPublisher: posts scheduled drops to a channel and threads the reveal under them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.oauth import SlackClients
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import DropReveal, QuestionCard

logger = logging.getLogger(__name__)

DROP_EVENT = "cnnquiz_drop"
REVEAL_EVENT = "cnnquiz_reveal"
HISTORY_LIMIT = 100  # a takeover looks this far back for a card a dead worker posted


def _metadata(event: str, key: str) -> dict[str, Any]:
    """Message metadata naming what a message posts, so a takeover can find it."""
    return {"event_type": event, "event_payload": {"key": key}}


def _find(messages: list[dict[str, Any]], event: str, key: str) -> str | None:
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event and payload.get("key") == key:
            return str(message["ts"])
    return None


class SlackPublisher:
    """The engine's DropPublisher for Slack: a channel message with buttons, reveal in thread."""

    platform = "slack"

    def __init__(self, clients: SlackClients | AsyncWebClient) -> None:
        if not isinstance(clients, SlackClients):  # one workspace, one token
            clients = SlackClients(clients, None)
        self._clients = clients

    def owns(self, workspace: str) -> bool:
        """Every Slack process may post anywhere (no shards): the claim decides who does."""
        return True

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        """Post the drop card; the returned message ts threads the reveal.

        A takeover (`resume`) first looks for the card in the channel's recent history by its
        metadata: a worker that died after posting it must not get it posted twice.
        """
        client = await self._clients.for_workspace(channel.workspace)
        if resume:
            history = await _call(
                lambda: client.conversations_history(
                    channel=channel.channel_id, limit=HISTORY_LIMIT, include_all_metadata=True
                )
            )
            found = _find(history.get("messages") or [], DROP_EVENT, card.ask_id)
            if found is not None:
                logger.info("slack drop %s was posted already (ts %s)", card.ask_id, found)
                return found
        response = await _call(
            lambda: client.chat_postMessage(
                channel=channel.channel_id,
                blocks=render.card_blocks(card),
                text=render.card_text(card),
                metadata=_metadata(DROP_EVENT, card.ask_id),
            )
        )
        ts = str(response["ts"])
        logger.info("slack drop %s posted to %s (ts %s)", card.ask_id, channel.channel_id, ts)
        return ts

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        """Reply in the drop's thread with the answer and how the channel did (once)."""
        client = await self._clients.for_workspace(channel.workspace)
        if resume and message_ref:
            thread = await _call(
                lambda: client.conversations_replies(
                    channel=channel.channel_id,
                    ts=message_ref,
                    limit=HISTORY_LIMIT,
                    include_all_metadata=True,
                )
            )
            if _find(thread.get("messages") or [], REVEAL_EVENT, reveal.drop_id) is not None:
                logger.info("slack reveal of drop %s was posted already", reveal.drop_id)
                return
        await _call(
            lambda: client.chat_postMessage(
                channel=channel.channel_id,
                thread_ts=message_ref,
                blocks=render.reveal_blocks(reveal),
                text=f"Answer: {reveal.answer}",
                metadata=_metadata(REVEAL_EVENT, reveal.drop_id),
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
