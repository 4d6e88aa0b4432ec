"""The real Bolt app over HTTP: asking, answering, follow-ups and modals with signed requests."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from adapters.slack import render
from tests.e2e.slack.conftest import (
    SlackDriver,
    block_texts,
    buttons,
    choice_button,
    load_payload,
)


async def test_wrong_click_gets_a_private_follow_up_then_the_original_again(
    slack_http: SlackDriver,
) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    assert card["response_type"] == "ephemeral"
    assert "Question q-resnet?" in block_texts(card["blocks"])

    wrong = await slack_http.reply(
        await slack_http.click(choice_button(card["blocks"], right=False))
    )
    text = block_texts(wrong["blocks"])
    assert wrong["response_type"] == "ephemeral"
    assert "Not quite" in text
    assert "Identity shortcuts let very deep nets train" in text  # the right answer is shown
    assert "*Follow-up:* ResNet → skip connection" in text

    right = await slack_http.reply(
        await slack_http.click(choice_button(wrong["blocks"], right=True))
    )
    text = block_texts(right["blocks"])
    assert "Correct!" in text
    assert "Back to the original question" in text
    assert "Question q-resnet?" in text
    assert choice_button(right["blocks"], right=True)  # the original is offered with buttons


@pytest.mark.parametrize("timing", ["one_after_the_other", "at_the_same_time"])
async def test_double_click_scores_once(slack_http: SlackDriver, timing: str) -> None:
    card = await slack_http.reply(await slack_http.command("resnet"))
    button = choice_button(card["blocks"], right=True)
    if timing == "at_the_same_time":
        keys = list(await asyncio.gather(slack_http.click(button), slack_http.click(button)))
    else:
        keys = [await slack_http.click(button)]
        await slack_http.reply(keys[0])
        keys.append(await slack_http.click(button))
    texts = sorted([block_texts((await slack_http.reply(k))["blocks"]) for k in keys])
    assert "already answered" in texts[0]  # ":repeat:" sorts before ":white_check_mark:"
    points = re.search(r"Correct!\* \+(\d+) pts", texts[1])
    assert points is not None
    gained = int(points.group(1))
    assert gained > 0

    board = await slack_http.reply(await slack_http.command("leaderboard players all"))
    assert f"1. *alice* (you) — {gained} pts" in block_texts(board["blocks"])


@pytest.mark.parametrize("text", ["frobnicate the widgets", "team dance", "leaderboard yesterday"])
async def test_unknown_sub_command_gets_the_help_text(slack_http: SlackDriver, text: str) -> None:
    reply = await slack_http.reply(await slack_http.command(text))
    body = block_texts(reply["blocks"])
    assert "`/cnnquiz` sub-commands" in body
    assert "drop set <HH:MM> <timezone>" in body
    assert ":warning:" not in body


async def _typed_question(driver: SlackDriver) -> dict:
    """Ask on a computable topic until the card wants a typed answer (concept asks come first)."""
    for _ in range(4):
        card = await driver.reply(await driver.command("stride"))
        typed = [b for b in buttons(card["blocks"]) if b["action_id"] == render.TYPED]
        if typed:
            return typed[0]
        # An open ask is offered until answered: answer it, then ask again.
        await driver.reply(await driver.click(choice_button(card["blocks"], right=True)))
    raise AssertionError("no computed question on `stride`")


async def test_computed_answer_goes_through_a_modal(slack_http: SlackDriver) -> None:
    fake = slack_http.fake
    button = await _typed_question(slack_http)
    click_key = await slack_http.click(button)
    (opened,) = await fake.wait_calls("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == load_payload("block_actions.json")["trigger_id"]
    assert view["callback_id"] == render.ANSWER_MODAL
    assert "stride" in json.dumps(view["blocks"]).lower() or view["blocks"][0]["text"]["text"]

    submission = load_payload("view_submission.json")
    submission["view"]["private_metadata"] = view["private_metadata"]
    empty_status, empty_body = await slack_http.interact(submission)
    assert empty_status == 200
    assert json.loads(empty_body)["response_action"] == "errors"

    submission["view"]["state"]["values"]["answer"]["value"]["value"] = "7"
    status, body = await slack_http.interact(submission)
    assert (status, body) == (200, "")  # the modal closes at once; the verdict follows
    verdict = await slack_http.reply(click_key)
    text = block_texts(verdict["blocks"])
    assert verdict["response_type"] == "ephemeral"
    assert "*Answer:*" in text
    assert "Correct!" in text or "Not quite" in text


async def test_path_and_stats_and_teams(slack_http: SlackDriver) -> None:
    path = await slack_http.reply(await slack_http.command("path resnet"))
    assert "ResNet → skip connection" in block_texts(path["blocks"])
    created = await slack_http.reply(await slack_http.command("team create Gradients"))
    assert "Gradients" in block_texts(created["blocks"])


async def test_flashcard_reveal_then_self_rating_then_next(slack_http: SlackDriver) -> None:
    card = await slack_http.reply(await slack_http.command("attention"))
    typed, reveal, _hint = buttons(card["blocks"])
    assert (typed["action_id"], reveal["action_id"]) == (render.TYPED, render.REVEAL)

    revealed = await slack_http.reply(await slack_http.click(reveal))
    assert "How well did you know it?" in block_texts(revealed["blocks"])
    assert "Key points" in block_texts(revealed["blocks"])
    ratings = {b["text"]["text"]: b for b in buttons(revealed["blocks"])}
    flag = ":triangular_flag_on_post: Flag"
    assert set(ratings) == {"Again", "Hard", "Good", "Easy", ":book: More", flag}

    rated = await slack_http.reply(await slack_http.click(ratings["Good"]))
    assert "comes back when it is due" in block_texts(rated["blocks"])
    next_button, more, flag_button = buttons(rated["blocks"])
    assert next_button["action_id"] == render.NEXT
    assert (more["action_id"], flag_button["action_id"]) == (render.MORE, render.FLAG)

    shown = block_texts((await slack_http.reply(await slack_http.click(more)))["blocks"])
    assert "*Model answer*\nAttention re-weights features" in shown
    assert "*Key points*\n• first point" in shown
    assert "From the sources" in shown
    assert "Attention is what makes models smart." in shown
    assert "Disputed: Says nothing about what attention computes." in shown

    following = await slack_http.reply(await slack_http.click(next_button))
    assert any(b.get("block_id", "").startswith("ask:") for b in following["blocks"])
