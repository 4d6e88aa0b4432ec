"""What every answer-bench stage shares: the seeded workspace's ids, the bank, answering a card."""

from __future__ import annotations

import random
from typing import Any

from knowledge.bank import Bank
from quizbot.replies import AskKind, PlayerRef, QuestionCard

PLATFORM, WORKSPACE = "discord", "bench-guild"


def load_bank() -> Bank:
    from knowledge.build import load_bank as build

    return build()


def reply_for(card: QuestionCard, rng: random.Random) -> str:
    if card.choices:
        return rng.choice(card.choices).id
    return str(rng.randint(1, 64))


async def answer_card(service: Any, who: PlayerRef, card: QuestionCard, rng: random.Random) -> Any:
    if card.kind is AskKind.OPEN:
        return await service.rate(who, card.ask_id, "good")
    return await service.answer(who, card.ask_id, reply_for(card, rng))
