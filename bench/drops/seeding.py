"""The drop bench workspace: the answer bench's, plus past drops per channel and a big reveal."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.answers.common import load_bank
from bench.answers.seeding import BATCH, _bulk, analyze, seed
from quizbot.asking.spec import AskSpec
from quizbot.drops.choice import build_drop_ask, choose_drop
from quizbot.drops.tables import Drop, DropStatus
from quizbot.storage import models as m
from quizbot.storage.db import make_engine

REVEAL_CHANNEL = "reveal-4k"
ROSTER = 10  # players per channel; each answers a past drop with probability 0.6


def channel_name(i: int) -> str:
    return f"ch{i:04d}"


def _drop_row(
    drop_id: str, channel: str, day: datetime, status: str, ask_id: str, key: str | None
) -> dict[str, Any]:
    return {
        "id": drop_id,
        "schedule_id": None,
        "workspace_id": 1,
        "platform": "discord",
        "channel_id": channel,
        "local_date": day.date(),
        "due_at": day,
        "status": status,
        "question_key": key,
        "ask_id": ask_id,
        "claimed_by": "seed",
        "claimed_at": day,
        "posted_at": day,
        "message_ref": f"{channel}-seed",
        "reveal_at": day + timedelta(hours=4),
        "revealed_at": day + timedelta(hours=4) if status == DropStatus.REVEALED else None,
        "reveal_posted_at": day + timedelta(hours=4) if status == DropStatus.REVEALED else None,
    }


def _ask_row(ask_id: str, drop_id: str, at: datetime, spec: AskSpec) -> dict[str, Any]:
    return {
        "id": ask_id,
        "workspace_id": 1,
        "player_id": None,
        "kind": spec.kind.value,
        "concept_id": spec.concept_id,
        "question_id": spec.question_id,
        "spec_json": spec.to_json(),
        "concept_path": f'["{spec.concept_id}"]',
        "follow_up_of": None,
        "root_ask_id": ask_id,
        "depth": 0,
        "drop_id": drop_id,
        "created_at": at,
        "closes_at": at + timedelta(hours=4),
    }


def _answer(
    answer_id: int, ask_id: str, player: int, teams: int, concept: str, at: datetime, ok: bool
) -> dict[str, Any]:
    return {
        "id": answer_id,
        "ask_id": ask_id,
        "workspace_id": 1,
        "player_id": player,
        "team_id": (player % teams) + 1 if player % 10 != 0 else None,
        "concept_id": concept,
        "response": "a",
        "correct": ok,
        "points": 0,
        "answered_at": at,
    }


async def seed_drops_workspace(
    url: str,
    *,
    players: int,
    teams: int,
    answers: int,
    channels: int,
    past_days: int,
    reveal_answerers: int,
) -> dict[str, float]:
    """Seed the answer bench workspace (mastery on every concept), then in `channels` channels
    one revealed drop a day for `past_days` days answered by the channel's players, and one
    posted drop in REVEAL_CHANNEL, due for reveal, with `reveal_answerers` answers. ANALYZE last.
    """
    timings = await seed(url, players, teams, answers, mastery_concepts=None, statistics=False)
    t0 = time.perf_counter()
    rng = random.Random(3)
    bank = load_bank()
    now = datetime.now(UTC).replace(microsecond=0)
    next_answer = answers + 1
    drops: list[dict[str, Any]] = []
    asks: list[dict[str, Any]] = []
    log: list[dict[str, Any]] = []
    engine = make_engine(url)
    try:
        for c in range(channels):
            channel = channel_name(c)
            roster = [(c * ROSTER + k) % players + 1 for k in range(ROSTER)]
            for back in range(1, past_days + 1):
                day = (now - timedelta(days=back)).replace(hour=9, minute=0, second=0)
                pick = choose_drop(bank, mastery={}, recent={}, weekday=day.weekday(), rng=rng)
                spec = build_drop_ask(bank, pick, rng)
                drop_id, ask_id = f"d{c:05d}{back:04d}".ljust(32, "0"), f"a{c:05d}{back:04d}"
                drops.append(
                    _drop_row(drop_id, channel, day, DropStatus.REVEALED, ask_id, pick.key)
                )
                asks.append(_ask_row(ask_id, drop_id, day, spec))
                for p in roster:
                    if rng.random() < 0.6:
                        at = day + timedelta(minutes=rng.randint(1, 200))
                        ok = rng.random() < 0.6
                        log.append(_answer(next_answer, ask_id, p, teams, spec.concept_id, at, ok))
                        next_answer += 1
            if len(log) >= BATCH:
                await _flush(engine, drops, asks, log)
        # The big reveal: posted four hours ago, its reveal time a minute past.
        day = now - timedelta(hours=4)
        pick = choose_drop(bank, mastery={}, recent={}, weekday=day.weekday(), rng=rng)
        spec = build_drop_ask(bank, pick, rng)
        drop_id, ask_id = "r".ljust(32, "0"), "reveal-ask"
        row = _drop_row(drop_id, REVEAL_CHANNEL, day, DropStatus.POSTED, ask_id, pick.key)
        row["reveal_at"] = now - timedelta(minutes=1)
        drops.append(row)
        asks.append(_ask_row(ask_id, drop_id, day, spec))
        for p in range(1, reveal_answerers + 1):
            at = day + timedelta(seconds=p)
            ok = rng.random() < 0.6
            log.append(_answer(next_answer, ask_id, p, teams, spec.concept_id, at, ok))
            next_answer += 1
        await _flush(engine, drops, asks, log)
        timings["seed_drops_s"] = round(time.perf_counter() - t0, 1)
        t1 = time.perf_counter()
        await analyze(engine)
        timings["analyze_s"] = round(time.perf_counter() - t1, 1)
        timings["drop_answers"] = next_answer - answers - 1
    finally:
        await engine.dispose()
    return timings


async def _flush(
    engine: Any, drops: list[dict[str, Any]], asks: list[dict[str, Any]], log: list[dict[str, Any]]
) -> None:
    await _bulk(engine, Drop, drops)
    await _bulk(engine, m.Ask, asks)
    await _bulk(engine, m.Answer, log)
    drops.clear()
    asks.clear()
    log.clear()
