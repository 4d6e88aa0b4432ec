"""One process: a fan-out to every channel, a 4,000-answerer reveal and a stream of answers."""

from __future__ import annotations

import asyncio
import cProfile
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from bench.answers.common import PLATFORM, WORKSPACE, answer_card
from bench.answers.latency import _bare_row, _player_id
from bench.answers.sidebyside import _rate
from bench.answers.stats import summary
from bench.drops.fakeapi import GLOBAL_LIMIT, FakeDiscord, HttpPublisher, client
from bench.drops.seeding import REVEAL_CHANNEL, channel_name
from knowledge.bank import Bank
from quizbot.bootstrap import bootstrap
from quizbot.drops.tables import Drop
from quizbot.replies import PlayerRef, QuestionCard
from quizbot.service import QuizService
from quizbot.services.asking import new_ask_id
from quizbot.storage import models as m

ASKS = cast(Table, m.Ask.__table__)
ANSWERS = cast(Table, m.Answer.__table__)
ADMIN = PlayerRef(PLATFORM, WORKSPACE, "admin", "Admin", is_admin=True)


def askers(rng: random.Random, players: int) -> PlayerRef:
    """A player from the upper half (the big reveal's answerers are the first 4,000)."""
    return PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(players // 2 + 1, players)}")


class ShiftedClock:
    """Real UTC time, optionally shifted (schedules are set 'before' the drop minute)."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


async def answer_stream(
    svc: QuizService,
    cards: list[tuple[PlayerRef, QuestionCard]],
    rate: float,
    stop: asyncio.Event | None = None,
) -> dict[str, Any]:
    """Answer `cards` one at a time at about `rate` per second (or back to back when behind)
    until they run out or `stop` is set; latency of each, and errors by type."""
    rng = random.Random(11)
    samples: list[int] = []
    errors: dict[str, int] = {}
    start = time.perf_counter()
    for i, (who, card) in enumerate(cards):
        if stop is not None and stop.is_set():
            break
        wait = start + i / rate - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        t = time.perf_counter_ns()
        try:
            await answer_card(svc, who, card, rng)
        except Exception as exc:  # counted: an answer that fails under load is the finding
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        samples.append(time.perf_counter_ns() - t)
    out: dict[str, Any] = summary(samples) if samples else {"n": 0}
    out["max"] = round(max(samples) / 1e6, 1) if samples else None
    out["per_s"] = round(len(samples) / (time.perf_counter() - start), 1)
    out["errors"] = errors
    return out


async def timed(coro: Awaitable[Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await coro
    return time.perf_counter() - start, result


async def fan_out(
    url: str,
    bank: Bank,
    *,
    channels: int,
    players: int,
    rate: float,
    fail_rate: float,
    profile: str | None = None,
) -> dict[str, Any]:
    """Set `channels` schedules due this minute, answer `rate`/s alone (baseline), then post
    every drop and reveal the big drop while answering; check nothing was lost or doubled.

    `profile`: a file for cProfile stats of the event-loop thread during the fan-out (what
    blocks the loop; the Store's worker threads are not in it).
    """
    api = FakeDiscord(fail_rate)
    runner, port = await api.serve()
    clock = ShiftedClock()
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    out: dict[str, Any] = {"channels": channels, "floor_s": channels / GLOBAL_LIMIT}
    rt = await bootstrap(database_url=url, bank=bank, migrate=False, clock=clock)
    try:
        async with client(port) as http:
            drops = rt.drops
            assert drops is not None
            drops.add_publisher(HttpPublisher(http))
            svc = rt.service
            clock.shift = (due - timedelta(minutes=5)) - datetime.now(UTC)
            for i in range(channels):
                await drops.drop_set(ADMIN, channel_name(i), f"{due:%H:%M}", "UTC", "daily")
            clock.shift = timedelta(0)
            rng = random.Random(5)
            who = [askers(rng, players) for _ in range(int(rate * 45))]  # asked untimed
            cards = [(w, await svc.ask(w)) for w in who]
            base_n = int(rate * 10)
            out["answer_alone"] = await answer_stream(svc, cards[:base_n], rate)
            stop = asyncio.Event()
            answering = asyncio.create_task(answer_stream(svc, cards[base_n:], rate, stop))
            profiler = cProfile.Profile() if profile else None
            if profiler is not None:
                profiler.enable()
            started = time.monotonic()
            revealing = asyncio.create_task(timed(drops.reveal_due()))
            post_s, report = await timed(drops.post_due())
            reveal_s, revealed = await revealing
            stop.set()
            out["answer_during"] = await answering
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(str(profile))
            again = await drops.post_due()
            out["post_s"] = round(post_s, 2)
            out["ratio"] = round(post_s / out["floor_s"], 3)
            first = min(api.accepted) - started
            out["first_post_s"] = round(first, 2)
            out["reveal_s"] = round(reveal_s, 2)
            out["revealed"] = len(revealed)
            out["posted_failed_again"] = [len(report.posted), len(report.failed), len(again.posted)]
            out["api"] = {str(k): v for k, v in api.status.items()}
            out["max_in_1s"] = api.max_in_window
            out["throughput"] = await side_by_side(rt, svc, players)
            async with rt.engine.connect() as conn:
                out["drop_rows"] = dict(
                    (await conn.execute(select(Drop.status, func.count()).group_by(Drop.status)))
                    .tuples()
                    .all()
                )
    finally:
        await rt.aclose()
        await runner.cleanup()
    names = [channel_name(i) for i in range(channels)]
    out["lost"] = sum(1 for c in names if api.cards[c] == 0)
    out["duplicated"] = sum(1 for c in names if api.cards[c] > 1)
    out["reveal_posts"] = api.reveals[REVEAL_CHANNEL]
    return out


async def side_by_side(rt: Any, svc: QuizService, players: int, rounds: int = 3) -> dict[str, Any]:
    """Closed-loop answers/s beside bare one-row inserts/s through the same Store and on the
    async engine: same process, database and driver, interleaved rounds of about 2 s."""
    rng = random.Random(9)
    who = [askers(rng, players) for _ in range(50)]
    per_round = 300
    cards = [(w, await svc.ask(w)) for i in range(per_round * rounds) for w in [who[i % 50]]]
    pid = await _player_id(rt.engine, who[0].user_id)
    bare_rows = 8_000
    async with rt.engine.begin() as conn:
        template = dict((await conn.execute(select(ASKS).limit(1))).mappings().one())
        ids = [new_ask_id() for _ in range(bare_rows * 2 * rounds)]
        await conn.execute(insert(ASKS), [{**template, "id": i} for i in ids])
    rows = [_bare_row(i, pid) for i in ids]
    statement = insert(ANSWERS)

    async def bare_async(row: dict[str, Any]) -> None:
        async with rt.engine.begin() as conn:
            await conn.execute(statement, row)

    async def bare_store(row: dict[str, Any]) -> None:
        await svc.store.run(lambda tx: tx.session.execute(statement, row))

    async def answer(item: tuple[PlayerRef, QuestionCard]) -> None:
        await answer_card(svc, item[0], item[1], rng)

    runs: dict[str, Callable[[Any], Awaitable[None]]] = {
        "answers": answer,
        "bare_store": bare_store,
        "bare_async": bare_async,
    }
    got: dict[str, list[float]] = {k: [] for k in runs}
    for r in range(rounds):
        got["answers"].append(await _rate(2.0, cards[r * per_round : (r + 1) * per_round], answer))
        mine = rows[r * 2 * bare_rows : (r + 1) * 2 * bare_rows]
        got["bare_store"].append(await _rate(2.0, mine[:bare_rows], bare_store))
        got["bare_async"].append(await _rate(2.0, mine[bare_rows:], bare_async))
    return {k: [round(v) for v in vs] for k, vs in got.items()}
