"""Slack payloads read safely: sanity checks on a signed body, and who and where it came from."""

from __future__ import annotations

import json
from typing import Any

from quizbot.errors import QuizError
from quizbot.replies import PlayerRef

PLATFORM = "slack"
Payload = dict[str, Any]


def payload_problem(body: Any) -> str | None:
    """Why a (signature-checked) HTTP payload cannot be handled, or None if it looks sound."""
    if not isinstance(body, dict):
        return "payload is not an object"
    if "ssl_check" in body or body.get("type") == "url_verification":
        return None
    if "command" in body:
        keys = ("user_id", "team_id", "channel_id", "response_url")
        if not all(isinstance(body.get(k), str) and body[k] for k in keys):
            return "slash command without user_id, team_id, channel_id or response_url"
        return None
    kind = body.get("type")
    if not isinstance(kind, str) or not kind:
        return "payload without a type or command"
    if kind in ("block_actions", "view_submission"):
        user, team = body.get("user"), body.get("team")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return f"{kind} without user.id"
        if not isinstance(team, dict) or not isinstance(team.get("id"), str):
            return f"{kind} without team.id"
        if kind == "block_actions":
            actions = body.get("actions")
            if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
                return "block_actions without actions"
            if not isinstance(actions[0].get("action_id"), str):
                return "block_actions without action_id"
        else:
            view = body.get("view")
            if not isinstance(view, dict) or not all(
                isinstance(view.get(k), str) for k in ("type", "callback_id")
            ):
                return "view_submission without a view type and callback_id"
        return None
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event_callback without event.type"
        return None
    return None  # anything else is Bolt's to accept or ignore (404 when unhandled)


def decode(value: Any) -> dict[str, Any]:
    """A button value written by render.action_value; QuizError if it is not one."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("ask"), str):
        raise QuizError("This button is no longer valid. Try `/cnnquiz` for a new question.")
    return data


def _display_name(user: dict[str, Any]) -> str:
    return str(user.get("username") or user.get("name") or "")


def player_from_command(body: Payload) -> PlayerRef:
    return PlayerRef(PLATFORM, body["team_id"], body["user_id"], body.get("user_name", ""))


def player_from_interaction(body: Payload) -> PlayerRef:
    user = body["user"]
    return PlayerRef(PLATFORM, body["team"]["id"], user["id"], _display_name(user))


def channel_of(body: Payload) -> str | None:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return channel.get("id") or container.get("channel_id")
