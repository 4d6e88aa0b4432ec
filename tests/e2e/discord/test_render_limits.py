"""Rendering stays inside Discord's limits whatever the engine hands over."""

from __future__ import annotations

import re
import uuid

import pytest

from adapters.discord import ids, render
from adapters.discord.ids import MAX_CUSTOM_ID, Mode
from adapters.discord.pathimage import render_chains_png
from quizbot.asking.choice import CHOICE_IDS
from quizbot.replies import AskKind, Choice, QuestionCard, Verdict
from quizbot.review import RATINGS
from quizbot.services.answering import RATING_CHOICES

LONG = "why " * 2000


def _card(kind: AskKind = AskKind.CHOICE, **extra: object) -> QuestionCard:
    choices = tuple(Choice(c, f"{c} " * 200) for c in "abcd") if kind is AskKind.CHOICE else ()
    return QuestionCard(
        "0123456789abcdef0123456789abcdef",
        kind,
        LONG,
        choices,
        ("c",),
        ("ResNet", "skip connection", "vanishing gradient"),
        follow_up_of="0" * 32,
        source=LONG,
        hint="Answer with a whole number, like 10 or 10x10.",
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("kind", [AskKind.CHOICE, AskKind.COMPUTED, AskKind.OPEN])
async def test_a_wrong_answer_with_a_long_follow_up_fits_one_message(kind: AskKind) -> None:
    verdict = Verdict("1" * 32, False, LONG, LONG, source=LONG, next=_card(kind))
    reply = render.verdict_reply(verdict, Mode.PERSONAL)
    assert sum(len(e) for e in reply.embeds) <= 6000
    for embed in reply.embeds:
        assert len(embed.description or "") <= 4096
        assert all(len(f.value or "") <= 1024 for f in embed.fields)
    assert (reply.embeds[1].title or "").startswith("↪️ Follow-up")
    assert reply.view is not None
    for row in reply.view.to_components():
        for button in row["components"]:
            assert len(button["custom_id"]) <= MAX_CUSTOM_ID
            assert len(button["label"]) <= 80


async def test_the_concept_path_of_a_follow_up_is_shown() -> None:
    embed = render.card_embed(_card())
    path = next(f.value for f in embed.fields if f.name == "Concept path")
    assert path == "ResNet → skip connection → vanishing gradient"


@pytest.mark.parametrize(
    "flags", [{"already_answered": True}, {"pending_reveal": True}, {"closed": True}]
)
def test_no_answer_is_given_away_twice_or_before_a_reveal(flags: dict[str, bool]) -> None:
    verdict = Verdict("1" * 32, True, "the secret answer", "the secret why", **flags)  # type: ignore[arg-type]
    text = str(render.verdict_embed(verdict).to_dict())
    assert "secret" not in text


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_the_path_picture_is_a_png_a_layer_per_step() -> None:
    short = ("ResNet", "skip connection", "vanishing gradient")
    one = _png_size(render_chains_png((short,)))
    longer = _png_size(render_chains_png(((*short, "backpropagation", "chain rule"),)))
    assert longer[1] > one[1], "each further prerequisite is one layer lower"
    branch = render_chains_png((short, ("ResNet", "convolution")))
    assert branch != render_chains_png((short,)) and _png_size(branch)[1] == one[1]
    assert _png_size(render_chains_png(())) > (0, 0)  # a foundation still gets a picture


async def test_a_drop_verdict_offers_nothing_more_than_a_flag() -> None:
    verdict = Verdict("1" * 32, False, "x", "y", pending_reveal=True, next=_card())
    reply = render.verdict_reply(verdict, Mode.DROP)
    assert reply.view is not None and len(reply.embeds) == 1
    flag = ids.flag_id("1" * 32)
    assert [getattr(item, "custom_id", None) for item in reply.view.children] == [flag]


@pytest.mark.parametrize("mode", list(Mode))
def test_every_engine_choice_and_rating_makes_a_button_that_parses_back(mode: Mode) -> None:
    """Ask ids, choice ids and ratings come from the engine; each must survive the round trip."""
    ask = uuid.uuid4().hex
    for choice in (*CHOICE_IDS, render.REVEAL_CHOICE):
        match = re.fullmatch(ids.ANSWER_TEMPLATE, ids.answer_id(mode, ask, choice))
        assert match is not None and (match["ask"], match["choice"]) == (ask, choice)
    for rating in (*RATINGS, *(c.id for c in RATING_CHOICES)):
        match = re.fullmatch(ids.RATE_TEMPLATE, ids.rate_id(ask, rating))
        assert match is not None and match["rating"] == rating
    assert ids.parse_modal(ids.modal_id(mode, ask)) == ids.ModalTarget(mode, ask)


@pytest.mark.parametrize("choice", ["a b", "a:b", "é"])
def test_a_choice_id_no_button_could_parse_back_is_refused(choice: str) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        ids.answer_id(Mode.PERSONAL, "ask1", choice)
