"""Study tools on Discord end to end: "More", the review queue, interview answers."""

from __future__ import annotations

import re
from datetime import timedelta

from adapters.discord.study_render import explanation_reply
from adapters.pictures import MASTERY_IMAGE
from quizbot.replies import SourceAnswer
from quizbot.study.replies import Explanation, WrongOption
from tests.e2e.discord.conftest import (
    ADMIN,
    DiscordDriver,
    FixedClock,
    buttons,
    choice_button,
    embed_text,
)
from tests.e2e.discord.test_quiz_flow import card_with_button

GIST = "Identity shortcuts let very deep nets train"


async def _ask(bot: DiscordDriver, topic: str) -> dict:
    return await bot.answer(await bot.command(["ask"], {"topic": topic}))


def _more_button(message: dict) -> dict:
    return next(b for b in buttons(message) if b["label"] == "More")


async def test_more_after_a_miss_explains_the_answer_the_options_the_sources_and_the_path(
    bot: DiscordDriver,
) -> None:
    card = await _ask(bot, "ResNet")
    wrong = await bot.answer(await bot.click(card, choice_button(card, right=False)))
    assert "Not quite" in wrong["embeds"][0]["title"]

    more = await bot.answer(await bot.click(wrong, _more_button(wrong)))
    assert more["flags"] & 64, "the explanation is private"
    head, model, why = more["embeds"][:3]
    assert head["title"] == "📖 More" and head["description"] == "Question q-resnet?"
    assert model["description"] == f"{GIST}. More detail follows here."
    assert {f["name"]: f["value"] for f in why["fields"]} == {
        f"{GIST}, misread ({n})": f"Reason {n}" for n in (1, 2, 3)
    }
    text = embed_text(more)
    assert f"Answer: {GIST}" in text
    assert "Concept path: ResNet" in text
    assert (
        "Down to the basics: ResNet → skip connection → vanishing gradient → backpropagation"
        " → gradient descent"
    ) in text
    source = more["embeds"][3]
    assert source["author"]["name"] == "📚 From the sources"
    assert source["title"] == "interview-book, Q-RESNET"


async def test_more_on_a_concept_card_says_what_each_wrong_name_means(bot: DiscordDriver) -> None:
    for _ in range(5):
        card = await _ask(bot, "dropout")
        if card["embeds"][0]["description"].startswith("Which concept is this?"):
            break
        await bot.answer(await bot.click(card, choice_button(card, right=True)))
    else:
        raise AssertionError("no concept card on dropout")
    right = await bot.answer(await bot.click(card, choice_button(card, right=True)))
    more = await bot.answer(await bot.click(right, _more_button(right)))
    why = more["embeds"][2]
    assert why["title"] == "Why the other options are wrong"
    assert len(why["fields"]) == 3
    for field in why["fields"]:
        assert field["value"].startswith(f"{field['name']} is something else: Definition code D")
    assert more["embeds"][1]["description"].startswith("dropout: Definition code D")


def test_a_huge_explanation_fits_one_message() -> None:
    long = "why " * 2000
    reply = explanation_reply(
        Explanation(
            "1" * 32,
            long,
            long,
            long,
            tuple(long for _ in range(8)),
            tuple(WrongOption(long, long) for _ in range(30)),
            tuple(SourceAnswer(long, long, long, long, long) for _ in range(12)),
            ("ResNet", "skip connection"),
            ("ResNet", "skip connection", "vanishing gradient"),
        )
    )
    assert len(reply.embeds) <= 10
    assert sum(len(e) for e in reply.embeds) <= 6000
    for embed in reply.embeds:
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)


async def test_review_lists_due_cards_with_dates_and_asks_the_first(
    bot: DiscordDriver, clock: FixedClock
) -> None:
    empty = await bot.answer(await bot.command(["review"]))
    assert empty["embeds"][0]["title"] == "🗂️ No review cards yet" and not buttons(empty)

    card = await _ask(bot, "ResNet")
    await bot.answer(await bot.click(card, choice_button(card, right=False)))
    waiting = await bot.answer(await bot.command(["review"]))
    head = waiting["embeds"][0]
    assert head["title"] == "🗂️ Nothing is due for review" and not buttons(waiting)
    assert re.search(
        r"next card is due <t:\d+:f> \(<t:\d+:R>\) · Question q-resnet\?", head["description"]
    )

    clock.now += timedelta(days=30)
    due = await bot.answer(await bot.command(["review"]))
    assert due["embeds"][0]["title"] == "🗂️ 1 card due"
    assert "Question q-resnet?" in embed_text(due)
    assert due["embeds"][1]["description"] == "Question q-resnet?", "the due card, asked now"
    verdict = await bot.answer(await bot.click(due, choice_button(due, right=True)))
    assert "Correct!" in verdict["embeds"][0]["title"]


