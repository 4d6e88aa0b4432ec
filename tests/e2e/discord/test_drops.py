"""Daily drops: admin-only commands, a public card posted by the registered publisher."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import discord
import pytest

from adapters.discord.publisher import retryable
from quizbot.api import ChannelRef
from quizbot.asking.computed import make_computed_ask
from quizbot.asking.spec import AskSpec
from quizbot.drops import posting
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import AskKind, Choice, DropReveal, QuestionCard
from quizbot.settings import Settings
from tests.e2e.discord.conftest import (
    ADMIN,
    ALICE,
    BOB,
    CAROL,
    CHANNEL_ID,
    Channel,
    DiscordDriver,
    FixedClock,
    Starter,
    User,
    buttons,
    choice_button,
    embed_text,
)
from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.discord.shapes import GUILD_ID

CHANNEL = str(CHANNEL_ID)


async def test_member_without_manage_server_is_refused_politely(bot: DiscordDriver) -> None:
    sent = await bot.command(["drop", "set"], {"time": "09:30", "timezone": "Europe/Berlin"})
    reply = await bot.answer(sent)
    assert reply["content"].startswith("⚠️ Sorry, only workspace admins")
    assert reply["flags"] & 64
    assert not bot.fake.calls_to("POST", f"/channels/{CHANNEL}/messages")


async def test_admin_drop_now_posts_a_public_card_and_clicks_get_private_verdicts(
    start_bot: Starter,
    fake_discord: FakeDiscord,
    clock: FixedClock,
    settings: Settings,
    database_url: str,
) -> None:
    settings.database_url = database_url  # SQLite, and PostgreSQL when configured
    runtime, running = await start_bot()
    assert runtime.drops is not None
    assert runtime.drops.publishers["discord"] is running.publisher
    bot = DiscordDriver(fake_discord)

    options = {"time": "09:30", "timezone": "Europe/Berlin"}
    scheduled = await bot.answer(await bot.command(["drop", "set"], options, ADMIN))
    assert f"<#{CHANNEL}> at 09:30 Europe/Berlin" in scheduled["content"]
    posted = await bot.answer(await bot.command(["drop", "now"], user=ADMIN))
    assert "Posted today's drop" in posted["content"]

    (drop,) = await fake_discord.wait_channel_messages(CHANNEL)
    assert not drop["flags"] & 64, "the drop itself is public"
    assert drop["embeds"][0]["title"] == "📣 Daily drop"
    assert all(b["custom_id"].startswith("cq:a:d:") for b in buttons(drop))

    right = choice_button(drop, right=True)
    verdict = await bot.answer(await bot.click(drop, right, BOB))
    assert verdict["embeds"][0]["title"] == "📨 Answer received"
    assert [b["label"] for b in buttons(verdict)] == ["Flag"], "a drop can be reported too"
    again = await bot.answer(await bot.click(drop, right, BOB))
    assert "already answered" in again["embeds"][0]["title"]
    assert right["label"].split(". ", 1)[1] not in embed_text(again), "no spoiler"
    other = await bot.answer(await bot.click(drop, choice_button(drop, right=False), ALICE))
    assert other["embeds"][0]["title"] == "📨 Answer received"
    public = [m for m in fake_discord.messages.values() if not m["flags"] & 64]
    assert public == [drop], "verdicts on a drop are never public"

    clock.now += timedelta(hours=5)
    await runtime.drops.reveal_due()
    _, reveal = await fake_discord.wait_channel_messages(CHANNEL, 2)
    assert str(reveal["message_reference"]["message_id"]) == drop["id"]
    text = embed_text(reveal)
    assert f"Answer: {right['label'].split('. ', 1)[1]}" in text
    assert "1/2 correct (50%)" in text and "First correct: Bob" in text
    late = await bot.answer(await bot.click(drop, right, CAROL))
    assert late["embeds"][0]["title"] == "⏰ This drop is closed"
    assert late["flags"] & 64


async def test_drop_list_and_off_for_admins(bot: DiscordDriver) -> None:
    options = {"time": "07:00", "timezone": "UTC", "days": "daily", "reveal": "90m"}
    await bot.answer(await bot.command(["drop", "set"], options, ADMIN))
    listed = await bot.answer(await bot.command(["drop", "list"], user=ADMIN))
    assert f"<#{CHANNEL}> at 07:00 UTC, daily, revealed after 90 min" in listed["content"]
    off = await bot.answer(await bot.command(["drop", "off"], user=ADMIN))
    assert "Paused daily drops" in off["content"]
    refused = await bot.answer(await bot.command(["drop", "off"], user=ALICE))
    assert refused["content"].startswith("⚠️ Sorry")


async def test_a_computed_drop_is_answered_in_a_modal_even_after_a_restart(
    start_bot: Starter,
    fake_discord: FakeDiscord,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine drops multiple choice today; were it to drop a number, this is the path."""
    specs: list[AskSpec] = []

    def computed(_bank: object, _pick: object, rng: random.Random) -> AskSpec:
        specs.append(make_computed_ask(rng, "stride", "easy"))
        return specs[-1]

    monkeypatch.setattr(posting, "build_drop_ask", computed)
    runtime, running = await start_bot()
    bot = DiscordDriver(fake_discord)
    options = {"time": "09:30", "timezone": "UTC"}
    await bot.answer(await bot.command(["drop", "set"], options, ADMIN))
    await bot.answer(await bot.command(["drop", "now"], user=ADMIN))
    (drop,) = await fake_discord.wait_channel_messages(CHANNEL)
    (button,) = buttons(drop)
    assert button["custom_id"].startswith("cq:n:d:")
    (spec,) = specs

    await running.aclose()
    await runtime.aclose()
    runtime, _running = await start_bot()  # the drop's button outlives the bot
    assert runtime.drops is not None

    async def typed(user: User, value: str) -> dict:
        opened = await fake_discord.wait_callback((await bot.click(drop, button, user)).id)
        assert opened["type"] == 9, "the button opens a modal at once"
        modal = opened["data"]
        assert modal["custom_id"].startswith("cq:m:d:")
        assert spec.hint is not None and spec.hint in json.dumps(modal)
        return await bot.answer(await bot.submit_modal(modal["custom_id"], value, user))

    received = await typed(BOB, spec.answer_text)
    assert received["embeds"][0]["title"] == "📨 Answer received"
    assert "Answer:" not in embed_text(received), "no spoiler before the reveal"
    assert (await typed(ALICE, "1"))["embeds"][0]["title"] == "📨 Answer received"
    again = await typed(BOB, "2")
    assert "already answered" in again["embeds"][0]["title"]
    public = [m for m in fake_discord.messages.values() if not m["flags"] & 64]
    assert public == [drop], "typed answers to a drop stay private"

    clock.now += timedelta(hours=5)
    await runtime.drops.reveal_due()
    _, reveal = await fake_discord.wait_channel_messages(CHANNEL, 2)
    text = embed_text(reveal)
    assert f"Answer: {spec.answer_text}" in text
    assert "1/2 correct (50%)" in text and "First correct: Bob" in text


