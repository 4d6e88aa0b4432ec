"""Test doubles for drops: a small bank, a manual clock whose sleep advances time, a publisher."""

from __future__ import annotations

import math
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from knowledge.bank import Bank
from knowledge.model import ChoiceItem, Concept, Difficulty, Distractor, Question
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.drops.service import DropService
from quizbot.drops.tables import Drop
from quizbot.replies import DropReveal, PlayerRef, QuestionCard
from quizbot.storage.db import make_engine, make_sessions, upgrade


def _concept(cid: str, kind: str = "technique") -> Concept:
    return Concept(cid, cid.replace("-", " "), kind, f"The idea of {cid}, explained.")


def _question(qid: str, concept: str, difficulty: Difficulty) -> Question:
    gist = f"Gist of {qid}"
    wrong = tuple(Distractor(f"Misconception {n} of {qid}", f"Why {n} is wrong") for n in (1, 2, 3))
    return Question(
        qid,
        f"What about {qid}?",
        f"{gist}. Details.",
        gist,
        difficulty,
        (concept,),
        reviewed=True,
        choice=ChoiceItem(f"Right answer of {qid}", wrong),
    )


CONCEPT_IDS = ("dropout", "batch-norm", "pooling", "stride", "padding", "kernel")


def small_bank() -> Bank:
    """Six concepts with an easy, a medium and a hard question each (18 questions)."""
    levels = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
    questions = [
        _question(f"q-{cid}-{lvl.value}", cid, lvl) for cid in CONCEPT_IDS for lvl in levels
    ]
    return Bank.from_parts([_concept(c) for c in CONCEPT_IDS], questions)


class ManualClock:
    """UTC time that only moves when told to (or when code sleeps on it)."""

    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        # Round up to the microsecond a datetime can hold, so every sleep moves time.
        self.now += timedelta(microseconds=max(math.ceil(seconds * 1e6), 1))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class FakePublisher:
    """Records posts; `failures` is a queue of exceptions raised before a post succeeds.

    Like Slack, a takeover (`resume`) finds a card already posted instead of posting it again.
    """

    platform: str = "discord"
    drops: list[tuple[ChannelRef, QuestionCard]] = field(default_factory=list)
    reveals: list[tuple[ChannelRef, str, DropReveal]] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    attempts: int = 0
    resumed: int = 0  # posts made as a takeover (the publisher may find them posted already)

    def owns(self, workspace: str) -> bool:
        return True

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        self.attempts += 1
        self.resumed += int(resume)
        if self.failures:
            raise self.failures.pop(0)
        if resume:
            for n, (_where, posted) in enumerate(self.drops, start=1):
                if posted.ask_id == card.ask_id:
                    return f"msg-{n}"
        self.drops.append((channel, card))
        return f"msg-{len(self.drops)}"

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        self.resumed += int(resume)
        self.reveals.append((channel, message_ref, reveal))


def rate_limited(times: int, retry_after: float | None = 1.5) -> list[BaseException]:
    return [PublishRetryable(retry_after) for _ in range(times)]


@dataclass
class DropEnv:
    """A migrated database with a DropService on a manual clock and a fake Discord publisher."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: ManualClock
    publisher: FakePublisher
    service: DropService


ADMIN = PlayerRef("discord", "guild-1", "admin-1", "Ada", is_admin=True)


@asynccontextmanager
async def drop_env(database_url: str, start: datetime, **options: Any) -> AsyncIterator[DropEnv]:
    engine = make_engine(database_url)
    await upgrade(engine)
    sessions = make_sessions(engine)
    clock = ManualClock(start)
    publisher = FakePublisher()
    service = DropService(
        sessions,
        small_bank(),
        {"discord": publisher},
        clock,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        rng=random.Random(7),
        **options,
    )
    try:
        yield DropEnv(engine, sessions, clock, publisher, service)
    finally:
        await service.aclose()
        await engine.dispose()


async def drop_rows(env: DropEnv) -> list[Any]:
    """Every drop row, oldest first."""
    async with env.sessions() as session:
        rows = await session.execute(select(Drop.__table__).order_by(Drop.due_at))
        return list(rows)
