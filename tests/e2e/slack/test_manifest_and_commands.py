"""The shipped manifest matches what the app listens to; `/cnnquiz` text parses as documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from adapters.slack import commands as cmds
from adapters.slack.app import COMMAND, EVENTS_PATH
from adapters.slack.commands import parse_command
from adapters.slack.oauth import BOT_SCOPES, REDIRECT_PATH
from quizbot.replies import Board, Period

MANIFEST = Path(cmds.__file__).with_name("manifest.yml")


def test_manifest_declares_what_the_app_needs() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True  # channel mentions arrive as <#C…|name>
    assert command["url"].endswith(EVENTS_PATH)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    # What an install through /slack/install asks for is what the manifest declares.
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    assert redirect.startswith("https://") and redirect.endswith(REDIRECT_PATH)
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    # Switching to HTTP mode only flips socket_mode_enabled: every URL is already our route.
    urls = [
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(u.startswith("https://") and u.endswith(EVENTS_PATH) for u in urls)


def test_manifest_fits_slacks_field_limits() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    info = manifest["display_information"]
    assert 0 < len(info["name"]) <= 35
    assert len(info.get("description", "")) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])
    assert 0 < len(manifest["features"]["bot_user"]["display_name"]) <= 80
    (command,) = manifest["features"]["slash_commands"]
    assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command["command"])
    assert len(command["description"]) <= 2000 and len(command["usage_hint"]) <= 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", cmds.Command(cmds.ASK)),
        ("  batch   norm ", cmds.Command(cmds.ASK, arg="batch norm")),
        ("help", cmds.Command(cmds.HELP)),
        ("leaderboard", cmds.Command(cmds.LEADERBOARD)),
        (
            "leaderboard teams month",
            cmds.Command(cmds.LEADERBOARD, board=Board.TEAMS, period=Period.MONTH),
        ),
        ("LB all players", cmds.Command(cmds.LEADERBOARD, board=Board.PLAYERS, period=Period.ALL)),
        ("team", cmds.Command(cmds.TEAM_LIST)),
        ("team join Conv Crew", cmds.Command(cmds.TEAM_JOIN, arg="Conv Crew")),
        ("team create Gradients", cmds.Command(cmds.TEAM_CREATE, arg="Gradients")),
        ("team leave", cmds.Command(cmds.TEAM_LEAVE)),
        ("stats", cmds.Command(cmds.STATS)),
        ("path skip connection", cmds.Command(cmds.PATH, arg="skip connection")),
        (
            "drop set 09:30 Europe/Berlin <#C0777|quiz>",
            cmds.Command(cmds.DROP_SET, time="09:30", timezone="Europe/Berlin", channel_id="C0777"),
        ),
        ("drop set 7:05 UTC", cmds.Command(cmds.DROP_SET, time="7:05", timezone="UTC")),
        (
            "drop set 07:05 Asia/Tokyo days=mon,wed,fri <#C0777> reveal=next",
            cmds.Command(
                cmds.DROP_SET,
                time="07:05",
                timezone="Asia/Tokyo",
                channel_id="C0777",
                weekdays="mon,wed,fri",
                reveal="next",
            ),
        ),
        ("drop off", cmds.Command(cmds.DROP_OFF)),
        ("drop now <#C0777>", cmds.Command(cmds.DROP_NOW, channel_id="C0777")),
        ("drop list", cmds.Command(cmds.DROP_LIST)),
        ("drop admins", cmds.Command(cmds.DROP_ADMINS)),
        ("drop admins add <@U0777|max>", cmds.Command(cmds.DROP_ADMIN_ADD, arg="U0777")),
        ("drop admins REMOVE <@U0777>", cmds.Command(cmds.DROP_ADMIN_REMOVE, arg="U0777")),
    ],
)
def test_sub_commands_parse(text: str, expected: cmds.Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "leaderboard yesterday",
        "team dance",
        "team join",
        "path",
        "drop",
        "drop set 09:30",
        "drop set 09:30 UTC #general",  # a plain "#general" is not a linked channel
        "drop explode",
        "drop admins add max",  # a plain name is not a mention
        "drop admins add <@U1> <@U2>",
        "drop admins promote <@U1>",
    ],
)
def test_malformed_sub_commands_fall_back_to_help_with_a_reason(text: str) -> None:
    command = parse_command(text)
    assert command.action == cmds.HELP
    assert command.problem
