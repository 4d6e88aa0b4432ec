"""A drop asks about the concept *its channel's* players are weakest at, not the workspace's."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.drops.service import DropService
from quizbot.drops.tables import Drop, DropStatus
from quizbot.replies import PlayerRef
from quizbot.service import QuizService
from quizbot.storage.models import Mastery, Player, Workspace
from tests.content import reviewed
from tests.unit.drops.fakes import ADMIN, CONCEPT_IDS, DropEnv, drop_env, drop_rows

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def berlin(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), BERLIN).astimezone(UTC)


def player(n: int) -> PlayerRef:
    return PlayerRef("discord", "guild-1", f"user-{n}", f"Player {n}")


async def _set_mastery(env: DropEnv, levels: dict[str, dict[str, float]]) -> None:
    """Replace the mastery rows: user id -> concept -> p_known (every concept given)."""
    async with env.sessions() as session:
        ids = dict((await session.execute(select(Player.external_id, Player.id))).all())
        ws = (await session.execute(select(Player.workspace_id))).scalars().first()
        await session.execute(delete(Mastery))
        rows = [
            {
                "player_id": ids[user],
                "concept_id": concept,
                "workspace_id": ws,
                "p_known": p,
                "attempts": 3,
                "correct": 1,
                "updated_at": env.clock.now,
            }
            for user, concepts in levels.items()
            for concept, p in concepts.items()
        ]
        await session.execute(insert(Mastery), rows)
        await session.commit()


def _strong_except(weak: str, level: float) -> dict[str, float]:
    return {c: (level if c == weak else 0.9) for c in CONCEPT_IDS}


async def test_each_channel_gets_its_own_players_weakest_concept(
    migrated_database_url: str,
) -> None:
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
        for channel in ("alpha", "beta", "gamma"):
            await env.service.drop_set(ADMIN, channel, "09:00", "Europe/Berlin", "daily")
        env.clock.now = berlin(MONDAY, 9)
        await env.service.post_due()
        cards = {channel.channel_id: card for channel, card in env.publisher.drops}
        # Player 1 plays in #alpha, player 2 in #beta; nobody has answered in #gamma yet.
        await quiz.answer(player(1), cards["alpha"].ask_id, "a")
        await quiz.answer(player(2), cards["beta"].ask_id, "a")
        # Workspace-wide, kernel (0.45) is weaker than pooling (0.6); per channel it differs.
        await _set_mastery(
            env,
            {"user-1": _strong_except("pooling", 0.3), "user-2": _strong_except("kernel", 0.0)},
        )
        env.publisher.drops.clear()
        env.clock.now = berlin(MONDAY + timedelta(days=1), 9)
        await env.service.post_due()
        concepts = {channel.channel_id: card.concepts for channel, card in env.publisher.drops}
    assert concepts == {"alpha": ("pooling",), "beta": ("kernel",), "gamma": ("kernel",)}


async def test_a_question_comes_back_only_after_sixty_days(migrated_database_url: str) -> None:
    concept = Concept("pooling", "pooling", "operation", "Downsampling by a window statistic.")
    levels = {"q-a": Difficulty.EASY, "q-b": Difficulty.EASY, "q-c": Difficulty.HARD}
    questions = [
        Question(qid, f"What about {qid}?", f"Gist {qid}. More.", f"Gist {qid}", lvl, ("pooling",))
        for qid, lvl in levels.items()
    ]
    bank = Bank.from_parts([concept], [reviewed(q) for q in questions])
    async with drop_env(migrated_database_url, berlin(MONDAY, 8)) as env:
        service = DropService(
            env.service.store, bank, {"discord": env.publisher}, env.clock, rng=random.Random(5)
        )
        await service.drop_set(ADMIN, "general", "09:00", "Europe/Berlin", "daily")
        # Earlier drops here: q-a 30 days ago (inside the window), q-b 61 days ago (outside).
        async with env.sessions() as session:
            ws = (await session.execute(select(Workspace.id))).scalar_one()
            for qid, days in (("q-a", 30), ("q-b", 61)):
                day = MONDAY - timedelta(days=days)
                await session.execute(
                    insert(Drop).values(
                        id=f"old-{qid}",
                        workspace_id=ws,
                        platform="discord",
                        channel_id="general",
                        local_date=day,
                        due_at=berlin(day, 9),
                        status=DropStatus.REVEALED,
                        question_key=qid,
                    )
                )
            await session.commit()
        env.clock.now = berlin(MONDAY, 9)
        await service.post_due()
        rows = await drop_rows(env)
    # Monday wants an easy one: q-a is still barred, q-b is allowed again (q-c is hard).
    assert [r.question_key for r in rows if r.local_date == MONDAY] == ["q-b"]
