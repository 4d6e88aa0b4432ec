"""Fixtures: a fake Discord, the real bot connected to it, and a driver playing the users."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from pydantic import SecretStr

from adapters.discord.app import RunningDiscord, start_discord
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.settings import Settings
from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.discord.shapes import CHANNEL_ID, GUILD_ID
from tests.e2e.slack.bank import e2e_bank, right_text

TOKEN = "discord-e2e-bot-token.NOT-A-REAL-ONE"
PAYLOADS = Path(__file__).parent / "payloads"
MANAGE_GUILD = str(discord.Permissions(manage_guild=True).value)
ALICE = ("100000000000000001", "alice", "0")
BOB = ("100000000000000002", "bob", "0")
CAROL = ("100000000000000003", "carol", "0")
ADMIN = ("100000000000000009", "admin", MANAGE_GUILD)
User = tuple[str, str, str]  # id, name, permissions


def load_payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row.get("components", [])]


def embed_text(message: dict[str, Any]) -> str:
    """Every visible text of a message: content, embed titles, descriptions and fields."""
    out = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        out += [embed.get("title", ""), embed.get("description", "")]
        out += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        out.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(x for x in out if x)


def choice_button(message: dict[str, Any], *, right: bool, card: int = -1) -> dict[str, Any]:
    """The right (or a wrong) choice button of a card; `card` picks the embed (last = -1)."""
    prompt = message["embeds"][card]["description"]
    want = right_text(prompt)
    choices = [b for b in buttons(message) if b["custom_id"].startswith("cq:a:")]
    right_button = next(b for b in choices if b["label"].split(". ", 1)[1] == want)
    return right_button if right else next(b for b in choices if b is not right_button)


@dataclass(frozen=True)
class Channel:
    """A channel picked in a channel option."""

    id: str
    name: str

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": 0,
            "guild_id": str(GUILD_ID),
            "permissions": "412317240384",
            "position": 1,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }


@dataclass(frozen=True)
class Sent:
    """An interaction the driver dispatched."""

    id: str
    token: str


class DiscordDriver:
    """Plays Discord's users: dispatches INTERACTION_CREATE and reads what the bot answered."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._n = itertools.count(1)

    def _base(self, name: str, user: User) -> dict[str, Any]:
        payload = load_payload(name)
        n = next(self._n)
        payload["id"] = str(500000000000000000 + n)
        payload["token"] = f"interaction-token-{n}"
        member = payload["member"]
        member["user"].update(id=user[0], username=user[1], global_name=user[1].title())
        member["permissions"] = user[2]
        return payload

    def fresh(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A recorded payload with a new interaction id (and token, when it has one)."""
        payload = copy.deepcopy(payload)
        n = next(self._n)
        payload["id"] = str(500000000000000000 + n)
        if "token" in payload:
            payload["token"] = f"interaction-token-{n}"
        return payload

    async def send(self, payload: dict[str, Any]) -> Sent:
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return Sent(str(payload.get("id")), str(payload.get("token")))

    def command_payload(
        self, path: list[str], options: dict[str, Any] | None = None, user: User = ALICE
    ) -> dict[str, Any]:
        """A slash command; a `Channel` option value is sent as Discord resolves channels."""
        payload = self._base("slash_command.json", user)
        leaf = []
        for key, value in (options or {}).items():
            if isinstance(value, Channel):
                leaf.append({"type": 7, "name": key, "value": value.id})
                resolved = payload["data"].setdefault("resolved", {}).setdefault("channels", {})
                resolved[value.id] = value.payload()
            else:
                leaf.append({"type": 3, "name": key, "value": value})
        for depth, name in enumerate(reversed(path)):
            leaf = [{"type": 1 if depth == 0 else 2, "name": name, "options": leaf}]
        payload["data"]["options"] = leaf
        return payload

    async def command(
        self, path: list[str], options: dict[str, Any] | None = None, user: User = ALICE
    ) -> Sent:
        return await self.send(self.command_payload(path, options, user))

    async def autocomplete(self, path: list[str], option: str, typed: str) -> list[dict]:
        payload = self.command_payload(path, {option: typed})
        payload["type"] = 4
        node = payload["data"]["options"][0]
        while node.get("options") and node["options"][0]["type"] in (1, 2):
            node = node["options"][0]
        node["options"][0]["focused"] = True
        sent = await self.send(payload)
        callback = await self.fake.wait_callback(sent.id)
        assert callback["type"] == 8
        return callback["data"]["choices"]

    async def click(
        self, message: dict[str, Any], button: dict[str, Any], user: User = ALICE
    ) -> Sent:
        """Click a button of a message the bot sent (its custom id, as Discord echoes it)."""
        payload = self._base("button_click.json", user)
        payload["message"] = copy.deepcopy(message)
        payload["data"] = {"custom_id": button["custom_id"], "component_type": 2}
        return await self.send(payload)

    async def submit_modal(self, custom_id: str, value: str, user: User = ALICE) -> Sent:
        payload = self._base("modal_submit.json", user)
        payload["data"]["custom_id"] = custom_id
        payload["data"]["components"][0]["components"][0]["value"] = value
        return await self.send(payload)

    async def first_reply(self, sent: Sent) -> dict[str, Any]:
        """What the user sees first: an immediate ephemeral message, or the deferred follow-up."""
        callback = await self.fake.wait_callback(sent.id)
        if callback["type"] == 4:
            assert callback["data"]["flags"] & 64
            return dict(callback["data"])
        return await self.answer(sent)

    async def answer(self, sent: Sent) -> dict[str, Any]:
        """The bot's ephemeral answer: the follow-up after its "thinking" defer."""
        callback = await self.fake.wait_callback(sent.id)
        assert callback["type"] == 5, "the bot defers before doing engine work"
        assert callback["data"]["flags"] & 64, "and the deferred answer is ephemeral"
        replies = await self.fake.wait_replies(sent.token, 2)
        reply = replies[1]
        assert reply.get("followup") and reply["flags"] & 64
        return reply


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'discord.db'}",
        data_dir=tmp_path,
        discord_token=SecretStr(TOKEN),
    )


