"""Per-call latency: answer + verdict, a bare one-row insert two ways, and the leaderboards."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.answers.common import PLATFORM, WORKSPACE, answer_card
from bench.answers.stats import summary
from knowledge.bank import Bank
from quizbot.bootstrap import bootstrap
from quizbot.replies import Board, Period, PlayerRef
from quizbot.storage import models as m


async def timed(fn: Callable[[], Awaitable[Any]]) -> int:
    start = time.perf_counter_ns()
    await fn()
    return time.perf_counter_ns() - start


async def measure(url: str, players: int, n: int, bank: Bank) -> dict[str, Any]:
    rng = random.Random(2)
    out: dict[str, Any] = {}
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        svc = rt.service
        who = [PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(1, players)}") for _ in range(n)]
        cards = [await svc.ask(w) for w in who]  # untimed: the asks being answered
        for w, c in list(zip(who, cards, strict=True))[:50]:  # warm caches and pools
            await answer_card(svc, w, c, rng)
        samples = [
            await timed(partial(answer_card, svc, w, c, rng))
            for w, c in list(zip(who, cards, strict=True))[50:]
        ]
        out["answer_verdict"] = summary(samples)

        # Bare Core insert of one answer row in its own transaction, same database and run.
        bare_asks = [await svc.ask(w) for w in who[: n // 2]]
        pid = await _player_id(rt.engine, who[0].user_id)
        table = cast(Table, m.Answer.__table__)
        bare: list[int] = []
        for card in bare_asks:
            row = _bare_row(card.ask_id, pid)

            async def one(row: dict[str, Any] = row) -> None:
                async with rt.engine.begin() as conn:
                    await conn.execute(insert(table).values(**row))

            bare.append(await timed(one))
        out["bare_core_insert_async_engine"] = summary(bare)

        # The same bare insert through the Store our answer path uses (same thread hop).
        more = [await svc.ask(w) for w in who[: n // 2]]
        bare_store: list[int] = []
        for card in more:
            row = _bare_row(card.ask_id, pid)

            def bare_tx(tx: Any, row: dict[str, Any] = row) -> None:
                tx.session.execute(insert(table).values(**row))

            bare_store.append(await timed(partial(svc.store.run, bare_tx)))
        out["bare_core_insert_store"] = summary(bare_store)
        for name in ("async_engine", "store"):
            out[f"ratio_answer_to_bare_{name}_p50"] = round(
                out["answer_verdict"]["p50"] / out[f"bare_core_insert_{name}"]["p50"], 1
            )

        for board in (Board.PLAYERS, Board.TEAMS):
            for period in (Period.WEEK, Period.MONTH, Period.ALL):
                got = [await timed(partial(svc.leaderboard, w, board, period)) for w in who[:300]]
                out[f"board_{board.value}_{period.value}"] = summary(got)
    return out


def _bare_row(ask_id: str, player_id: int) -> dict[str, Any]:
    return {
        "ask_id": ask_id,
        "workspace_id": 1,
        "player_id": player_id,
        "team_id": None,
        "concept_id": "x",
        "response": "a",
        "correct": True,
        "points": 10,
        "answered_at": datetime.now(UTC),
    }


async def _player_id(engine: AsyncEngine, external: str) -> int:
    async with engine.connect() as conn:
        return (
            await conn.exec_driver_sql(
                f"SELECT id FROM players WHERE external_id = '{external}' AND workspace_id = 1"
            )
        ).scalar_one()
