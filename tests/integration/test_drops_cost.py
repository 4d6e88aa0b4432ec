"""What drops cost: set-based reveal awards, one choice read per sweep, reads without the lock."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from quizbot.asking.spec import AskSpec
from quizbot.replies import Board, Period
from quizbot.service import QuizService
from quizbot.storage.models import Ask, PlayerScore, TeamActivity, TeamScore
from quizbot.storage.uow import Tx, rebuild_scores
from tests.integration.test_drops_reveal import MONDAY, berlin, player
from tests.unit.drops.fakes import ADMIN, DropEnv, drop_env


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs inside the block."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def _spec(env: DropEnv, ask_id: str) -> AskSpec:
    def read(tx: Tx) -> str:
        return str(tx.session.execute(select(Ask.spec_json).where(Ask.id == ask_id)).scalar_one())

    return AskSpec.from_json(await env.service.store.run(read, write=False))


async def _boards(env: DropEnv) -> dict[str, set[tuple[Any, ...]]]:
    def read(tx: Tx) -> dict[str, set[tuple[Any, ...]]]:
        return {
            m.__tablename__: {tuple(r) for r in tx.session.execute(select(m.__table__))}
            for m in (PlayerScore, TeamScore, TeamActivity)
        }

    return await env.service.store.run(read, write=False)


async def _two_reveals(env: DropEnv) -> tuple[list[int], QuizService]:
    """Two drops: 3 answerers reveal at 11:00, 12 at 13:00 (two teams, some players in none).

    Returns how many SQL statements each reveal ran, and the quiz service.
    """
    quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
    await quiz.team_create(player(0), "Owls")
    await quiz.team_create(player(1), "Larks")
    await env.service.drop_set(ADMIN, "small", "09:00", "Europe/Berlin", None, "2h")
    await env.service.drop_set(ADMIN, "big", "09:00", "Europe/Berlin", None, "4h")
    env.clock.now = berlin(MONDAY, 9)
    await env.service.post_due()
    cards = {channel.channel_id: card for channel, card in env.publisher.drops}
    for n in range(2, 12):
        if n % 3 != 2:
            await quiz.team_join(player(n), "owls" if n % 2 else "larks")
    for channel, who in (("small", range(100, 103)), ("big", range(12))):
        spec = await _spec(env, cards[channel].ask_id)
        wrong = next(c.id for c in spec.choices if c.id != spec.correct)
        for n in who:
            env.clock.advance(seconds=30)
            await quiz.answer(
                player(n), cards[channel].ask_id, wrong if n % 4 == 3 else spec.correct
            )
    counts = []
    for hour in (11, 13):
        env.clock.now = berlin(MONDAY, hour)
        with counted_statements() as seen:
            assert len(await env.service.reveal_due()) == 1
        counts.append(len(seen))
    return counts, quiz


async def test_a_reveal_runs_the_same_statements_for_3_or_12_answerers(database_url: str) -> None:
    async with drop_env(database_url, berlin(MONDAY, 8)) as env:
        counts, _quiz = await _two_reveals(env)
    assert counts[0] == counts[1]


async def test_set_based_reveal_boards_match_a_rebuild_from_the_logs(database_url: str) -> None:
    async with drop_env(database_url, berlin(MONDAY, 8)) as env:
        _counts, quiz = await _two_reveals(env)
        incremental = await _boards(env)
        board = await quiz.leaderboard(player(0), Board.TEAMS, Period.WEEK)
        await rebuild_scores(env.service.store)
        rebuilt = await _boards(env)
    assert incremental == rebuilt
    teams = {row.name: row for row in board.rows}
    assert set(teams) == {"Owls", "Larks"} and all(r.points > 0 for r in teams.values())


async def test_a_sweep_reads_choice_inputs_once_for_all_channels(database_url: str) -> None:
    async with drop_env(database_url, berlin(MONDAY, 8)) as env:
        for i in range(60):  # more than one claim chunk
            await env.service.drop_set(ADMIN, f"c{i:02d}", "09:00", "Europe/Berlin")
        env.clock.now = berlin(MONDAY, 9)
        with counted_statements() as seen:
            report = await env.service.post_due()
    assert len(report.posted) == 60
    mastery_reads = [s for s in seen if "FROM mastery" in s]
    assert 0 < len(mastery_reads) <= 3  # grouped queries, not one scan per drop or chunk


async def test_reads_do_not_wait_for_the_sqlite_write_lock(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL readers never wait for writers
    async with drop_env(database_url, datetime(2026, 11, 23, 7, tzinfo=UTC)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        await quiz.leaderboard(player(1), Board.PLAYERS, Period.ALL)  # first sight: a write
        await env.service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin")
        writer = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            async with asyncio.timeout(2):  # a writer would wait 5 s for busy_timeout
                board = await quiz.leaderboard(player(1), Board.PLAYERS, Period.WEEK)
                stats = await quiz.stats(player(1))
                schedules = await env.service.drop_list(ADMIN)
                teams = await quiz.team_list(player(1))
        finally:
            writer.execute("ROLLBACK")
            writer.close()
    assert board.caller is not None and stats.answered == 0
    assert [s.channel_id for s in schedules] == ["general"]
    assert teams.teams == () and teams.mine is None
