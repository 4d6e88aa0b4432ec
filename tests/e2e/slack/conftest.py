"""Fixtures: a fake Slack, the real app in HTTP mode, and a driver that sends signed requests."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from adapters.slack import render
from adapters.slack.app import RunningSlack, start_slack_http
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.settings import Settings
from tests.e2e.slack.bank import e2e_bank, right_text
from tests.e2e.slack.fake_slack import FakeSlack

SECRET = "e2e-signing-secret-5f1d"
BOT_TOKEN = "xoxb-e2e-bot-token"
APP_TOKEN = "xapp-e2e-app-token"
ADMIN_ID = "UADMIN"  # listed in SLACK_DROP_ADMINS; Slack itself says a plain member
OWNER_ID = "UOWNER"  # the workspace owner according to users.info
PAYLOADS = Path(__file__).parent / "payloads"


def load_payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def sign(timestamp: str, body: bytes) -> str:
    """Slack's v0 signature of `body` at `timestamp`, computed over the raw bytes."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in a block list, one per line (sections, fields, context)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [f["text"] for f in block.get("fields", [])]
        if block.get("type") == "context":
            out += [e["text"] for e in block["elements"]]
    return "\n".join(out)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def choice_button(blocks: list[dict[str, Any]], *, right: bool) -> dict[str, Any]:
    """The button of the right (or a wrong) choice of the last question card in `blocks`."""
    start = max(i for i, b in enumerate(blocks) if b.get("block_id", "").startswith("ask:"))
    card = blocks[: start + 1]
    text = block_texts(card)
    want = right_text(text)
    choices = {}
    for line in text.splitlines():
        if line.startswith("*") and "." in line[:6]:
            letter, _, rest = line.partition(".* ")
            choices[letter.strip("*").lower()] = rest
    right_id = next(cid for cid, t in choices.items() if t == want)
    pick = right_id if right else next(cid for cid in choices if cid != right_id)
    return next(b for b in buttons(card) if b["action_id"] == f"{render.CHOICE}.{pick}")


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(
        users={
            ADMIN_ID: {"id": ADMIN_ID, "is_admin": False, "is_owner": False},
            OWNER_ID: {"id": OWNER_ID, "is_admin": False, "is_owner": True},
            "U0002": {"id": "U0002", "is_admin": False, "is_owner": False},
        }
    )
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'slack.db'}",
        data_dir=tmp_path,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_app_token=SecretStr(APP_TOKEN),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake_slack.api_url,
        slack_drop_admins=ADMIN_ID,
    )


class FixedClock:
    """The engine's clock: a Wednesday noon UTC that tests move forward by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def runtime(settings: Settings, clock: FixedClock) -> AsyncIterator[Runtime]:
    """The real engine on a fresh SQLite database with the small test bank."""
    rt = await bootstrap(settings, bank=e2e_bank(), clock=clock)
    try:
        yield rt
    finally:
        await rt.aclose()


class SlackDriver:
    """Plays Slack's side: signs and posts payloads to the app, hands back response_url keys."""

    def __init__(self, url: str, fake: FakeSlack, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.fake = fake
        self.session = session
        self._keys = itertools.count(1)

    def new_key(self, prefix: str) -> str:
        return f"{prefix}-{next(self._keys)}"

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> tuple[int, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }
        async with self.session.post(self.url, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.text()

    async def post_raw(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """Post bytes with exactly these headers (nothing signed or encoded on the way)."""
        async with self.session.post(self.url, data=body, headers=headers) as resp:
            return resp.status, await resp.text()

    def command_body(self, text: str, user: str, name: str, key: str, team: str = "T0001") -> str:
        form = load_payload("slash_command.json")
        form.update(
            text=text,
            user_id=user,
            user_name=name,
            team_id=team,
            response_url=self.fake.response_url(key),
        )
        return urlencode(form)

    async def command(
        self, text: str = "", user: str = "U0001", name: str = "alice", team: str = "T0001"
    ) -> str:
        """Send `/cnnquiz <text>` from workspace `team`; return the key its reply goes to."""
        key = self.new_key("cmd")
        status, body = await self.post(
            self.command_body(text, user, name, key, team), "application/x-www-form-urlencoded"
        )
        assert (status, body) == (200, ""), "slash commands are acknowledged with an empty 200"
        return key

    def action_payload(
        self, button: dict[str, Any], user: str, name: str, key: str, team: str = "T0001"
    ) -> dict:
        payload = load_payload("block_actions.json")
        payload["user"].update(id=user, username=name, name=name, team_id=team)
        payload["team"]["id"] = team
        payload["response_url"] = self.fake.response_url(key)
        payload["actions"][0].update(action_id=button["action_id"], value=button["value"])
        return payload

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    async def click(
        self, button: dict[str, Any], user: str = "U0001", name: str = "alice", team: str = "T0001"
    ) -> str:
        """Click a button; return the response_url key its reply goes to."""
        key = self.new_key("click")
        status, body = await self.interact(self.action_payload(button, user, name, key, team))
        assert (status, body) == (200, "")
        return key

    async def event(self, payload: dict[str, Any]) -> tuple[int, str]:
        return await self.post(json.dumps(payload), "application/json")

    async def reply(self, key: str, index: int = 0) -> dict[str, Any]:
        """The message the app posted to a response_url (waits for it)."""
        hooks = await self.fake.wait_hooks(key, index + 1)
        return hooks[index].body


@pytest.fixture
async def slack_http(
    runtime: Runtime, settings: Settings, fake_slack: FakeSlack
) -> AsyncIterator[SlackDriver]:
    running: RunningSlack = await start_slack_http(runtime, settings, 0, "127.0.0.1")
    url = f"http://127.0.0.1:{running.port}/slack/events"
    try:
        async with aiohttp.ClientSession() as session:
            yield SlackDriver(url, fake_slack, session)
    finally:
        await running.aclose()