TWO_OF_THREE = "The first point matters, and so does the second point, as I said before."


async def test_an_interview_answer_in_a_modal_ticks_key_points_then_asks_the_rating(
    bot: DiscordDriver,
) -> None:
    card = await card_with_button(bot, "attention", lambda cid: cid.startswith("cq:t:"))
    typed = next(b for b in buttons(card) if b["custom_id"].startswith("cq:t:"))
    sent = await bot.click(card, typed)
    callback = await bot.fake.wait_callback(sent.id)
    assert callback["type"] == 9, "the button opens a modal at once"
    modal = callback["data"]
    field = modal["components"][0]["components"][0]
    assert field["style"] == 2 and field["max_length"] == 4000, "a paragraph, not a number"

    shown = await bot.answer(await bot.submit_modal(modal["custom_id"], TWO_OF_THREE))
    fields = {f["name"]: f["value"] for f in shown["embeds"][0]["fields"]}
    assert fields["Your answer"] == TWO_OF_THREE
    assert fields["Key points"] == "✅ first point\n✅ second point\n⬜ third point"
    assert fields["Coverage"] == "Your answer covered 2 of 3 key points."
    ratings = {b["label"]: b for b in buttons(shown)}
    rated = await bot.answer(await bot.click(shown, ratings["Easy"]))
    assert "Counted as Good: your answer covered 2 of 3 key points." in embed_text(rated)


async def test_a_hint_then_a_right_answer_scores_half(bot: DiscordDriver) -> None:
    card = await _ask(bot, "ResNet")
    hint_button = next(b for b in buttons(card) if b["label"] == "Hint")
    hint = await bot.answer(await bot.click(card, hint_button))
    assert hint["embeds"][0]["title"] == "💡 Hint"
    assert hint["embeds"][0]["description"].startswith("Think of this: Definition code D15")
    assert hint["embeds"][0]["footer"]["text"] == "A right answer now earns half points."
    verdict = await bot.answer(await bot.click(card, choice_button(card, right=True)))
    assert verdict["embeds"][0]["title"] == "✅ Correct! +10 points", "half of 20"
    assert "💡 Hint: You took a hint: half points." in embed_text(verdict)


async def test_flag_a_question_then_an_admin_lists_and_clears_it(bot: DiscordDriver) -> None:
    card = await _ask(bot, "ResNet")
    verdict = await bot.answer(await bot.click(card, choice_button(card, right=True)))
    flag = next(b for b in buttons(verdict) if b["label"] == "Flag")
    flagged = await bot.answer(await bot.click(verdict, flag))
    assert flagged["content"].startswith("Thanks, the question is reported")
    assert "Say what is wrong with `flag <reason>`" in flagged["content"]
    reason = await bot.answer(await bot.command(["flag"], {"reason": "two options fit"}))
    assert "• Reason: two options fit" in reason["content"]

    refused = await bot.answer(await bot.command(["flags"]))
    assert refused["content"].startswith("⚠️ Sorry, only workspace admins")
    listed = await bot.answer(await bot.command(["flags"], user=ADMIN))
    (field,) = listed["embeds"][0]["fields"]
    assert field["name"] == "1 open · 1 in all · q-resnet"
    assert field["value"] == "Question q-resnet?\n• two options fit"
    cleared = await bot.answer(await bot.command(["flags"], {"clear": "q-resnet"}, ADMIN))
    assert cleared["content"].startswith("Cleared 1 report; drops may use it again.")
    empty = await bot.answer(await bot.command(["flags"], user=ADMIN))
    assert empty["content"] == "No open reports on questions. 🎉"


async def test_stats_show_progress_and_the_mastery_map_as_a_picture(bot: DiscordDriver) -> None:
    before = await bot.answer(await bot.command(["stats"]))
    assert "image" not in before["embeds"][0], "no map before the first answer"
    card = await _ask(bot, "ResNet")
    await bot.answer(await bot.click(card, choice_button(card, right=False)))
    stats = await bot.answer(await bot.command(["stats"]))
    fields = {f["name"]: f["value"] for f in stats["embeds"][0]["fields"]}
    assert fields["Mastered"].startswith("0 of ") and fields["Mastered"].endswith("(0%)")
    weeks = fields["Last four weeks"].splitlines()
    assert len(weeks) == 4 and weeks[-1].endswith(": 0% of 1")
    assert stats["embeds"][0]["image"]["url"] == f"attachment://{MASTERY_IMAGE}"
    upload = bot.fake.calls_to("POST", "/webhooks/")[-1]
    assert upload.files == (MASTERY_IMAGE,)
    assert upload.contents[0].startswith(b"\x89PNG\r\n\x1a\n") and len(upload.contents[0]) > 5000
