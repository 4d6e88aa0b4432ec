"""Hostile HTTP requests (files in requests/): 400 or 401 with one log line; odd signed payloads."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import render
from tests.e2e.slack.conftest import SlackDriver, block_texts, load_payload, sign

REQUESTS = sorted((Path(__file__).parent / "requests").glob("*.json"))


def load_request(path: Path) -> tuple[dict[str, str], bytes, dict[str, Any]]:
    """Headers and raw body of a request file; `{now}` stands for the current timestamp."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    body = bytes.fromhex(spec["body_hex"]) if "body_hex" in spec else spec["body"].encode()
    now = str(int(time.time()))
    headers = {k: v.replace("{now}", now) for k, v in spec["headers"].items()}
    if spec["sign"]:
        headers["X-Slack-Request-Timestamp"] = now
        headers["X-Slack-Signature"] = sign(now, body)
    return headers, body, spec


def problems(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("path", REQUESTS, ids=[p.stem for p in REQUESTS])
async def test_hostile_request_is_refused_with_one_log_line(
    slack_http: SlackDriver, caplog: pytest.LogCaptureFixture, path: Path
) -> None:
    headers, body, spec = load_request(path)
    with caplog.at_level(logging.INFO):
        status, _ = await slack_http.post_raw(body, headers)
    assert status == spec["status"], spec["why"]
    logged = problems(caplog.records)
    assert [r.getMessage().startswith("slack request rejected") for r in logged] == [True]
    assert all(r.exc_info is None for r in caplog.records), "no traceback"
    assert slack_http.fake.calls == []

    key = await slack_http.command("help")  # the app still serves genuine requests
    assert "sub-commands" in block_texts((await slack_http.reply(key))["blocks"])


async def test_typed_answer_click_without_trigger_id_gets_a_friendly_reply(
    slack_http: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    key = slack_http.new_key("typed")
    button = {"action_id": render.TYPED, "value": render.action_value("no-such-ask")}
    payload = slack_http.action_payload(button, "U0001", "alice", key)
    del payload["trigger_id"]
    status, _ = await slack_http.interact(payload)
    assert status == 200
    reply = await slack_http.reply(key)
    assert "Type your answer* again" in block_texts(reply["blocks"])
    assert not [c for c in slack_http.fake.calls if c.method == "views.open"]
    assert all(r.exc_info is None for r in caplog.records)


async def test_app_home_with_a_string_view_and_no_team_is_ignored(
    slack_http: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    odd = load_payload("app_home_opened.json")
    odd["event"]["view"] = "not-a-view"
    del odd["team_id"]
    assert (await slack_http.event(odd))[0] == 200
    assert (await slack_http.event(load_payload("app_home_opened.json")))[0] == 200
    await slack_http.fake.wait_calls("views.publish")
    assert len(slack_http.fake.calls_to("views.publish")) == 1
    assert all(r.exc_info is None for r in caplog.records)


async def test_signed_body_with_multibyte_text_is_served(slack_http: SlackDriver) -> None:
    # The gate hashes the bytes Slack sent; a name with "ë" must not break the signature.
    form = slack_http.command_body("help", "U0001", "zoë", "utf8-key")
    status, _ = await slack_http.post(form, "application/x-www-form-urlencoded; charset=utf-8")
    assert status == 200
    assert "sub-commands" in block_texts((await slack_http.reply("utf8-key"))["blocks"])
