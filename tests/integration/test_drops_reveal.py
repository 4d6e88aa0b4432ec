"""The reveal closes answers, reports the channel's result and awards points exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quizbot.asking.spec import AskSpec
from quizbot.drops.reveal import FIRST_CORRECT_BONUS, drop_points
from quizbot.drops.runner import REVEAL_ID, DropRunner
from quizbot.drops.service import DropService
from quizbot.drops.tables import DropStatus
from quizbot.replies import PlayerRef
from quizbot.service import QuizService
from quizbot.storage.models import Ask
from quizbot.storage.uow import Tx
from tests.unit.drops.fakes import ADMIN, DropEnv, FakePublisher, drop_env, drop_rows

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def player(n: int) -> PlayerRef:
    return PlayerRef("discord", "guild-1", f"user-{n}", f"Player {n}")


async def _spec(env: DropEnv, ask_id: str) -> AskSpec:
    async with env.sessions() as session:
        raw = (await session.execute(select(Ask.spec_json).where(Ask.id == ask_id))).scalar_one()
    return AskSpec.from_json(raw)


async def _points(env: DropEnv, who: PlayerRef) -> int:
    def read(tx: Tx) -> int:
        ws = tx.workspaces.find(who.platform, who.workspace)
        assert ws is not None
        repos = tx.scoped(ws.id)
        found = repos.players.find(who.user_id)
        assert found is not None
        return repos.boards.player_points(found[0], "all")

    return await env.service.store.run(read, write=False)


async def test_reveal_reports_the_channel_and_awards_points_once(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", None, 240)
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        card = env.publisher.drops[0][1]
        spec = await _spec(env, card.ask_id)
        wrong = next(c.id for c in spec.choices if c.id != spec.correct)
        for n, choice in [(2, wrong), (1, spec.correct), (3, spec.correct)]:
            env.clock.advance(minutes=5)
            verdict = await quiz.answer(player(n), card.ask_id, choice)
            assert verdict.pending_reveal and verdict.points == 0
        again = await quiz.answer(player(1), card.ask_id, spec.correct)  # a double click
        assert again.already_answered

        env.clock.now = berlin(MONDAY, 12, 59)
        assert await env.service.reveal_due() == []
        env.clock.now = berlin(MONDAY, 13, 0)
        revealed = await env.service.reveal_due()
        env.clock.advance(minutes=10)
        assert await env.service.reveal_due() == []  # a second sweep: nothing more
        late = await quiz.answer(player(4), card.ask_id, spec.correct)
        points = [await _points(env, player(n)) for n in (1, 2, 3)]
        rows = await drop_rows(env)

    assert len(revealed) == 1 and len(env.publisher.reveals) == 1
    channel, ref, reveal = env.publisher.reveals[0]
    assert (channel.channel_id, ref) == ("general", "msg-1")
    assert (reveal.answered, reveal.correct) == (3, 2)
    assert abs(reveal.share_correct - 2 / 3) < 1e-9
    assert reveal.first_correct == "Player 1"
    assert reveal.answer == spec.answer_text and reveal.explanation == spec.explanation
    base = drop_points(spec)
    assert points == [base + FIRST_CORRECT_BONUS, 0, base]
    assert late.closed
    assert rows[0].status == DropStatus.REVEALED and rows[0].reveal_posted_at is not None


async def test_reveal_at_next_drop_comes_before_the_next_question(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", "mon-fri", "next")
        env.clock.now = berlin(MONDAY, 9)
        await env.service.reveal_due()
        await env.service.post_due()
        env.clock.now = berlin(MONDAY, 20)
        assert await env.service.reveal_due() == []  # no 4-hour reveal
        env.clock.now = berlin(MONDAY + timedelta(days=1), 9)
        revealed = await env.service.reveal_due()
        await env.service.post_due()
        rows = await drop_rows(env)
    assert len(revealed) == 1
    assert [r.status for r in rows] == [DropStatus.REVEALED, DropStatus.POSTED]
    assert rows[0].revealed_at == berlin(MONDAY + timedelta(days=1), 9)
    assert env.publisher.reveals[0][2].answered == 0


async def test_reveal_post_retried_after_failure_without_double_points(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        card = env.publisher.drops[0][1]
        spec = await _spec(env, card.ask_id)
        await quiz.answer(player(1), card.ask_id, spec.correct)
        env.clock.now = berlin(MONDAY, 13)
        publisher = env.publisher

        async def broken(*_args: object) -> None:
            raise RuntimeError("platform down")

        publisher.post_reveal = broken  # type: ignore[method-assign, assignment]
        assert await env.service.reveal_due() == []
        del publisher.post_reveal  # back to the recording method
        env.clock.advance(minutes=15)
        assert len(await env.service.reveal_due()) == 1
        points = await _points(env, player(1))
    assert len(env.publisher.reveals) == 1
    assert points == drop_points(spec) + FIRST_CORRECT_BONUS


async def test_answers_close_at_the_reveal_time_even_before_the_sweep(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        card = env.publisher.drops[0][1]
        spec = await _spec(env, card.ask_id)
        await quiz.answer(player(1), card.ask_id, spec.correct)
        env.clock.now = berlin(MONDAY, 13)  # reveal time; the sweep has not run yet
        late = await quiz.answer(player(2), card.ask_id, spec.correct)
        await env.service.reveal_due()
        points = [await _points(env, player(n)) for n in (1, 2)]
    assert late.closed and late.points == 0
    (_, _, reveal) = env.publisher.reveals[0]
    assert (reveal.answered, reveal.correct, reveal.first_correct) == (1, 1, "Player 1")
    assert points == [drop_points(spec) + FIRST_CORRECT_BONUS, 0]


async def test_two_workers_revealing_at_once_post_and_award_once(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        other = DropService(
            env.service.store,
            env.service.bank,
            {"discord": env.publisher},
            env.clock,
            sleep=env.clock.sleep,
            monotonic=env.clock.monotonic,
        )
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        card = env.publisher.drops[0][1]
        spec = await _spec(env, card.ask_id)
        await quiz.answer(player(1), card.ask_id, spec.correct)
        env.clock.now = berlin(MONDAY, 13)
        results = await asyncio.gather(env.service.reveal_due(), other.reveal_due())
        points = await _points(env, player(1))
    assert sorted(len(r) for r in results) == [0, 1]
    assert len(env.publisher.reveals) == 1
    assert points == drop_points(spec) + FIRST_CORRECT_BONUS


async def test_a_reveal_fires_at_its_own_time_not_at_the_next_sweep(database_url: str) -> None:
    async with drop_env(database_url, berlin(MONDAY, 8)) as env:
        runner = DropRunner(env.service, sweep_seconds=3600)
        runner.scheduler.start(paused=True)  # jobs are planned; the test fires them by hand
        try:
            await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", None, "90m")
            await env.service.drop_set(ADMIN, "random", "09:00", "Europe/Berlin", None, "4h")
            assert runner.scheduler.get_job(REVEAL_ID) is None  # nothing posted yet
            env.clock.now = berlin(MONDAY, 9)
            await runner.tick()  # the 09:00 drop job: both drops go out
            job = runner.scheduler.get_job(REVEAL_ID)
            assert job is not None and job.next_run_time == berlin(MONDAY, 10, 30)
            env.clock.now = job.next_run_time  # the scheduler fires the job at that instant
            await job.func(*job.args)
            first = [reveal.drop_id for _channel, _ref, reveal in env.publisher.reveals]
            job = runner.scheduler.get_job(REVEAL_ID)
            assert job is not None and job.next_run_time == berlin(MONDAY, 13)
            env.clock.now = job.next_run_time
            await job.func(*job.args)
            assert runner.scheduler.get_job(REVEAL_ID) is None  # nothing left to reveal
            rows = {r.channel_id: r for r in await drop_rows(env)}
        finally:
            runner.stop()
    assert first == [rows["general"].id]
    assert rows["general"].revealed_at == berlin(MONDAY, 10, 30)
    assert rows["random"].revealed_at == berlin(MONDAY, 13)
    assert len(env.publisher.reveals) == 2


async def test_a_reveal_killed_mid_post_is_taken_over_within_a_minute_and_scores_once(
    database_url: str,
) -> None:
    async with drop_env(database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", None, 240)
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        card = env.publisher.drops[0][1]
        spec = await _spec(env, card.ask_id)
        await quiz.answer(player(1), card.ask_id, spec.correct)
        post = env.publisher.post_reveal

        async def killed(*_args: object, **_kw: object) -> None:
            raise RuntimeError("process killed mid-reveal")

        env.publisher.post_reveal = killed  # type: ignore[method-assign]
        env.clock.now = berlin(MONDAY, 13)
        assert await env.service.reveal_due() == []
        env.publisher.post_reveal = post  # type: ignore[method-assign]
        env.clock.advance(seconds=30)
        assert await env.service.reveal_due() == []  # its lease is still live
        env.clock.advance(seconds=31)
        retaken = await env.service.reveal_due()
        env.clock.advance(minutes=5)
        assert await env.service.reveal_due() == []
        points = await _points(env, player(1))
        rows = await drop_rows(env)
    assert len(retaken) == 1 and len(env.publisher.reveals) == 1
    assert env.publisher.resumed == 1  # the publisher was told to look for a posted reveal
    assert points == drop_points(spec) + FIRST_CORRECT_BONUS  # awarded once, at the close
    assert rows[0].reveal_posted_at is not None


async def test_a_card_posted_by_a_worker_that_died_is_revealed_and_scored_days_later(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        env.clock.now = berlin(MONDAY, 9)
        publisher = env.publisher

        async def dies_after_posting(*args: Any, **kwargs: Any) -> str:
            await FakePublisher.post_drop(publisher, *args, **kwargs)
            raise RuntimeError("the worker died before it heard back")

        publisher.post_drop = dies_after_posting  # type: ignore[method-assign]
        await env.service.post_due()
        del publisher.post_drop  # back to the recording method
        card = publisher.drops[0][1]  # in the channel, though the worker never recorded it
        spec = await _spec(env, card.ask_id)
        await quiz.answer(player(1), card.ask_id, spec.correct)
        await env.service.drop_off(ADMIN)  # even paused, and ...
        env.clock.now = berlin(MONDAY + timedelta(days=2), 10)  # ... long past grace and reveal
        report = await env.service.post_due()
        revealed = await env.service.reveal_due()
        points = await _points(env, player(1))
        rows = await drop_rows(env)
    assert report.posted == [rows[0].id] and report.skipped == []
    assert len(publisher.drops) == 1 and publisher.resumed >= 1  # found, not posted again
    assert revealed == [rows[0].id] and len(publisher.reveals) == 1
    assert rows[0].status == DropStatus.REVEALED and rows[0].message_ref == "msg-1"
    assert points == drop_points(spec) + FIRST_CORRECT_BONUS
