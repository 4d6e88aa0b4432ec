"""Drops (admins only, posted with buttons, revealed in thread), leaderboards and App Home."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizbot.bootstrap import Runtime
from tests.e2e.slack.conftest import (
    ADMIN_ID,
    OWNER_ID,
    FixedClock,
    SlackDriver,
    block_texts,
    choice_button,
    load_payload,
)


async def _text(driver: SlackDriver, command: str, user: str, name: str = "") -> str:
    reply = await driver.reply(await driver.command(command, user=user, name=name or user))
    return block_texts(reply["blocks"])


async def test_non_admin_cannot_set_drops(slack_http: SlackDriver) -> None:
    refused = await _text(slack_http, "drop set 09:00 Europe/Berlin", "U0002", "bob")
    assert ":warning:" in refused and "only workspace admins" in refused
    (lookup,) = slack_http.fake.calls_to("users.info")
    assert lookup.args["user"] == "U0002"
    listed = await _text(slack_http, "drop list", OWNER_ID)
    assert "No drops scheduled" in listed


@pytest.mark.parametrize("command", ["drop off", "drop now", "drop list"])
async def test_non_admin_cannot_pause_post_or_list_drops(
    slack_http: SlackDriver, command: str
) -> None:
    await _text(slack_http, "drop set 09:00 UTC", OWNER_ID)
    refused = await _text(slack_http, command, "U0002", "bob")
    assert "only workspace admins" in refused
    assert slack_http.fake.calls_to("chat.postMessage") == []  # `drop now` posted nothing
    listed = await _text(slack_http, "drop list", OWNER_ID)
    assert "<#C0001> at 09:00 UTC" in listed and "(off)" not in listed


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("drop set 25:00 Europe/Berlin", "Use 24-hour HH:MM, e.g. 09:30"),
        ("drop set 9pm Europe/Berlin", "Use 24-hour HH:MM, e.g. 09:30"),
        ("drop set 09:00 Berlin", "Use an IANA timezone like Europe/Berlin"),
        ("drop set 09:00 Europe/Berlin reveal=soon", "e.g. 4h or 90m"),
        ("drop set 09:00", "drop set <HH:MM> <timezone>"),
    ],
)
async def test_bad_drop_input_is_explained_with_an_example(
    slack_http: SlackDriver, command: str, example: str
) -> None:
    reply = await _text(slack_http, command, OWNER_ID)
    assert example in reply
    assert "No drops scheduled" in await _text(slack_http, "drop list", OWNER_ID)


@pytest.mark.parametrize("admin", [OWNER_ID, ADMIN_ID], ids=["workspace_owner", "configured"])
async def test_admins_set_drops_for_a_linked_channel(slack_http: SlackDriver, admin: str) -> None:
    notice = await _text(slack_http, "drop set 09:30 Europe/Berlin <#C0777|quiz>", admin)
    assert ":warning:" not in notice
    assert "<#C0777>" in notice and "09:30" in notice
    listed = await _text(slack_http, "drop list", admin)
    assert "<#C0777> at 09:30 Europe/Berlin" in listed


async def test_drop_posts_to_the_channel_clicks_are_private_and_reveal_is_threaded(
    slack_http: SlackDriver, runtime: Runtime, clock: FixedClock
) -> None:
    fake = slack_http.fake
    await _text(slack_http, "drop set 09:00 UTC", OWNER_ID)
    posted_notice = await _text(slack_http, "drop now", OWNER_ID)
    assert "Posted" in posted_notice
    (drop,) = fake.calls_to("chat.postMessage")
    assert drop.args["channel"] == "C0001"
    assert "Daily drop" in block_texts(drop.args["blocks"])
    drop_ts = drop.result["ts"]

    # A click on the public drop message answers privately with chat.postEphemeral.
    payload = slack_http.action_payload(
        choice_button(drop.args["blocks"], right=True), "U0002", "bob", "drop-click"
    )
    payload["container"] = {"type": "message", "channel_id": "C0001", "is_ephemeral": False}
    status, _ = await slack_http.interact(payload)
    assert status == 200
    (verdict,) = await fake.wait_calls("chat.postEphemeral")
    assert verdict.args["channel"] == "C0001" and verdict.args["user"] == "U0002"
    assert "locked in" in block_texts(verdict.args["blocks"]).lower()
    assert fake.hooks_to("drop-click") == []

    clock.now += timedelta(hours=5)
    await runtime.drops.reveal_due()
    reveal = (await fake.wait_calls("chat.postMessage", 2))[1]
    assert reveal.args["thread_ts"] == drop_ts
    text = block_texts(reveal.args["blocks"])
    assert "1 answered" in text and "100% correct" in text and "bob" in text


async def _answer_resnet(driver: SlackDriver, user: str, name: str, right: bool) -> int:
    return await _answer(driver, "resnet", user, name, right)


async def _answer(driver: SlackDriver, topic: str, user: str, name: str, right: bool) -> int:
    card = await driver.reply(await driver.command(topic, user=user, name=name))
    verdict = await driver.reply(
        await driver.click(choice_button(card["blocks"], right=right), user=user, name=name)
    )
    gained = re.search(r"\+(\d+) pts", block_texts(verdict["blocks"]))
    return int(gained.group(1)) if gained else 0


async def test_leaderboards_and_app_home_after_several_players(slack_http: SlackDriver) -> None:
    fake = slack_http.fake
    await _text(slack_http, "team create Gradients", "U0001", "alice")
    await _text(slack_http, "team join Gradients", "U0002", "bob")
    alice = await _answer_resnet(slack_http, "U0001", "alice", right=True)
    bob = await _answer_resnet(slack_http, "U0002", "bob", right=True)
    carol = await _answer_resnet(slack_http, "U0003", "carol", right=False)
    assert alice > 0 and bob > 0 and carol == 0

    players = await _text(slack_http, "leaderboard", "U0002", "bob")
    assert re.search(rf"\d\. \*bob\* \(you\) — {bob} pts", players)
    assert f"alice — {alice} pts" in players
    assert "Your rank: #" in players
    teams = await _text(slack_http, "leaderboard teams week", "U0003", "carol")
    assert f"1. Gradients — {alice + bob} pts" in teams

    home = load_payload("app_home_opened.json")
    status, _ = await slack_http.event(home)
    assert status == 200
    (published,) = await fake.wait_calls("views.publish")
    assert published.args["user_id"] == "U0001"
    view = published.args["view"]
    assert view["type"] == "home"
    text = block_texts(view["blocks"])
    assert f"*Points*\n{alice}" in text
    assert "*Weakest concepts:*" in text
    assert f"1. *Gradients* (you) — {alice + bob} pts" in text  # her team on the weekly board


async def test_admins_choose_drop_days_and_reveal_delay(slack_http: SlackDriver) -> None:
    command = "drop set 08:15 Asia/Tokyo days=mon,wed,fri reveal=2h"
    notice = await _text(slack_http, command, OWNER_ID)
    assert ":warning:" not in notice
    listed = await _text(slack_http, "drop list", OWNER_ID)
    assert "08:15 Asia/Tokyo, mon,wed,fri, revealed after 2 h" in listed
    bad = await _text(slack_http, "drop set 08:15 Asia/Tokyo days=someday", OWNER_ID)
    assert ":warning:" in bad


async def test_app_home_shows_the_players_weakest_concept(slack_http: SlackDriver) -> None:
    for topic in ("vgg", "mobilenet", "inception", "alexnet"):
        assert await _answer(slack_http, topic, "U0003", "carol", right=True) > 0
    assert await _answer(slack_http, "resnet", "U0003", "carol", right=False) == 0

    home = load_payload("app_home_opened.json")
    home["event"]["user"] = "U0003"
    status, _ = await slack_http.event(home)
    assert status == 200
    (published,) = await slack_http.fake.wait_calls("views.publish")
    assert published.args["user_id"] == "U0003"
    text = block_texts(published.args["view"]["blocks"])
    weakest = text.split("*Weakest concepts:*", 1)[1]
    assert re.search(r"• ResNet — \d+% over 1 tries", weakest)
    strongest = text.split("*Strongest:*", 1)[1].split("\n", 1)[0]
    assert strongest.strip() and "ResNet" not in strongest
