"""The hot drop, answer and stats queries search an index, with or without planner statistics.

SQLite only: with `ANALYZE` statistics its planner may change its mind (it once chose a full
scan of `asks` for a channel's players). Every statement a drop sweep, an answer, a reveal and
the stats/leaderboard reads run on a seeded workspace is explained before and after ANALYZE.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from quizbot.replies import Board, Period, PlayerRef
from quizbot.service import QuizService
from tests.unit.drops.fakes import ADMIN, drop_env

DAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, 08:00 drops (UTC)
PLAYERS = 150
CHANNELS = 20
DAYS = 30
CONCEPTS = ("dropout", "batch-norm", "pooling", "stride", "padding", "kernel")
# Tables that grow with use; a full scan of any of them is a plan that does not scale.
BIG = {"answers", "asks", "mastery", "drops", "point_awards", "player_scores", "drop_posts"}


def _ts(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _seed(path: str) -> None:
    """A month of drops in every channel, answered by most players, plus private play."""
    rng = random.Random(3)
    db = sqlite3.connect(path)
    start = DAY - timedelta(days=DAYS)
    db.execute(
        "INSERT INTO workspaces (id, platform, external_id, timezone, created_at)"
        " VALUES (1, 'discord', ?, 'UTC', ?)",
        (ADMIN.workspace, _ts(start)),
    )
    db.executemany(
        "INSERT INTO players (id, workspace_id, external_id, display_name, created_at)"
        " VALUES (?, 1, ?, ?, ?)",
        [(p, f"user-{p}", f"Player {p}", _ts(start)) for p in range(1, PLAYERS + 1)],
    )
    db.executemany(
        "INSERT INTO mastery (player_id, concept_id, workspace_id, p_known, attempts, correct,"
        " updated_at) VALUES (?, ?, 1, ?, 3, 1, ?)",
        [(p, c, rng.random(), _ts(start)) for p in range(1, PLAYERS + 1) for c in CONCEPTS],
    )
    db.executemany(
        "INSERT INTO player_streaks (player_id, workspace_id, last_day, streak, best, answered,"
        " correct) VALUES (?, 1, ?, 1, 3, 40, 20)",
        [(p, DAY.date().isoformat()) for p in range(1, PLAYERS + 1)],
    )
    asks, answers, drops = [], [], []
    for day in range(DAYS):
        at = start + timedelta(days=day)
        for c in range(CHANNELS):
            drop_id, ask_id = f"d{day}-{c}", f"da{day}-{c}"
            drops.append(
                (
                    drop_id,
                    f"c{c:02d}",
                    at.date().isoformat(),
                    _ts(at),
                    f"q{day % 18}",
                    ask_id,
                    _ts(at),
                    _ts(at + timedelta(hours=4)),
                )
            )
            asks.append((ask_id, None, ask_id, drop_id, _ts(at)))
            for p in rng.sample(range(1, PLAYERS + 1), 5):
                answers.append((ask_id, p, rng.random() < 0.5, _ts(at + timedelta(minutes=p))))
        for p in rng.sample(range(1, PLAYERS + 1), 40):
            ask_id = f"pa{day}-{p}"
            asks.append((ask_id, p, ask_id, None, _ts(at)))
            answers.append((ask_id, p, rng.random() < 0.5, _ts(at + timedelta(minutes=1))))
    db.executemany(
        "INSERT INTO asks (id, workspace_id, player_id, kind, concept_id, spec_json,"
        " concept_path, root_ask_id, depth, drop_id, created_at)"
        " VALUES (?, 1, ?, 'choice', 'dropout', '{}', '[]', ?, 0, ?, ?)",
        asks,
    )
    db.executemany(
        "INSERT INTO answers (ask_id, workspace_id, player_id, concept_id, response, correct,"
        " points, answered_at) VALUES (?, 1, ?, 'dropout', 'a', ?, 10, ?)",
        answers,
    )
    db.executemany(
        "INSERT INTO drops (id, workspace_id, platform, channel_id, local_date, due_at, status,"
        " question_key, ask_id, posted_at, reveal_at, revealed_at, reveal_posted_at)"
        " VALUES (?, 1, 'discord', ?, ?, ?, 'revealed', ?, ?, ?, ?, ?, ?)",
        [(*d, d[-1], d[-1]) for d in drops],
    )
    db.commit()
    db.close()


@contextmanager
def _captured() -> Iterator[list[tuple[str, Any]]]:
    """Every single statement (not executemany) run by any engine meanwhile."""
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if not many:
            seen.append((sql, params))

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def _full_scans(db: sqlite3.Connection, statements: list[tuple[str, Any]]) -> set[str]:
    """'table: statement' for every statement whose plan scans a big table."""
    found = set()
    for sql, params in statements:
        if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT)", sql, re.I):
            continue
        for row in db.execute("EXPLAIN QUERY PLAN " + sql, params or ()):
            step = row[-1]
            scanned = re.match(r"SCAN (\w+)", step)
            if scanned and scanned.group(1) in BIG:
                found.add(f"{step}: ...{' '.join(sql.split())[-200:]}")  # the WHERE
    return found


async def test_hot_queries_use_their_indexes_with_and_without_analyze(
    migrated_database_url: str,
) -> None:
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("checks SQLite's planner (ANALYZE statistics change its plans)")
    path = migrated_database_url.split("///", 1)[1]
    _seed(path)
    async with drop_env(migrated_database_url, DAY - timedelta(days=DAYS + 1)) as env:
        for c in range(CHANNELS):
            await env.service.drop_set(ADMIN, f"c{c:02d}", "08:00", "UTC")
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        env.clock.now = DAY
        me = PlayerRef("discord", ADMIN.workspace, "user-1", "Player 1")
        with _captured() as statements:
            await env.service.post_due()
            card = env.publisher.drops[0][1]
            await quiz.answer(me, card.ask_id, card.choices[0].id)
            env.clock.advance(hours=4)
            await env.service.reveal_due()
            await quiz.stats(me)
            await quiz.leaderboard(me, Board.PLAYERS, Period.WEEK)
    assert len(env.publisher.reveals) == CHANNELS
    db = sqlite3.connect(path)
    try:
        before = _full_scans(db, statements)
        db.execute("ANALYZE")
        after = _full_scans(db, statements)
    finally:
        db.close()
    assert sorted(before) == []
    assert sorted(after) == []
