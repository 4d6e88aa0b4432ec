"""Study tools on Slack end to end: "More", the review queue, interview answers."""

from __future__ import annotations

import re
from datetime import timedelta

from adapters.slack import render
from adapters.slack.study_render import explanation_blocks
from quizbot.replies import SourceAnswer, Verdict
from quizbot.study.replies import Explanation, WrongOption
from tests.e2e.slack.conftest import (
    ADMIN_ID,
    FixedClock,
    SlackDriver,
    block_texts,
    buttons,
    choice_button,
    load_payload,
)
from tests.e2e.slack.fake_slack import FakeSlack

GIST = "Identity shortcuts let very deep nets train"


async def test_more_after_a_miss_explains_the_answer_the_options_the_sources_and_the_path(
    slack_http: SlackDriver,
) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    wrong = await slack_http.reply(
        await slack_http.click(choice_button(card["blocks"], right=False))
    )
    more = next(b for b in buttons(wrong["blocks"]) if b["action_id"] == render.MORE)
    shown = await slack_http.reply(await slack_http.click(more))
    assert shown["response_type"] == "ephemeral"
    text = block_texts(shown["blocks"])
    assert ":book: *More* — Question q-resnet?" in text
    assert f"*Model answer*\n{GIST}. More detail follows here." in text
    why = text.split("*Why the other options are wrong*\n", 1)[1].splitlines()[:3]
    assert sorted(why) == [f"• _{GIST}, misread ({n})_ — Reason {n}" for n in (1, 2, 3)]
    assert "Path: ResNet" in text
    assert "Down to the basics: ResNet → skip connection → vanishing gradient" in text
    assert "*interview-book, Q-RESNET* — _Question q-resnet?_" in text


def test_a_huge_explanation_fits_one_message() -> None:
    long = "why " * 2000
    blocks = explanation_blocks(
        Explanation(
            "1" * 32,
            long,
            long,
            long,
            tuple(long for _ in range(8)),
            tuple(WrongOption(long, long) for _ in range(30)),
            tuple(SourceAnswer(long, long, long, long, long) for _ in range(40)),
            ("ResNet",),
        )
    )
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if "text" in b)


async def test_review_lists_due_cards_with_dates_and_asks_the_first(
    slack_http: SlackDriver, clock: FixedClock
) -> None:
    empty = await slack_http.reply(await slack_http.command("review"))
    assert "No review cards yet" in block_texts(empty["blocks"]) and not buttons(empty["blocks"])

    card = await slack_http.reply(await slack_http.command("resnet"))
    await slack_http.reply(await slack_http.click(choice_button(card["blocks"], right=False)))
    waiting = await slack_http.reply(await slack_http.command("review"))
    text = block_texts(waiting["blocks"])
    assert "Nothing is due for review; the next card is due" in text
    assert re.search(
        r"<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+ UTC> · Question q-resnet\?", text
    )

    clock.now += timedelta(days=30)
    due = await slack_http.reply(await slack_http.command("review"))
    text = block_texts(due["blocks"])
    assert "*1 review card due*" in text and "*Due now*" in text
    verdict = await slack_http.reply(
        await slack_http.click(choice_button(due["blocks"], right=True))
    )
    assert "Correct!" in block_texts(verdict["blocks"])


TWO_OF_THREE = "The first point matters, and so does the second point, as I said before."


async def test_an_interview_answer_in_a_modal_ticks_key_points_then_asks_the_rating(
    slack_http: SlackDriver,
) -> None:
    card = await slack_http.reply(await slack_http.command("attention"))
    typed = next(b for b in buttons(card["blocks"]) if b["action_id"] == render.TYPED)
    click = await slack_http.click(typed)
    (opened,) = await slack_http.fake.wait_calls("views.open")
    view = opened.args["view"]
    element = view["blocks"][1]["element"]
    assert element["multiline"] is True and element["max_length"] == 3000

    submission = load_payload("view_submission.json")
    submission["view"]["private_metadata"] = view["private_metadata"]
    submission["view"]["state"]["values"]["answer"]["value"]["value"] = TWO_OF_THREE
    assert await slack_http.interact(submission) == (200, "")
    shown = await slack_http.reply(click)
    text = block_texts(shown["blocks"])
    assert f"*Your answer:* {TWO_OF_THREE}" in text
    assert (
        "*Key points:*\n:white_check_mark: first point\n:white_check_mark: second point\n"
        ":white_large_square: third point"
    ) in text
    assert "_Your answer covered 2 of 3 key points._" in text
    ratings = {b["text"]["text"]: b for b in buttons(shown["blocks"])}
    rated = await slack_http.reply(await slack_http.click(ratings["Easy"]))
    assert "Counted as Good: your answer covered 2 of 3 key points." in block_texts(rated["blocks"])


