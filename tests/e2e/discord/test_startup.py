"""Start-up and shutdown: login, intents, command sync, publisher registration, secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import discord
import pytest

import quizbot.bootstrap
from adapters.cli import run_cmd
from adapters.discord.app import (
    INVITE_PERMISSIONS,
    DiscordConfigError,
    invite_url,
    run_discord,
    start_discord,
)
from quizbot.api import DropPublisher
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.settings import Settings
from tests.e2e.discord.conftest import ADMIN, TOKEN, DiscordDriver, FixedClock, Starter
from tests.e2e.discord.fake_discord import TIMEOUT, FakeDiscord
from tests.e2e.discord.shapes import APP_ID, CHANNEL_ID, GUILD_ID
from tests.e2e.slack.bank import e2e_bank

T = TypeVar("T")
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


def test_the_fake_discord_matches_the_pinned_discord_py() -> None:
    """The fake answers what discord.py 2.7.1 reads; another version needs the fake re-checked."""
    pyproject = (Path(__file__).parents[3] / "pyproject.toml").read_text()
    assert '"discord.py==2.7.1"' in pyproject
    assert discord.__version__ == "2.7.1"


async def test_identifies_without_privileged_intents(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    await start_bot()
    (identify,) = fake_discord.identifies
    assert identify["token"] == TOKEN
    assert identify["intents"] & PRIVILEGED == 0


async def test_commands_are_synced_globally_by_default(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    await start_bot()
    (sync,) = fake_discord.calls_to("PUT", "/applications/")
    assert sync.path == f"/applications/{APP_ID}/commands"
    (group,) = sync.body
    assert group["name"] == "cnnquiz"
    subcommands = {o["name"]: o for o in group["options"]}
    assert set(subcommands) == {
        "ask",
        "review",
        "flag",
        "flags",
        "leaderboard",
        "stats",
        "path",
        "help",
        "team",
        "drop",
    }
    drop_set = next(o for o in subcommands["drop"]["options"] if o["name"] == "set")
    channel = next(o for o in drop_set["options"] if o["name"] == "channel")
    assert channel["type"] == 7 and not channel["required"] and 0 in channel["channel_types"]
    topic = subcommands["ask"]["options"][0]
    assert topic["autocomplete"] is True


async def test_commands_go_to_development_guilds_when_configured(
    start_bot: Starter, fake_discord: FakeDiscord, settings: Settings
) -> None:
    settings.discord_guild_ids = f"{GUILD_ID}"
    await start_bot()
    (sync,) = fake_discord.calls_to("PUT", "/applications/")
    assert sync.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert [c["name"] for c in sync.body] == ["cnnquiz"]


async def test_token_never_reaches_the_logs(
    start_bot: Starter, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await start_bot()
    bot = DiscordDriver(fake_discord)
    await bot.answer(await bot.command(["stats"]))
    assert "discord: connected as" in caplog.text
    assert TOKEN not in caplog.text


async def test_run_discord_registers_the_publisher_and_closes_on_cancel(
    fake_discord: FakeDiscord, settings: Settings, clock: FixedClock
) -> None:
    async with await bootstrap(settings, bank=e2e_bank(), clock=clock) as runtime:
        drops = runtime.drops
        assert drops is not None
        registered = asyncio.Event()
        add_publisher = drops.add_publisher

        def spy(publisher: DropPublisher) -> None:
            add_publisher(publisher)
            registered.set()

        drops.add_publisher = spy  # type: ignore[method-assign]
        task = asyncio.create_task(run_discord(runtime, settings, guild_ready_timeout=0.05))
        await asyncio.wait_for(registered.wait(), 10)
        assert drops.publishers["discord"].platform == "discord"
        assert fake_discord.open_sockets() == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await fake_discord.wait_for(lambda: fake_discord.open_sockets() == 0 or None)


async def test_missing_token_is_a_config_error(clock: FixedClock) -> None:
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite:///:memory:")  # type: ignore[call-arg]
    settings.discord_token = None
    async with await bootstrap(settings, bank=e2e_bank(), clock=clock) as runtime:
        with pytest.raises(DiscordConfigError, match="DISCORD_TOKEN"):
            await start_discord(runtime, settings)


async def _until(probe: Callable[[], T | None], serving: asyncio.Task[None]) -> T:
    """Poll `probe` until it yields something; fail at once if `_serve` stopped."""
    async with asyncio.timeout(TIMEOUT):
        while (found := probe()) is None:
            if serving.done():
                serving.result()
                pytest.fail("_serve returned early")
            await asyncio.sleep(0.02)
    return found


async def test_cnnquiz_run_serves_discord_and_the_drop_scheduler_in_one_loop(
    fake_discord: FakeDiscord,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    built: list[Runtime] = []
    real_bootstrap = quizbot.bootstrap.bootstrap

    async def bootstrap(settings: Settings | None = None, **kwargs: Any) -> Runtime:
        built.append(await real_bootstrap(settings, bank=e2e_bank(), **kwargs))
        return built[-1]

    monkeypatch.setattr(quizbot.bootstrap, "bootstrap", bootstrap)
    serving = asyncio.create_task(run_cmd._serve(settings, [run_cmd.Platform.DISCORD], False, 0))
    try:

        def ready() -> Runtime | None:
            drops = built[0].drops if built else None
            return built[0] if drops is not None and "discord" in drops.publishers else None

        runtime = await _until(ready, serving)
        bot = DiscordDriver(fake_discord)
        options = {"time": "09:30", "timezone": "Europe/Berlin"}
        await bot.answer(await bot.command(["drop", "set"], options, ADMIN))
        await _until(lambda: "drop jobs rebuilt: 1 schedules" in caplog.text or None, serving)
        await bot.answer(await bot.command(["drop", "now"], user=ADMIN))
        (drop,) = await fake_discord.wait_channel_messages(str(CHANNEL_ID))
        assert drop["embeds"][0]["title"] == "📣 Daily drop"
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)
    assert runtime.closed
    await fake_discord.wait_for(lambda: fake_discord.open_sockets() == 0 or None)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_readme_invite_url_and_permissions_match_the_code() -> None:
    readme = (Path(__file__).parents[3] / "adapters" / "discord" / "README.md").read_text()
    assert invite_url("APPLICATION_ID") in readme
    assert f"### Permissions ({INVITE_PERMISSIONS.value})" in readme
    assert "scope=bot+applications.commands" in readme


async def test_a_rejected_token_stops_start_up_without_echoing_it(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    fake_discord.failures["GET /users/@me"] = [401]
    with pytest.raises(discord.LoginFailure) as info:
        await start_bot()
    assert TOKEN not in str(info.value)
    assert not fake_discord.identifies
