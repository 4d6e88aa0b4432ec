"""Every listener acknowledges first: Slack's 3-second ack arrives while the engine still works."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from quizbot.bootstrap import Runtime
from tests.e2e.slack.conftest import SlackDriver, block_texts, choice_button, load_payload
from tests.e2e.slack.fake_slack import TIMEOUT

Send = Callable[[SlackDriver, str], Awaitable[tuple[int, str]]]


def hold(monkeypatch: pytest.MonkeyPatch, runtime: Runtime, method: str) -> asyncio.Event:
    """Make the engine's `method` wait for the returned gate (a slow database, say)."""
    gate = asyncio.Event()
    original = getattr(runtime.service, method)

    async def held(*args: Any, **kwargs: Any) -> Any:
        await gate.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(runtime.service, method, held)
    return gate


async def _command(driver: SlackDriver, key: str) -> tuple[int, str]:
    body = driver.command_body("resnet", "U0001", "alice", key)
    return await driver.post(body, "application/x-www-form-urlencoded")


async def _view_submission(driver: SlackDriver, key: str) -> tuple[int, str]:
    submission = load_payload("view_submission.json")
    meta = {"ask": "no-such-ask", "url": driver.fake.response_url(key), "ch": "C0001"}
    submission["view"]["private_metadata"] = json.dumps(meta)
    submission["view"]["state"]["values"]["answer"]["value"]["value"] = "7"
    return await driver.interact(submission)


@pytest.mark.parametrize(
    ("method", "send", "expect"),
    [
        ("ask", _command, "*Question*"),
        ("answer", _view_submission, "can't find that question"),
    ],
    ids=["slash_command", "view_submission"],
)
async def test_ack_goes_out_before_the_engine_answers(
    slack_http: SlackDriver,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    send: Send,
    expect: str,
) -> None:
    gate = hold(monkeypatch, runtime, method)
    key = slack_http.new_key("held")
    # If the app worked before acknowledging, this would wait on the gate and time out.
    status, body = await asyncio.wait_for(send(slack_http, key), TIMEOUT)
    assert (status, body) == (200, "")
    assert slack_http.fake.hooks_to(key) == []  # the engine has not answered yet
    gate.set()
    reply = await slack_http.reply(key)
    assert expect in block_texts(reply["blocks"])


async def test_button_click_is_acked_before_it_is_graded(
    slack_http: SlackDriver, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    gate = hold(monkeypatch, runtime, "answer")
    key = slack_http.new_key("held-click")
    payload = slack_http.action_payload(
        choice_button(card["blocks"], right=True), "U0001", "a", key
    )
    status, body = await asyncio.wait_for(slack_http.interact(payload), TIMEOUT)
    assert (status, body) == (200, "")
    assert slack_http.fake.hooks_to(key) == []
    gate.set()
    assert "Correct!" in block_texts((await slack_http.reply(key))["blocks"])


async def test_app_home_event_is_acked_before_the_view_is_built(
    slack_http: SlackDriver, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = hold(monkeypatch, runtime, "stats")
    status, _ = await asyncio.wait_for(
        slack_http.event(load_payload("app_home_opened.json")), TIMEOUT
    )
    assert status == 200
    assert slack_http.fake.calls_to("views.publish") == []
    gate.set()
    (published,) = await slack_http.fake.wait_calls("views.publish")
    assert published.args["view"]["type"] == "home"
