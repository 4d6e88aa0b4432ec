"""Malformed, stale and unknown interactions: a friendly word when possible, never a crash."""

from __future__ import annotations

import asyncio

import pytest

from adapters.discord import app as discord_app
from adapters.discord import render
from adapters.discord.inbound import STALE_BUTTON
from quizbot.replies import PlayerRef, PlayerStats
from tests.e2e.discord.conftest import (
    ADMIN,
    PAYLOADS,
    DiscordDriver,
    Starter,
    buttons,
    embed_text,
    load_payload,
)
from tests.e2e.discord.fake_discord import FakeDiscord

MALFORMED = sorted(p.name for p in (PAYLOADS / "malformed").glob("*.json"))
# What the user is told, or None when Discord gives the bot nothing to answer with.
EXPECTED: dict[str, str | None] = {
    "button_for_unknown_ask.json": "can't find that question",  # the engine's UnknownAsk
    "button_without_message.json": STALE_BUTTON,
    "command_without_member.json": "Something went wrong",
    "foreign_button.json": STALE_BUTTON,
    "foreign_modal.json": STALE_BUTTON,
    "missing_token.json": None,
    "modal_with_garbled_components.json": "Something went wrong",
    # Ours at first sight, yet discord.py's DynamicItem dispatch silently skips them.
    "our_button_id_on_a_select_menu.json": STALE_BUTTON,
    "our_button_not_on_its_message.json": STALE_BUTTON,
    "our_prefix_unknown_mode.json": STALE_BUTTON,
    "unknown_command.json": discord_app.UNKNOWN_COMMAND,
    "unknown_interaction_type.json": None,
}


def test_every_malformed_payload_has_an_expectation() -> None:
    assert set(MALFORMED) == set(EXPECTED)


@pytest.mark.parametrize("name", MALFORMED)
async def test_bad_interaction_does_not_take_the_bot_down(bot: DiscordDriver, name: str) -> None:
    sent = await bot.send(bot.fresh(load_payload(f"malformed/{name}")))
    expected = EXPECTED[name]
    if expected is not None:
        reply = await bot.first_reply(sent)
        assert reply["content"].startswith("⚠️")
        assert expected in reply["content"]
    # The next interaction is still answered (for an unanswerable one this also shows
    # the bad payload was read and dropped: the gateway delivers events in order).
    card = await bot.answer(await bot.command(["ask"], {"topic": "dropout"}))
    assert card["embeds"][0]["title"] == "❓ Question" and buttons(card)


@pytest.mark.parametrize(
    ("path", "options"),
    [
        (["drop", "now"], {"channel": "not-a-channel-id"}),
        (["path"], {}),
        (["leaderboard"], {"board": "bogus"}),
    ],
    ids=["channel-option-as-text", "required-option-missing", "not-one-of-the-choices"],
)
async def test_options_discord_py_cannot_read_are_named_as_such(
    bot: DiscordDriver, path: list[str], options: dict[str, str]
) -> None:
    """What a stale command sync could send: the user is told an option is off."""
    reply = await bot.first_reply(await bot.command(path, options, ADMIN))
    assert reply["content"] == f"⚠️ {discord_app.BAD_OPTION}"


async def test_an_engine_crash_is_logged_and_apologised_for(
    start_bot: Starter, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    runtime, _running = await start_bot()

    async def broken(*_args: object) -> None:
        raise RuntimeError("database on fire")

    runtime.service.stats = broken  # type: ignore[method-assign,assignment]
    bot = DiscordDriver(fake_discord)
    reply = await bot.answer(await bot.command(["stats"]))
    assert reply["content"] == f"⚠️ {render.OOPS}"
    assert "database on fire" not in reply["content"]
    assert "discord stats failed" in caplog.text and "database on fire" in caplog.text


async def test_a_refused_reply_still_gets_an_apology(bot: DiscordDriver) -> None:
    bot.fake.failures["POST /webhooks/"] = [400]
    sent = await bot.command(["ask"], {"topic": "dropout"})
    replies = await bot.fake.wait_replies(sent.token, 2)
    assert replies[1]["content"] == f"⚠️ {render.OOPS}"


async def test_slow_engine_work_is_deferred_first(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    """Discord's 3-second window is met by the defer, whatever the engine is doing."""
    runtime, _running = await start_bot()
    release = asyncio.Event()
    real_stats = runtime.service.stats

    async def slow_stats(who: PlayerRef) -> PlayerStats:
        await release.wait()
        return await real_stats(who)

    runtime.service.stats = slow_stats  # type: ignore[method-assign]
    bot = DiscordDriver(fake_discord)
    sent = await bot.command(["stats"])
    callback = await fake_discord.wait_callback(sent.id)
    assert callback["type"] == 5 and callback["data"]["flags"] & 64
    assert len(fake_discord.replies[sent.token]) == 1, "only the thinking placeholder so far"
    release.set()
    reply = await bot.answer(sent)
    assert "Answered" in embed_text(reply)