async def test_a_hint_then_a_right_answer_scores_half(slack_http: SlackDriver) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    hint_button = next(b for b in buttons(card["blocks"]) if b["action_id"] == render.HINT)
    hint = block_texts((await slack_http.reply(await slack_http.click(hint_button)))["blocks"])
    assert ":bulb: *Hint:* Think of this: Definition code D15" in hint
    assert "A right answer now earns half points." in hint
    verdict = await slack_http.reply(
        await slack_http.click(choice_button(card["blocks"], right=True))
    )
    assert "*Correct!* +10 pts · hint taken: half points" in block_texts(verdict["blocks"])


async def test_flag_a_question_then_an_admin_lists_and_clears_it(slack_http: SlackDriver) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    verdict = await slack_http.reply(
        await slack_http.click(choice_button(card["blocks"], right=True))
    )
    flag = next(b for b in buttons(verdict["blocks"]) if b["action_id"] == render.FLAG)
    flagged = await slack_http.reply(await slack_http.click(flag))
    assert flagged["text"].startswith("Thanks, the question is reported")
    reason = await slack_http.reply(await slack_http.command("flag two options fit"))
    assert "Reason: two options fit" in block_texts(reason["blocks"])

    refused = await slack_http.reply(await slack_http.command("flags"))
    assert refused["text"].startswith("Sorry, only workspace admins")
    listed = await slack_http.reply(await slack_http.command("flags", ADMIN_ID, "admin"))
    text = block_texts(listed["blocks"])
    assert "*1 open* · 1 in all · `q-resnet`\nQuestion q-resnet?\n• two options fit" in text
    cleared = await slack_http.reply(
        await slack_http.command("flags clear q-resnet", ADMIN_ID, "admin")
    )
    assert cleared["text"] == "Cleared 1 report; drops may use it again."
    empty = await slack_http.reply(await slack_http.command("flags", ADMIN_ID, "admin"))
    assert block_texts(empty["blocks"]) == "No open reports on questions. :tada:"
    usage = await slack_http.reply(await slack_http.command("flags clear", ADMIN_ID, "admin"))
    assert "Usage: `/cnnquiz flags` or `/cnnquiz flags clear <id>`." in usage["text"] + str(
        usage["blocks"]
    )


def test_a_drop_verdict_offers_only_the_flag() -> None:
    verdict = Verdict("1" * 32, True, "x", "y", pending_reveal=True)
    blocks = render.verdict_blocks(verdict, with_next=False)
    assert [b["action_id"] for b in buttons(blocks)] == [render.FLAG]


async def test_stats_send_the_mastery_map_to_the_players_dm(
    slack_http: SlackDriver, fake_slack: FakeSlack
) -> None:
    await slack_http.reply(await slack_http.command("stats"))
    assert fake_slack.shared_files == [], "no map before the first answer"
    card = await slack_http.reply(await slack_http.command("resnet"))
    await slack_http.reply(await slack_http.click(choice_button(card["blocks"], right=False)))
    stats = await slack_http.reply(await slack_http.command("stats"))
    text = block_texts(stats["blocks"])
    assert "*Mastered*\n0 of " in text and "*Last four weeks*" in text
    assert "mastery map comes as a picture in your DM" in text
    (opened,) = await fake_slack.wait_calls("conversations.open")
    assert opened.args["users"] == "U0001"
    await fake_slack.wait_calls("files.completeUploadExternal")
    ((channel, file_id, comment),) = fake_slack.shared_files
    assert channel == "DU0001" and "weakest are outlined in red" in comment
    assert fake_slack.uploads[file_id].startswith(b"\x89PNG\r\n\x1a\n")
