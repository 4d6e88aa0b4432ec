"""Scripted players on the real bank: fair scoring, no loops, placement, a walk to the fringe."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from knowledge.bank import Bank
from knowledge.build import load_bank
from quizbot.bootstrap import Runtime, bootstrap
from quizbot.replies import AskKind, Board, Period, PlayerRef, QuestionCard, Verdict
from quizbot.selection import review_key
from quizbot.service import QuizService
from quizbot.storage.uow import question_ratings, rebuild_scores
from tests.integration.test_service_kit import FakeClock, make_bank, player, spec_of

ORDER = {"easy": 0, "medium": 1, "hard": 2}


@pytest.fixture(scope="module")
def real_bank() -> Bank:
    return load_bank()


@pytest.fixture
async def real(migrated_database_url: str, real_bank: Bank) -> AsyncIterator[Runtime]:
    runtime = await bootstrap(
        database_url=migrated_database_url, bank=real_bank, clock=FakeClock(), rng=random.Random(7)
    )
    try:
        yield runtime
    finally:
        await runtime.aclose()


async def _answer(svc: QuizService, me: PlayerRef, card: QuestionCard, right: bool) -> Verdict:
    spec = await spec_of(svc, me, card.ask_id)
    if card.kind is AskKind.OPEN:
        await svc.answer(me, card.ask_id, "")
        return await svc.rate(me, card.ask_id, "good" if right else "again")
    if right:
        return await svc.answer(me, card.ask_id, spec.correct)
    if spec.choices:
        return await svc.answer(
            me, card.ask_id, next(c.id for c in spec.choices if c.id != spec.correct)
        )
    return await svc.answer(me, card.ask_id, "1" if card.kind is AskKind.COMPUTED else "no idea")


async def test_a_strong_player_climbs_fast_and_meets_every_kind(real: Runtime) -> None:
    svc, me = real.service, player("strong")
    card = await svc.ask(me)
    levels: list[str] = []
    kinds: list[AskKind] = []
    for _ in range(20):
        levels.append(card.difficulty or "medium")
        kinds.append(card.kind)
        verdict = await _answer(svc, me, card, right=True)
        assert verdict.correct is not False
        card = verdict.next or await svc.ask(me)
    assert levels[0] == "easy"
    assert "medium" in levels[:3] and "hard" in levels[:6], levels
    assert len(set(kinds)) >= 3 and AskKind.COMPUTED in kinds, kinds
    after_placement = kinds[8:]
    assert after_placement.count(AskKind.CONCEPT) <= len(after_placement) / 3 + 1


async def test_a_farmer_scores_each_question_once_until_it_is_due(real: Runtime) -> None:
    svc, me = real.service, player("farmer")
    scored: Counter[str] = Counter()
    for topic in ("resnet", "receptive field", "mixup"):
        for _ in range(15):
            card = await svc.ask(me, topic)
            key = review_key(await spec_of(svc, me, card.ask_id))
            verdict = await _answer(svc, me, card, right=True)
            if verdict.points:
                scored[key] += 1
    assert scored and max(scored.values()) == 1, scored
    board = await svc.leaderboard(me, Board.PLAYERS, Period.ALL)
    before = [(r.name, r.points) for r in board.rows]
    # The totals are reproducible from the answer log.
    assert await rebuild_scores(svc.store) > 0
    after = await svc.leaderboard(me, Board.PLAYERS, Period.ALL)
    assert [(r.name, r.points) for r in after.rows] == before
    assert (await svc.stats(me)).points == before[0][1]


async def test_repeats_before_due_are_practice_then_score_again_when_due(
    migrated_database_url: str,
) -> None:
    clock = FakeClock()
    runtime = await bootstrap(
        database_url=migrated_database_url, bank=make_bank(), clock=clock, rng=random.Random(5)
    )
    svc, me = runtime.service, player("farmer")
    try:
        points: dict[str, list[int]] = {}
        notes: list[str] = []
        for _ in range(30):  # a tiny bank: everything comes round again within minutes
            card = await svc.ask(me, "vgg")
            key = review_key(await spec_of(svc, me, card.ask_id))
            verdict = await _answer(svc, me, card, right=True)
            points.setdefault(key, []).append(verdict.points)
            if verdict.practice:
                notes.append(verdict.practice)
            clock.advance(minutes=1)
        repeated = {k: v for k, v in points.items() if len(v) > 1}
        assert repeated, "the tiny bank must repeat something"
        assert all(v[0] > 0 and not any(v[1:]) for v in repeated.values() if v[0]), points
        assert notes and "counts again from" in notes[0]
        # Weeks later the cards are due: a right answer scores again.
        clock.advance(days=60)
        card = await svc.ask(me)
        assert (await _answer(svc, me, card, right=True)).points > 0
    finally:
        await runtime.aclose()


async def test_a_retry_after_the_answer_was_shown_is_practice(real: Runtime) -> None:
    svc, me = real.service, player("retry")
    card = await svc.ask(me, "resnet")
    first = await spec_of(svc, me, card.ask_id)
    verdict = await _answer(svc, me, card, right=False)
    retry = None
    while verdict.next is not None:
        nxt = verdict.next
        if nxt.is_retry and (await spec_of(svc, me, nxt.ask_id)).question_id == first.question_id:
            retry = nxt
            break
        verdict = await _answer(svc, me, nxt, right=True)
    assert retry is not None, "a right follow-up climbs back to the original"
    again = await spec_of(svc, me, retry.ask_id)
    assert [c.text for c in again.choices] != [c.text for c in first.choices]  # reshuffled
    done = await _answer(svc, me, retry, right=True)
    assert done.correct and done.points == 0 and done.practice


async def test_a_session_never_loops_and_a_topic_that_runs_out_says_so(real: Runtime) -> None:
    svc, me = real.service, player("looper")
    prompts: list[str] = []
    notes: list[str] = []
    for _ in range(20):
        card = await svc.ask(me, "mixup")  # one concept, no questions of its own
        prompts.append(card.prompt)
        if card.note:
            notes.append(card.note)
        await _answer(svc, me, card, right=True)
    assert all(a != b for a, b in itertools.pairwise(prompts))
    assert max(Counter(prompts).values()) <= 2
    assert notes and notes[0].startswith("Mixup: no more questions — next:")


async def test_skip_always_moves_on(real: Runtime) -> None:
    svc, me = real.service, player("skipper")
    seen = [(await svc.ask(me, "chain rule")).prompt]
    for _ in range(4):  # asked again without answering: something else each time
        seen.append((await svc.ask(me, "chain rule")).prompt)
        assert seen[-1] != seen[-2]


async def test_ratings_calibrate_each_question(real: Runtime) -> None:
    svc = real.service
    for n in range(3):
        me = player(f"rater{n}")
        card = await svc.ask(me, "resnet")
        await _answer(svc, me, card, right=n == 0)
    rows = await question_ratings(real.sessions)
    assert rows and all(answers >= 1 for _, _, answers, _ in rows)


async def test_a_weak_player_is_walked_to_the_missing_concept_and_climbs_back(
    migrated_database_url: str,
) -> None:
    """The player lacks the chain rule, four levels below ResNet: they miss everything that
    rests on it until a verdict has shown it to them, then learn one level at a time."""
    bank = make_bank()
    chain = ["resnet", "skip-connection", "vanishing-gradient", "backpropagation", "chain-rule"]
    runtime = await bootstrap(
        database_url=migrated_database_url, bank=bank, clock=FakeClock(), rng=random.Random(3)
    )
    svc, me = runtime.service, player("weak")
    shown: set[str] = set()  # concepts whose answer a verdict has shown

    def knows(concept: str) -> bool:
        if concept not in chain:
            return True
        below = chain[chain.index(concept) + 1 :]
        return concept in shown and all(knows(c) for c in below)

    try:
        asked: list[str] = []
        prompts: list[str] = []
        card: QuestionCard | None = await svc.ask(me, "resnet")
        while card is not None and len(asked) < 20:
            concept = (await spec_of(svc, me, card.ask_id)).concept_id
            asked.append(concept)
            prompts.append(card.prompt)
            verdict = await _answer(svc, me, card, right=knows(concept))
            if verdict.correct is False:
                shown.add(concept)
            card = verdict.next
        assert "chain-rule" in asked, asked
        bottom = asked.index("chain-rule")
        assert asked[:bottom] == chain[: len(asked[:bottom])]  # straight down, no restart
        # Back up one level at a time, each once the one below is right, ending on ResNet.
        climb = [c for c in asked[bottom:] if c != "chain-rule"]
        assert climb == list(reversed(chain[:-1])), asked
        assert verdict.correct is True
        assert all(a != b for a, b in itertools.pairwise(prompts))
    finally:
        await runtime.aclose()


async def test_db_questions_lists_calibrated_difficulty(
    real: Runtime, migrated_database_url: str
) -> None:
    svc = real.service
    for n in range(4):
        me = player(f"cal{n}")
        card = await svc.ask(me, "resnet")
        await _answer(svc, me, card, right=False)
    runner = CliRunner()
    shown = await asyncio.to_thread(
        runner.invoke, app, ["db", "questions", "--json", "--url", migrated_database_url]
    )
    assert shown.exit_code == 0, shown.output
    rows = [json.loads(line) for line in shown.output.splitlines()]
    assert rows and {"question", "source_level", "calibrated", "rating", "answers"} <= set(rows[0])
    missed = [r for r in rows if r["answers"] >= 2 and r["right"] == 0]
    # Every player missed it: its rating rose above its prior.
    assert missed and all(r["rating"] > r["prior"] for r in missed)
