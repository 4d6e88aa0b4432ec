"""Pictures on Slack: the mastery map, uploaded to the player's direct message with the bot.

A slash command's reply cannot carry a file, and a file shared in the channel would show
everyone the player's weak spots, so the picture goes to the DM (scopes files:write, im:write).
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.pictures import MASTERY_IMAGE, mastery_png
from quizbot.api import QuizApi
from quizbot.replies import PlayerRef

logger = logging.getLogger(__name__)
MAP_TITLE = "Your mastery map"
MAP_COMMENT = "Your mastery over the concepts you met; the weakest are outlined in red."


async def send_mastery_map(client: AsyncWebClient, api: QuizApi, who: PlayerRef) -> bool:
    """Upload the player's mastery map to their DM; False when there is none yet or it failed."""
    mastery = await api.mastery_map(who)
    if not mastery.concepts:
        return False
    png = await asyncio.to_thread(mastery_png, mastery)
    try:
        opened = await client.conversations_open(users=who.user_id)
        channel = str((opened.get("channel") or {}).get("id", ""))
        await client.files_upload_v2(
            channel=channel,
            file=png,
            filename=MASTERY_IMAGE,
            title=MAP_TITLE,
            initial_comment=MAP_COMMENT,
        )
    except SlackApiError as exc:
        logger.warning("slack mastery map upload failed: %s", exc.response.get("error"))
        return False
    logger.info("slack mastery map sent to %s", who.user_id)
    return True
