"""Drop cards come from the private path's builder: a name-the-concept drop never shows its name."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime

from rich.console import Console

from adapters.console.render import JsonOutput, RichOutput
from adapters.discord import render as discord_render
from adapters.discord.ids import Mode
from adapters.slack import render as slack_render
from knowledge.bank import Bank
from knowledge.model import ChoiceItem, Concept, Difficulty, Distractor, Question
from quizbot.drops.service import DropService
from quizbot.replies import AskKind, QuestionCard
from tests.unit.drops.fakes import ADMIN, drop_env

MONDAY_9 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
# Names far from their ids, as in the real bank: a fake whose names equal its ids hid a leak.
CONCEPTS = {
    "bp": ("Backpropagation", "Sends the loss gradient layer by layer towards the inputs."),
    "relu-fn": ("Rectified linear unit", "Keeps positive inputs and zeroes the negative ones."),
}


def _concept_bank() -> Bank:
    """Concepts without questions or confusables: every drop asks to type a concept's name."""
    return Bank.from_parts(
        [Concept(cid, name, "technique", text) for cid, (name, text) in CONCEPTS.items()], []
    )


def _rendered(card: QuestionCard) -> dict[str, str]:
    """The card as each front end would show it, as text."""
    embed = discord_render.drop_embed(card)
    view = discord_render.card_view(card, Mode.DROP)
    rich = Console(file=io.StringIO(), record=True, width=120)
    RichOutput(rich).question(card)
    lines = io.StringIO()
    JsonOutput(lines).question(card)
    return {
        "discord": json.dumps(embed.to_dict())
        + json.dumps([i.to_component_dict() for i in view.children]),
        "slack": json.dumps(slack_render.card_blocks(card)) + slack_render.card_text(card),
        "terminal": rich.export_text() + lines.getvalue(),
    }


async def _drop_card(database_url: str, bank: Bank) -> QuestionCard:
    async with drop_env(database_url, MONDAY_9) as env:
        service = DropService(
            env.service.store, bank, {"discord": env.publisher}, env.clock, rng=random.Random(3)
        )
        await service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        report = await service.post_due()
        assert len(report.posted) == 1
        return env.publisher.drops[0][1]


async def test_a_name_the_concept_drop_never_shows_the_name(database_url: str) -> None:
    card = await _drop_card(database_url, _concept_bank())
    assert card.kind is AskKind.CONCEPT and card.is_drop and not card.choices
    assert card.concepts == ()  # the concept is the answer: no id either
    cid = next(c for c, (name, text) in CONCEPTS.items() if text in card.prompt)
    name = CONCEPTS[cid][0]
    for platform, text in _rendered(card).items():
        assert name.lower() not in text.lower(), f"{platform} shows the answer {name!r}"
        assert f'"{cid}"' not in text, f"{platform} shows the concept id {cid!r}"


async def test_a_multiple_choice_drop_lists_concept_ids(database_url: str) -> None:
    wrong = tuple(Distractor(f"Wrong {n}", f"Why {n} is wrong") for n in (1, 2, 3))
    question = Question(
        "q-bp",
        "What does backpropagation compute?",
        "Gradients of the loss. Details.",
        "Gradients of the loss",
        Difficulty.EASY,
        ("bp",),
        reviewed=True,
        choice=ChoiceItem("The gradient of the loss for every weight", wrong),
    )
    bank = Bank.from_parts(
        [Concept(cid, name, "technique", text) for cid, (name, text) in CONCEPTS.items()],
        [question],
    )
    card = await _drop_card(database_url, bank)
    assert card.kind is AskKind.CHOICE
    assert card.concepts == ("bp",)  # ids, as on private cards and in the README
    assert card.concept_path == ("Backpropagation",)
