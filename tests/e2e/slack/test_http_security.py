"""Request signatures, stale timestamps and malformed bodies: rejected, and nothing changes."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from quizbot.settings import Settings
from tests.e2e.slack.conftest import SlackDriver, block_texts, load_payload


def row_counts(settings: Settings) -> dict[str, int]:
    """Rows per table of the test's SQLite database ({} before it exists)."""
    path = Path(settings.database_url.split("///", 1)[1])
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.parametrize(
    "forgery", ["wrong_signature", "stale_timestamp", "future_timestamp", "no_signature"]
)
async def test_forged_or_replayed_requests_get_401_and_change_nothing(
    slack_http: SlackDriver, settings: Settings, forgery: str
) -> None:
    before = row_counts(settings)
    body = slack_http.command_body("resnet", "U0001", "alice", "forged")
    if forgery == "wrong_signature":
        status, _ = await slack_http.post(
            body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64
        )
    elif forgery == "stale_timestamp":  # correctly signed, but six minutes old
        stale = int(time.time()) - 6 * 60
        status, _ = await slack_http.post(
            body, "application/x-www-form-urlencoded", timestamp=stale
        )
    elif forgery == "future_timestamp":  # correctly signed, dated six minutes ahead
        ahead = int(time.time()) + 6 * 60
        status, _ = await slack_http.post(
            body, "application/x-www-form-urlencoded", timestamp=ahead
        )
    else:
        status, _ = await slack_http.post(body, "application/x-www-form-urlencoded", signature="")
    assert status == 401

    # A genuine request afterwards is served, and only its own effects are recorded.
    key = await slack_http.command("help")
    assert "sub-commands" in block_texts((await slack_http.reply(key))["blocks"])
    assert slack_http.fake.hooks_to("forged") == []
    assert all(c.method == "auth.test" for c in slack_http.fake.calls)
    assert row_counts(settings) == before


@pytest.mark.parametrize("forgery", ["wrong_signature", "stale_timestamp"])
async def test_forged_or_replayed_block_action_scores_nothing(
    slack_http: SlackDriver, settings: Settings, forgery: str
) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    before = row_counts(settings)
    button = next(b for b in card["blocks"] if b.get("type") == "actions")["elements"][0]
    payload = slack_http.action_payload(button, "U0001", "alice", "forged-click")
    body = urlencode({"payload": json.dumps(payload)})
    if forgery == "wrong_signature":
        status, _ = await slack_http.post(
            body, "application/x-www-form-urlencoded", signature="v0=" + "f" * 64
        )
    else:  # a genuine click captured and replayed six minutes later
        stale = int(time.time()) - 6 * 60
        status, _ = await slack_http.post(
            body, "application/x-www-form-urlencoded", timestamp=stale
        )
    assert status == 401
    board = await slack_http.reply(await slack_http.command("leaderboard players all"))
    assert "alice" not in block_texts(board["blocks"])
    assert slack_http.fake.hooks_to("forged-click") == []
    assert row_counts(settings) == before


MALFORMED = load_payload("malformed.json")


@pytest.mark.parametrize("case", MALFORMED, ids=[c["id"] for c in MALFORMED])
async def test_malformed_payloads_get_400_and_the_next_request_works(
    slack_http: SlackDriver, settings: Settings, case: dict[str, str]
) -> None:
    before = row_counts(settings)
    status, _ = await slack_http.post(case["body"], case["content_type"])
    assert status == 400
    assert slack_http.fake.calls == []
    assert row_counts(settings) == before

    reply = await slack_http.reply(await slack_http.command("resnet"))
    assert "Question q-resnet?" in block_texts(reply["blocks"])


async def test_url_verification_for_the_manifest_request_url(slack_http: SlackDriver) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    status, body = await slack_http.event(
        {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
    )
    assert status == 200
    assert json.loads(body) == {"challenge": challenge}
