"""Study tools on Slack end to end: "More" after a verdict, the review queue."""

from __future__ import annotations

import re
from datetime import timedelta

from adapters.slack import render
from adapters.slack.study_render import explanation_blocks
from quizbot.replies import SourceAnswer
from quizbot.study.replies import Explanation, WrongOption
from tests.e2e.slack.conftest import (
    FixedClock,
    SlackDriver,
    block_texts,
    buttons,
    choice_button,
)

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
