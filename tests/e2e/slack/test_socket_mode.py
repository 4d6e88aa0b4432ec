"""The same app over Socket Mode: envelopes pushed on the socket are acked on the socket."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.app import start_slack_socket
from quizbot.bootstrap import Runtime
from quizbot.settings import Settings
from tests.e2e.slack.conftest import (
    APP_TOKEN,
    BOT_TOKEN,
    SECRET,
    block_texts,
    choice_button,
    load_payload,
)
from tests.e2e.slack.fake_slack import FakeSlack


async def test_socket_mode_command_click_and_home(
    runtime: Runtime, settings: Settings, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    running = await start_slack_socket(runtime, settings)
    try:
        (opened,) = await fake_slack.wait_calls("apps.connections.open")
        assert opened.token == APP_TOKEN

        command = load_payload("slash_command.json")
        command.update(text="resnet", response_url=fake_slack.response_url("sock-cmd"))
        ack = await fake_slack.push(
            {
                "envelope_id": "env-command",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": command,
            }
        )
        assert ack == {"envelope_id": "env-command"}
        (card,) = await fake_slack.wait_hooks("sock-cmd")
        assert "Question q-resnet?" in block_texts(card.body["blocks"])

        click = load_payload("block_actions.json")
        button = choice_button(card.body["blocks"], right=True)
        click["actions"][0].update(action_id=button["action_id"], value=button["value"])
        click["response_url"] = fake_slack.response_url("sock-click")
        ack = await fake_slack.push(
            {
                "envelope_id": "env-click",
                "type": "interactive",
                "accepts_response_payload": False,
                "payload": click,
            }
        )
        assert ack == {"envelope_id": "env-click"}
        (verdict,) = await fake_slack.wait_hooks("sock-click")
        assert "Correct!" in block_texts(verdict.body["blocks"])

        ack = await fake_slack.push(
            {
                "envelope_id": "env-home",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": load_payload("app_home_opened.json"),
            }
        )
        assert ack == {"envelope_id": "env-home"}
        (home,) = await fake_slack.wait_calls("views.publish")
        assert home.token == BOT_TOKEN
        assert home.args["view"]["type"] == "home"
    finally:
        await running.aclose()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert BOT_TOKEN not in logged and APP_TOKEN not in logged and SECRET not in logged
