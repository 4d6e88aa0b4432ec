"""Answers per second beside bare one-row Core inserts per second: same process, same database,
interleaved rounds, so load on the box hits both alike."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from sqlalchemy import Table, insert, select

from bench.answers.common import PLATFORM, WORKSPACE, answer_card
from bench.answers.latency import _bare_row, _player_id
from knowledge.bank import Bank
from quizbot.bootstrap import bootstrap
from quizbot.replies import PlayerRef
from quizbot.services.asking import new_ask_id
from quizbot.storage import models as m

ASKS = cast(Table, m.Ask.__table__)
ANSWERS = cast(Table, m.Answer.__table__)


async def _rate(seconds: float, items: list[Any], one: Callable[[Any], Awaitable[Any]]) -> float:
    """Calls per second of `one` over `items` for about `seconds` (or until they run out)."""
    start, done = time.perf_counter(), 0
    for item in items:
        if time.perf_counter() - start >= seconds:
            break
        await one(item)
        done += 1
    return done / (time.perf_counter() - start)


async def side_by_side(
    url: str, players: int, seconds: float, bank: Bank, rounds: int = 3
) -> dict[str, Any]:
    """Each round: the answer path, a bare insert on the async engine, and a bare insert through
    the Store the answer path uses (same driver and thread hop), `seconds` each."""
    rng = random.Random(7)
    per_round = int(seconds * 1_500)  # more than the answer path can use in `seconds`
    bare_rows = int(seconds * 6_000)
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        svc = rt.service
        who = [PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(1, players)}") for _ in range(50)]
        cards = [(w, await svc.ask(w)) for i in range(per_round * rounds) for w in [who[i % 50]]]
        pid = await _player_id(rt.engine, who[0].user_id)
        # Asks for the bare rows to point at, copied from one real ask in one executemany.
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

        async def answer(item: tuple[PlayerRef, Any]) -> None:
            await answer_card(svc, item[0], item[1], rng)

        out: dict[str, list[float]] = {"answers": [], "bare_async": [], "bare_store": []}
        for r in range(rounds):
            mine = cards[r * per_round : (r + 1) * per_round]
            theirs = rows[r * 2 * bare_rows : (r + 1) * 2 * bare_rows]
            out["answers"].append(await _rate(seconds, mine, answer))
            out["bare_async"].append(await _rate(seconds, theirs[:bare_rows], bare_async))
            out["bare_store"].append(await _rate(seconds, theirs[bare_rows:], bare_store))
    result: dict[str, Any] = {k: [round(v, 1) for v in vs] for k, vs in out.items()}
    for bare in ("bare_async", "bare_store"):
        ratios = [a / b for a, b in zip(out["answers"], out[bare], strict=True)]
        result[f"answers_share_of_{bare}"] = {
            "min": round(min(ratios), 3),
            "median": round(statistics.median(ratios), 3),
        }
    return result
