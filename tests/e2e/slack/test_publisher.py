"""SlackPublisher against the fake Web API: drop card, threaded reveal, retries on 429 / 5xx."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.slack.app import build_client
from adapters.slack.publisher import SlackPublisher
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import AskKind, Choice, DropReveal, QuestionCard
from quizbot.settings import Settings
from tests.e2e.slack.conftest import BOT_TOKEN, block_texts, buttons
from tests.e2e.slack.fake_slack import FakeSlack

CHANNEL = ChannelRef("slack", "T0001", "C0042")
CARD = QuestionCard(
    ask_id="drop-ask-1",
    kind=AskKind.CHOICE,
    prompt="Question q-resnet?",
    choices=(Choice("a", "Identity shortcuts"), Choice("b", "Small kernels")),
    concepts=("resnet",),
    concept_path=("ResNet",),
    is_drop=True,
)


async def test_drop_is_posted_with_buttons_after_a_rate_limit(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.failures["chat.postMessage"] = [429]
    publisher = SlackPublisher(build_client(settings))
    ts = await publisher.post_drop(CHANNEL, CARD)
    attempts = fake_slack.calls_to("chat.postMessage")
    assert len(attempts) == 2  # the 429 was retried by slack_sdk's handler
    posted = attempts[-1]
    assert posted.token == BOT_TOKEN and posted.args["channel"] == "C0042"
    assert [a.status for a in attempts] == [429, 200]
    assert ts == posted.result["ts"]
    assert "Question q-resnet?" in block_texts(posted.args["blocks"])
    assert [b["text"]["text"] for b in buttons(posted.args["blocks"])] == ["A", "B"]

    await publisher.post_reveal(
        CHANNEL,
        ts,
        DropReveal("drop-1", "drop-ask-1", "Question q-resnet?", "Identity", "Why.", 4, 3, "bob"),
    )
    reveal = fake_slack.calls_to("chat.postMessage")[-1]
    assert reveal.args["thread_ts"] == ts
    assert "4 answered · 75% correct · first right: bob" in block_texts(reveal.args["blocks"])


async def test_persistent_server_errors_become_retryable_for_the_scheduler(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.failures["chat.postMessage"] = [503, 503, 503]
    publisher = SlackPublisher(build_client(settings))
    with pytest.raises(PublishRetryable):
        await publisher.post_drop(CHANNEL, CARD)
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # one try and two retries


async def test_a_takeover_finds_the_card_and_reveal_a_dead_worker_posted(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    publisher = SlackPublisher(build_client(settings))
    ts = await publisher.post_drop(CHANNEL, CARD)  # the dead worker got this far
    reveal = DropReveal("drop-1", "drop-ask-1", "Question q-resnet?", "Identity", "Why.", 4, 3)
    await publisher.post_reveal(CHANNEL, ts, reveal)
    await publisher.post_drop(CHANNEL, replace(CARD, ask_id="drop-ask-2"))
    taken = await publisher.post_drop(CHANNEL, CARD, resume=True)
    await publisher.post_reveal(CHANNEL, ts, reveal, resume=True)
    fresh = await publisher.post_drop(CHANNEL, replace(CARD, ask_id="drop-ask-3"), resume=True)
    posted = fake_slack.channels["C0042"]
    assert taken == ts  # found by its metadata, not posted again
    assert [m.get("metadata", {}).get("event_type") for m in posted] == [
        "cnnquiz_drop",
        "cnnquiz_reveal",
        "cnnquiz_drop",
        "cnnquiz_drop",
    ]
    assert fresh == posted[-1]["ts"]  # nothing to find: posted