class FixedClock:
    """The engine's clock: a Wednesday noon UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


Starter = Callable[[], Awaitable[tuple[Runtime, RunningDiscord]]]


@pytest.fixture
async def start_bot(
    fake_discord: FakeDiscord, settings: Settings, clock: FixedClock
) -> AsyncIterator[Starter]:
    """Start (or restart) the real bot on the real engine; everything is closed at the end."""
    started: list[tuple[Runtime, RunningDiscord]] = []
    try:
        yield lambda: launch(settings, clock, started)
    finally:
        await close_all(started)


async def launch(
    settings: Settings, clock: FixedClock, started: list[tuple[Runtime, RunningDiscord]]
) -> tuple[Runtime, RunningDiscord]:
    """The real bot on the real engine with `settings`, noted in `started` for `close_all`."""
    runtime = await bootstrap(settings, bank=e2e_bank(), clock=clock)
    try:
        running = await start_discord(runtime, settings, guild_ready_timeout=0.05)
    except BaseException:
        await runtime.aclose()
        raise
    started.append((runtime, running))
    return runtime, running


async def close_all(started: list[tuple[Runtime, RunningDiscord]]) -> None:
    for runtime, running in reversed(started):
        await running.aclose()
        await runtime.aclose()


@pytest.fixture
async def bot(start_bot: Starter, fake_discord: FakeDiscord) -> DiscordDriver:
    await start_bot()
    return DiscordDriver(fake_discord)


@pytest.fixture
async def bot_on_each_backend(
    database_url: str, settings: Settings, start_bot: Starter, fake_discord: FakeDiscord
) -> DiscordDriver:
    """The bot on SQLite, and on PostgreSQL too when CNNQUIZ_TEST_DATABASE_URL is set."""
    settings.database_url = database_url
    await start_bot()
    return DiscordDriver(fake_discord)


__all__ = ["ADMIN", "ALICE", "BOB", "CAROL", "CHANNEL_ID", "DiscordDriver", "Sent"]
