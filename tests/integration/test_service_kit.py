"""Shared bank, clock and helpers for the service tests (this module holds no tests)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question, Variant
from quizbot.asking.spec import AskSpec
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.replies import PlayerRef
from quizbot.service import QuizService
from quizbot.storage.uow import Tx
from tests.content import reviewed, with_confusables


def _concept(cid: str, name: str, kind: str, *pres: str, aliases: tuple[str, ...] = ()) -> Concept:
    return Concept(cid, name, kind, f"{name} is a thing about {cid}.", aliases, pres)


CONCEPTS = [
    _concept("resnet", "ResNet", "architecture", "skip-connection", aliases=("res net",)),
    _concept("vgg", "VGG", "architecture"),
    _concept("alexnet", "AlexNet", "architecture"),
    _concept("inception", "Inception", "architecture"),
    _concept("skip-connection", "skip connection", "technique", "vanishing-gradient"),
    _concept("vanishing-gradient", "vanishing gradient", "problem", "backpropagation"),
    _concept("backpropagation", "backpropagation", "algorithm", "chain-rule"),
    _concept("chain-rule", "chain rule", "math"),
]


def _q(qid: str, concept: str, gist: str, difficulty: Difficulty = Difficulty.MEDIUM) -> Question:
    return Question(qid, f"What is special about {concept}?", gist, gist, difficulty, (concept,))


RESNET_SOURCES = (
    Variant("book-a", "Q50", "What is ResNet?", answer="A network with 50 to 152+ layers."),
    Variant(
        "book-b",
        "Hard 22",
        "How do residual networks address vanishing gradients?",
        answer="Identity shortcuts carry the signal past each block.",
    ),
)
QUESTIONS = [
    replace(
        _q("q-resnet", "resnet", "Residual blocks let very deep nets train."),
        variants=(
            replace(RESNET_SOURCES[0], disputed="ResNet-18 and ResNet-34 exist too."),
            RESNET_SOURCES[1],
        ),
    ),
    _q("q-vgg", "vgg", "Stacks of small 3x3 convolutions."),
    _q("q-alexnet", "alexnet", "ReLU and dropout on GPUs won ImageNet 2012."),
    _q("q-inception", "inception", "Parallel convolutions of several sizes per block."),
    Question("q-open", "Derive the chain rule.", None, None, Difficulty.HARD, ("chain-rule",)),
]


def make_bank() -> Bank:
    return Bank.from_parts(with_confusables(CONCEPTS), [reviewed(q) for q in QUESTIONS])


@dataclass
class FakeClock:
    now: datetime = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def player(user: str = "u1", workspace: str = "g1", name: str = "") -> PlayerRef:
    return PlayerRef("discord", workspace, user, name or user.upper())


async def spec_of(service: QuizService, who: PlayerRef, ask_id: str) -> AskSpec:
    """The stored spec of an ask (what the test needs to answer right or wrong on purpose)."""

    def read(tx: Tx) -> AskSpec:
        ws = tx.workspaces.find(who.platform, who.workspace)
        assert ws is not None
        ask = tx.scoped(ws.id).asks.get(ask_id)
        assert ask is not None
        return ask.spec

    return await service.store.run(read, write=False)


async def right(service: QuizService, who: PlayerRef, ask_id: str) -> str:
    return (await spec_of(service, who, ask_id)).correct


async def wrong(service: QuizService, who: PlayerRef, ask_id: str) -> str:
    spec = await spec_of(service, who, ask_id)
    if not spec.choices:  # a typed answer: anything that names nothing
        return "no idea"
    return next(c.id for c in spec.choices if c.id != spec.correct)


async def set_timezone(service: QuizService, who: PlayerRef, tz: str) -> None:
    def write(tx: Tx) -> None:
        ws = tx.workspaces.get_or_create(who.platform, who.workspace, service.clock())
        tx.workspaces.set_timezone(ws.id, tz)

    await service.store.run(write)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def runtime(migrated_database_url: str, clock: FakeClock) -> AsyncIterator[Runtime]:
    rt = await bootstrap(
        database_url=migrated_database_url, bank=make_bank(), clock=clock, rng=random.Random(7)
    )
    yield rt
    await rt.aclose()
