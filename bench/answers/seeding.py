"""Bulk-load the bench workspace (players, teams, 1M asks+answers+ledger, learning state)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.answers.common import PLATFORM, WORKSPACE, load_bank
from quizbot.asking.computed import make_computed_ask
from quizbot.review import review
from quizbot.storage import models as m
from quizbot.storage.db import make_engine, make_sessions, upgrade
from quizbot.storage.uow import rebuild_scores


def ask_row(
    i: int, player: int, at: datetime, kind: str, concept: str, question: str | None, spec: str
) -> dict[str, Any]:
    """Row number `i` of a seeded `asks` table: a root ask of workspace 1."""
    ask_id = f"{i:032x}"
    return {
        "id": ask_id,
        "workspace_id": 1,
        "player_id": player,
        "kind": kind,
        "concept_id": concept,
        "question_id": question,
        "spec_json": spec,
        "concept_path": f'["{concept}"]',
        "follow_up_of": None,
        "root_ask_id": ask_id,
        "depth": 0,
        "drop_id": None,
        "created_at": at,
        "closes_at": None,
    }


def answer_row(
    i: int,
    player: int,
    team: int | None,
    at: datetime,
    concept: str,
    response: str,
    correct: bool,
    points: int,
) -> dict[str, Any]:
    """The answer (id `i + 1`) to seeded ask number `i`."""
    return {
        "id": i + 1,
        "ask_id": f"{i:032x}",
        "workspace_id": 1,
        "player_id": player,
        "team_id": team,
        "concept_id": concept,
        "response": response,
        "correct": correct,
        "points": points,
        "answered_at": at,
    }


BATCH = 20_000
CHUNK = 100_000  # answers built in memory at a time


async def _bulk(engine: AsyncEngine, model: type, rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for i in range(0, len(rows), BATCH):
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows[i : i + BATCH])


async def seed(
    url: str,
    players: int,
    teams: int,
    answers: int,
    *,
    mastery_concepts: int | None = 20,
    statistics: bool = True,
) -> dict[str, float]:
    """Bulk-load a workspace with Core executemany, then rebuild its boards from the logs.

    `mastery_concepts`: concepts of the bank each player has mastery on (None: all of them).
    `statistics`: run ANALYZE at the end (callers adding more rows do it later).
    """
    rng = random.Random(1)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    await upgrade(url)
    engine = make_engine(url)
    spec_json = make_computed_ask(rng, "pooling").to_json()
    card_json, due = review(None, True, None, now)
    try:
        team_of = await _seed_tenancy(engine, now, players, teams)
        timings["seed_tenancy_s"] = round(time.perf_counter() - t0, 1)
        t1 = time.perf_counter()
        await _seed_answers(engine, rng, now, players, answers, team_of, spec_json)
        timings["seed_answers_s"] = round(time.perf_counter() - t1, 1)
        t2 = time.perf_counter()
        await _seed_learning(engine, rng, now, players, card_json, due, mastery_concepts)
        timings["seed_learning_s"] = round(time.perf_counter() - t2, 1)
        t3 = time.perf_counter()
        await rebuild_scores(make_sessions(engine))
        timings["rebuild_scores_s"] = round(time.perf_counter() - t3, 1)
        if statistics:
            await analyze(engine)
    finally:
        await engine.dispose()
    return timings


async def _seed_tenancy(
    engine: AsyncEngine, now: datetime, players: int, teams: int
) -> dict[int, int]:
    """Workspace, players, teams and memberships (nine players in ten); returns player -> team."""
    await _bulk(
        engine,
        m.Workspace,
        [
            {
                "id": 1,
                "platform": PLATFORM,
                "external_id": WORKSPACE,
                "timezone": "Europe/Paris",
                "created_at": now,
            }
        ],
    )
    await _bulk(
        engine,
        m.Player,
        [
            {
                "id": p,
                "workspace_id": 1,
                "external_id": f"u{p}",
                "display_name": f"Player {p}",
                "created_at": now,
            }
            for p in range(1, players + 1)
        ],
    )
    await _bulk(
        engine,
        m.Team,
        [
            {
                "id": t,
                "workspace_id": 1,
                "name": f"Team {t}",
                "name_key": f"team {t}",
                "created_at": now,
            }
            for t in range(1, teams + 1)
        ],
    )
    team_of = {p: (p % teams) + 1 for p in range(1, players + 1) if p % 10 != 0}
    await _bulk(
        engine,
        m.TeamMember,
        [
            {"player_id": p, "team_id": t, "workspace_id": 1, "joined_at": now}
            for p, t in team_of.items()
        ],
    )
    return team_of


async def _seed_answers(
    engine: AsyncEngine,
    rng: random.Random,
    now: datetime,
    players: int,
    answers: int,
    team_of: dict[int, int],
    spec_json: str,
) -> None:
    """One ask, one answer (~70% right) and its ledger row per answer, over the last 120 days."""
    for start in range(0, answers, CHUNK):
        asks, log, ledger = [], [], []
        for i in range(start, min(answers, start + CHUNK)):
            pid = rng.randint(1, players)
            at = now - timedelta(seconds=rng.randint(60, 120 * 86400))
            correct = rng.random() < 0.7
            points = rng.choice((10, 20, 30)) if correct else 0
            asks.append(ask_row(i, pid, at, "computed", "pooling", None, spec_json))
            log.append(answer_row(i, pid, team_of.get(pid), at, "pooling", "7", correct, points))
            if points:
                ledger.append(
                    {
                        "workspace_id": 1,
                        "player_id": pid,
                        "team_id": team_of.get(pid),
                        "answer_id": i + 1,
                        "points": points,
                        "reason": "answer",
                        "awarded_at": at,
                    }
                )
        await _bulk(engine, m.Ask, asks)
        await _bulk(engine, m.Answer, log)
        await _bulk(engine, m.PointAward, ledger)


async def _seed_learning(
    engine: AsyncEngine,
    rng: random.Random,
    now: datetime,
    players: int,
    card_json: str,
    due: datetime,
    mastery_concepts: int | None = 20,
) -> None:
    """Mastery for every player on `mastery_concepts` concepts of the real bank (None: all) and
    a review card on the first 20, built a block of players at a time."""
    everything = sorted(load_bank().concepts)
    known = everything[:mastery_concepts] if mastery_concepts is not None else everything
    carded = everything[:20]
    block = max(1, BATCH // len(known))
    for first in range(1, players + 1, block):
        people = range(first, min(players, first + block - 1) + 1)
        await _bulk(
            engine,
            m.Mastery,
            [
                {
                    "player_id": p,
                    "concept_id": c,
                    "workspace_id": 1,
                    "p_known": rng.random(),
                    "attempts": 3,
                    "correct": 2,
                    "updated_at": now,
                }
                for p in people
                for c in known
            ],
        )
    await _bulk(
        engine,
        m.ReviewCard,
        [
            {
                "player_id": p,
                "key": f"concept:{c}",
                "workspace_id": 1,
                "card_json": card_json,
                "due_at": due,
            }
            for p in range(1, players + 1)
            for c in carded
        ],
    )


async def analyze(engine: AsyncEngine) -> None:
    """Refresh planner statistics after the bulk load (and fix the PostgreSQL id sequence)."""
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            # Seeded answers carry explicit ids: move the sequence past them.
            await auto.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('answers', 'id'), "
                "(SELECT max(id) FROM answers))"
            )
            await auto.exec_driver_sql("VACUUM ANALYZE")
    else:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")
