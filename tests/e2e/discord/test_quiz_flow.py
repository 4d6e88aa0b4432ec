"""Personal questions end to end: buttons, follow-ups, modals, restarts, boards and paths."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from adapters.discord.inbound import PATH_IMAGE
from tests.e2e.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    DiscordDriver,
    Starter,
    buttons,
    choice_button,
    embed_text,
    load_payload,
)
from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.slack.bank import right_text


async def ask(bot: DiscordDriver, topic: str | None = None, user=ALICE) -> dict:
    options = {"topic": topic} if topic else {}
    return await bot.answer(await bot.command(["ask"], options, user))


async def test_wrong_answer_leads_to_a_prerequisite_then_back_to_the_original(
    bot: DiscordDriver,
) -> None:
    card = await ask(bot, "ResNet")
    prompt = card["embeds"][0]["description"]
    assert card["flags"] & 64, "a personal question is ephemeral"

    wrong = await bot.answer(await bot.click(card, choice_button(card, right=False)))
    text = embed_text(wrong)
    assert "Not quite" in text
    assert f"Answer: {right_text(prompt)}" in text
    follow_up = wrong["embeds"][1]
    assert follow_up["title"].startswith("↪️ Follow-up")
    assert "Concept path: ResNet → skip connection" in embed_text({"embeds": [follow_up]})
    assert follow_up["description"] != prompt

    right = await bot.answer(await bot.click(wrong, choice_button(wrong, right=True)))
    assert "Correct!" in right["embeds"][0]["title"]
    offer = right["embeds"][1]
    assert offer["title"].startswith("🔁 Now the original question")
    assert offer["description"] == prompt
    again = await bot.answer(await bot.click(right, choice_button(right, right=True)))
    assert "Correct!" in again["embeds"][0]["title"], "the offered original can be answered"


@pytest.mark.parametrize("timing", ["one_after_the_other", "at_the_same_time"])
async def test_double_click_scores_once(bot_on_each_backend: DiscordDriver, timing: str) -> None:
    bot = bot_on_each_backend
    card = await ask(bot, "dropout")
    button = choice_button(card, right=True)
    if timing == "at_the_same_time":
        clicks = [await bot.click(card, button), await bot.click(card, button)]
        replies = [await bot.answer(sent) for sent in clicks]
    else:
        replies = [await bot.answer(await bot.click(card, button)) for _ in range(2)]
    titles = [r["embeds"][0]["title"] for r in replies]
    assert sum("Correct!" in t for t in titles) == 1
    assert sum("already answered" in t for t in titles) == 1
    stats = await bot.answer(await bot.command(["stats"]))
    fields = {f["name"]: f["value"] for f in stats["embeds"][0]["fields"]}
    scored = next(t for t in titles if "Correct!" in t).split("+")[1].split()[0]
    assert (fields["Answered"], fields["Points"]) == ("1", scored)


async def test_old_button_is_graded_after_a_restart(
    start_bot: Starter, fake_discord: FakeDiscord
) -> None:
    runtime, running = await start_bot()
    bot = DiscordDriver(fake_discord)
    card = await ask(bot, "weight decay")
    await running.aclose()
    await runtime.aclose()

    await start_bot()  # a new client and a new engine on the same database file
    assert len(fake_discord.identifies) == 2
    verdict = await bot.answer(await bot.click(card, choice_button(card, right=True)))
    assert "Correct!" in verdict["embeds"][0]["title"]


async def card_with_button(bot: DiscordDriver, topic: str, wanted: Callable[[str], bool]) -> dict:
    """Ask on `topic` until a card has a button whose custom id is `wanted`.

    The engine decides what comes first on a topic (a concept to name, a question, a number
    to compute, a flashcard); the cards before the wanted one are answered right.
    """
    for _ in range(5):
        card = await ask(bot, topic)
        if any(wanted(b["custom_id"]) for b in buttons(card)):
            return card
        await bot.answer(await bot.click(card, choice_button(card, right=True)))
    raise AssertionError(f"no such card on {topic}")


async def _typed_card(bot: DiscordDriver) -> dict:
    return await card_with_button(bot, "stride", lambda cid: cid.startswith("cq:n:"))


async def test_computed_question_goes_through_a_modal(bot: DiscordDriver) -> None:
    card = await _typed_card(bot)
    button, hint = buttons(card)
    assert hint["label"] == "Hint"
    sent = await bot.click(card, button)
    callback = await bot.fake.wait_callback(sent.id)
    assert callback["type"] == 9, "the button opens a modal at once"
    modal = callback["data"]
    assert modal["custom_id"].startswith("cq:m:p:")

    verdict = await bot.answer(await bot.submit_modal(modal["custom_id"], "12345"))
    assert "Not quite" in verdict["embeds"][0]["title"]
    answer = next(f["value"] for f in verdict["embeds"][0]["fields"] if f["name"] == "Answer")
    assert answer.replace("x", "").isdigit()

    again = await bot.answer(await bot.submit_modal(modal["custom_id"], answer))
    assert "already answered" in again["embeds"][0]["title"]


async def test_modal_submit_with_no_number_is_told_to_type_one(bot: DiscordDriver) -> None:
    card = await _typed_card(bot)
    sent = await bot.click(card, buttons(card)[0])
    modal = (await bot.fake.wait_callback(sent.id))["data"]
    reply = await bot.answer(await bot.submit_modal(modal["custom_id"], "   "))
    assert "Type your answer first: a number like 10" in reply["content"]


async def test_autocomplete_offers_concept_names(bot: DiscordDriver) -> None:
    choices = await bot.autocomplete(["ask"], "topic", "res")
    assert {"name": "ResNet", "value": "ResNet"} in choices
    path_choices = await bot.autocomplete(["path"], "concept", "skip")
    assert [c["name"] for c in path_choices][:1] == ["skip connection"]


async def test_leaderboard_shows_players_and_the_callers_rank(
    bot_on_each_backend: DiscordDriver,
) -> None:
    bot = bot_on_each_backend
    for user, topic in ((ALICE, "dropout"), (BOB, "momentum"), (BOB, "overfitting")):
        card = await ask(bot, topic, user)
        await bot.answer(await bot.click(card, choice_button(card, right=True), user))
    board = await bot.answer(await bot.command(["leaderboard"], {"period": "all"}, CAROL))
    text = embed_text(board)
    assert text.index("Bob") < text.index("Alice"), "two right answers outrank one"
    assert "Your rank: 🥉 **Carol** — 0 pts" in text, "the caller's own rank is always shown"

    mine = await bot.answer(await bot.command(["leaderboard"], {"board": "players"}, ALICE))
    rank = next(f["value"] for f in mine["embeds"][0]["fields"] if f["name"] == "Your rank")
    assert "Alice" in rank and "🥈" in rank


async def test_teams_join_leave_and_their_leaderboard(bot: DiscordDriver) -> None:
    created = await bot.answer(await bot.command(["team", "create"], {"name": "Convnets"}))
    assert "Convnets" in created["content"]
    card = await ask(bot, "dropout")
    await bot.answer(await bot.click(card, choice_button(card, right=True)))
    board = await bot.answer(await bot.command(["leaderboard"], {"board": "teams"}, BOB))
    assert "Convnets" in embed_text(board)
    listed = await bot.answer(await bot.command(["team", "list"], user=BOB))
    assert "Convnets — 1 member" in embed_text(listed)

    joined = await bot.answer(await bot.command(["team", "join"], {"name": "convnets"}, BOB))
    assert "Convnets" in joined["content"] and not joined["content"].startswith("⚠️")
    listed = await bot.answer(await bot.command(["team", "list"], user=BOB))
    assert "**Convnets** — 2 members" in embed_text(listed), "Bob's own team is in bold"
    assert "Your team: Convnets" in embed_text(listed)
    left = await bot.answer(await bot.command(["team", "leave"], user=BOB))
    assert not left["content"].startswith("⚠️")
    listed = await bot.answer(await bot.command(["team", "list"], user=BOB))
    assert "Convnets — 1 member" in embed_text(listed)
    assert "You are in no team." in embed_text(listed)


async def test_path_shows_the_chain_and_a_picture(bot: DiscordDriver) -> None:
    sent = await bot.command(["path"], {"concept": "ResNet"})
    reply = await bot.answer(sent)
    assert "ResNet → skip connection → vanishing gradient" in embed_text(reply)
    assert reply["embeds"][0]["image"]["url"] == f"attachment://{PATH_IMAGE}"
    upload = bot.fake.calls_to("POST", "/webhooks/")[-1]
    assert upload.files == (PATH_IMAGE,)


@pytest.mark.parametrize("topic", ["no such thing at all", "x" * 90])
async def test_unknown_topic_is_a_friendly_ephemeral(
    bot: DiscordDriver, topic: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reply = await ask(bot, topic)
    assert reply["content"].startswith("⚠️")
    assert not buttons(reply)
    refused = [r.getMessage() for r in caplog.records if "discord ask refused" in r.getMessage()]
    assert len(refused) == 1 and "UnknownTopic" in refused[0]


async def test_help_answers_at_once(bot: DiscordDriver) -> None:
    sent = await bot.command(["help"])
    callback = await bot.fake.wait_callback(sent.id)
    assert callback["type"] == 4 and callback["data"]["flags"] & 64
    assert "/cnnquiz ask [topic]" in embed_text(callback["data"])


async def test_flashcard_reveal_then_self_rating_then_next(bot: DiscordDriver) -> None:
    card = await card_with_button(bot, "attention", lambda cid: cid.endswith(":reveal"))
    typed, reveal, _hint = buttons(card)
    assert typed["custom_id"].startswith("cq:t:") and reveal["label"] == "Just show the answer"
    shown = await bot.answer(await bot.click(card, reveal))
    assert any(f["name"] == "Key points" for f in shown["embeds"][0]["fields"])
    ratings = {b["label"].lower(): b for b in buttons(shown)}
    assert {"again", "good", "more"} <= set(ratings)

    rated = await bot.answer(await bot.click(shown, ratings["good"]))
    next_button, more, flag = buttons(rated)
    assert next_button["label"] == "Next question"
    assert (more["label"], flag["label"]) == ("More", "Flag")
    said = await bot.answer(await bot.click(rated, more))
    assert said["embeds"][0]["title"] == "📖 More"
    assert "Key points: • first point" in embed_text(said)
    assert said["embeds"][1]["description"].startswith("Attention re-weights features")
    assert said["embeds"][2]["author"]["name"] == "📚 From the sources"
    disputed = said["embeds"][3]
    assert disputed["description"] == "Attention is what makes models smart."
    assert disputed["fields"][-1] == {
        "name": "⚠️ Disputed",
        "value": "Says nothing about what attention computes.",
        "inline": False,
    }
    follow = await bot.answer(await bot.click(rated, next_button))
    assert follow["embeds"][0]["title"] == "❓ Question"
    assert buttons(follow)


@pytest.mark.parametrize(
    ("path", "options", "expected"),
    [
        (["ask"], {}, "❓ Question"),
        (["leaderboard"], {"board": "teams", "period": "month"}, "Teams"),
        (["stats"], {}, "Answered"),
        (["path"], {"concept": "dropout"}, "dropout → overfitting"),
        (["path"], {"concept": "zzzz qqqq"}, "⚠️"),
        (["team", "create"], {"name": "Pooling Party"}, "Pooling Party"),
        (["team", "join"], {"name": "no such team"}, "⚠️"),
        (["team", "leave"], {}, "⚠️ You are not in a team."),
        (["team", "list"], {}, "Teams"),
        (["drop", "now"], {}, "⚠️ Sorry, only workspace admins"),
        (["drop", "list"], {}, "⚠️ Sorry, only workspace admins"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else None,
)
async def test_every_command_answers_privately(
    bot: DiscordDriver, path: list[str], options: dict[str, str], expected: str
) -> None:
    reply = await bot.answer(await bot.command(path, options))
    assert reply["flags"] & 64
    assert expected in embed_text(reply)


async def test_direct_messages_get_their_own_space_and_no_admin_rights(bot: DiscordDriver) -> None:
    def dm(**fields: object) -> dict:
        return {**bot.fresh(load_payload("dm_command.json")), **fields}

    def command(group: str | None, name: str, options: list[dict]) -> dict:
        node = {"type": 1, "name": name, "options": options}
        if group:
            node = {"type": 2, "name": group, "options": [node]}
        return {"id": "1", "name": "cnnquiz", "type": 1, "options": [node]}

    topic = [{"type": 3, "name": "topic", "value": "VGG"}]
    card = await bot.answer(await bot.send(dm(data=command(None, "ask", topic))))
    assert card["embeds"][0]["title"] == "❓ Question"
    button = choice_button(card, right=True)
    click = dm(type=3, message=card, data={"custom_id": button["custom_id"], "component_type": 2})
    verdict = await bot.answer(await bot.send(click))
    assert "Correct!" in verdict["embeds"][0]["title"]

    from_guild = await bot.answer(await bot.click(card, button))
    assert "can't find that question" in from_guild["content"], "a DM is its own space"

    refused = await bot.answer(await bot.send(dm(data=command("drop", "list", []))))
    assert refused["content"].startswith("⚠️ Sorry, only workspace admins")
