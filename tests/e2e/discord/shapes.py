"""Payload shapes the fake Discord answers with (users, application, guild, messages)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 800000000000000001
CHANNEL_ID = 700000000000000001

BOT_USER = {
    "id": str(BOT_ID),
    "username": "cnnquiz",
    "discriminator": "0",
    "global_name": "CNN quiz",
    "avatar": None,
    "bot": True,
    "public_flags": 0,
    "flags": 0,
}


def command_payload(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(hash(data["name"]) & 0xFFFFFFFF),
        "application_id": str(APP_ID),
        "version": "1",
        "default_member_permissions": None,
        "dm_permission": True,
        "nsfw": False,
        **data,
    }


def app_info() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "cnnquiz",
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": BOT_USER,
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
        "bot": BOT_USER,
    }


def guild_payload(guild_id: int = GUILD_ID, channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": "Deep Learning Club",
        "icon": None,
        "owner_id": "100",
        "unavailable": False,
        "member_count": 3,
        "large": False,
        "features": [],
        "roles": [],
        "emojis": [],
        "stickers": [],
        "members": [],
        "channels": [
            {
                "id": str(channel_id),
                "type": 0,
                "name": "general",
                "position": 0,
                "guild_id": str(guild_id),
                "permission_overwrites": [],
            }
        ],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "premium_tier": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "preferred_locale": "en-US",
        "joined_at": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    }


def message_payload(
    message_id: str, channel_id: str, body: dict[str, Any], flags: int
) -> dict[str, Any]:
    """A message as Discord returns it: what the bot sent plus the fields discord.py reads."""
    message = {
        "id": message_id,
        "channel_id": channel_id,
        "guild_id": str(GUILD_ID),
        "type": 0,
        "author": BOT_USER,
        "content": body.get("content") or "",
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "attachments": [
            {
                "id": str(i),
                "filename": a.get("filename", "file"),
                "size": 1,
                "url": "http://x/f",
                "proxy_url": "http://x/f",
            }
            for i, a in enumerate(body.get("attachments") or [])
        ],
        "message_reference": body.get("message_reference"),
        "flags": flags or body.get("flags") or 0,
        "timestamp": datetime.now(UTC).isoformat(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "webhook_id": str(APP_ID),
        "application_id": str(APP_ID),
    }
    return {k: v for k, v in message.items() if v is not None}