def _card() -> QuestionCard:
    return QuestionCard(
        "ask1",
        AskKind.CHOICE,
        "Which?",
        (Choice("a", "x"), Choice("b", "y")),
        ("c",),
        ("C",),
        is_drop=True,
    )


async def test_rate_limit_becomes_publish_retryable(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    _runtime, running = await start_bot()
    fake_discord.failures[f"POST /channels/{CHANNEL}/messages"] = [429]
    where = ChannelRef("discord", str(GUILD_ID), CHANNEL)
    with pytest.raises(PublishRetryable) as info:
        await running.publisher.post_drop(where, _card())
    assert info.value.retry_after == pytest.approx(60.0)
    message_id = await running.publisher.post_drop(where, _card())  # the next try goes out
    assert fake_discord.messages[message_id]["embeds"][0]["description"] == "Which?"


async def test_a_repeated_post_of_the_same_drop_or_reveal_creates_one_message(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    """A worker that takes over a dead one's claim posts again: Discord's nonce dedups it."""
    _runtime, running = await start_bot()
    where = ChannelRef("discord", str(GUILD_ID), CHANNEL)
    first = await running.publisher.post_drop(where, _card())
    again = await running.publisher.post_drop(where, _card())
    other = await running.publisher.post_drop(where, replace(_card(), ask_id="ask2"))
    reveal = DropReveal("drop1", "ask1", "Which?", "x", "Because.", 2, 1, "Bob")
    for _ in range(2):
        await running.publisher.post_reveal(where, first, reveal)
    bodies = [c.body for c in fake_discord.calls_to("POST", f"/channels/{CHANNEL}/messages")]
    assert first == again != other
    assert len(fake_discord.posts) == 3  # the drop, another drop, one reveal
    assert all(b["enforce_nonce"] and b["nonce"] for b in bodies)


async def test_forbidden_channel_is_not_retried(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    _runtime, running = await start_bot()
    fake_discord.failures[f"POST /channels/{CHANNEL}/messages"] = [403]
    with pytest.raises(discord.Forbidden):
        await running.publisher.post_drop(ChannelRef("discord", "g", CHANNEL), _card())


@pytest.mark.parametrize(
    ("status", "retry"), [(500, True), (503, True), (429, True), (404, False), (403, False)]
)
def test_which_http_errors_are_retryable(status: int, retry: bool) -> None:
    response = SimpleNamespace(status=status, reason="x", headers={"Retry-After": "2"})
    error_type = discord.DiscordServerError if status >= 500 else discord.HTTPException
    found = retryable(error_type(response, {"message": "x", "code": 0}))  # type: ignore[arg-type]
    assert (found is not None) == retry
    if status == 429:
        assert found is not None and found.retry_after == 2.0


async def test_drop_set_for_another_channel_and_timezone_autocomplete(bot: DiscordDriver) -> None:
    quiz = Channel("700000000000000042", "quiz")
    options = {"time": "18:00", "timezone": "America/New_York", "channel": quiz}
    reply = await bot.answer(await bot.command(["drop", "set"], options, ADMIN))
    assert f"<#{quiz.id}> at 18:00 America/New_York" in reply["content"]
    zones = await bot.autocomplete(["drop", "set"], "timezone", "berl")
    assert zones[0] == {"name": "Europe/Berlin", "value": "Europe/Berlin"}


async def test_drop_set_warns_when_the_bot_cannot_post_here(bot: DiscordDriver) -> None:
    payload = bot.command_payload(
        ["drop", "set"], {"time": "09:30", "timezone": "Europe/Berlin"}, ADMIN
    )
    payload["app_permissions"] = str(discord.Permissions(view_channel=True).value)
    reply = await bot.answer(await bot.send(payload))
    assert "Daily drops in" in reply["content"]
    assert "give me Send Messages, Embed Links here" in reply["content"]
    fine = await bot.answer(await bot.command(["drop", "list"], user=ADMIN))
    assert "give me" not in fine["content"]
