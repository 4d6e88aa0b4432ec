"""Sustained answers per second: one player loop per process, questions prepared first."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import random
import time
from typing import Any

from bench.answers.common import PLATFORM, WORKSPACE, answer_card, load_bank
from knowledge.bank import Bank
from quizbot.bootstrap import bootstrap
from quizbot.replies import PlayerRef


async def sustained(
    url: str,
    players: int,
    seconds: float,
    bank: Bank,
    seed_: int,
    barrier: Any = None,
    per_run: int = 12_000,
) -> float:
    """Answers per second one player loop sustains in this process, over about `seconds`.

    The questions are asked first (untimed); the rate is answers over the time they took,
    whether the deadline or the prepared questions ran out first.
    """
    rng = random.Random(seed_)
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        svc = rt.service
        who = [PlayerRef(PLATFORM, WORKSPACE, f"u{rng.randint(1, players)}") for _ in range(50)]
        cards = [(w, await svc.ask(w)) for i in range(per_run) for w in [who[i % len(who)]]]
        if barrier is not None:
            await asyncio.to_thread(barrier.wait)
        start = time.perf_counter()
        done = 0
        for w, card in cards:
            if time.perf_counter() - start >= seconds:
                break
            await answer_card(svc, w, card, rng)
            done += 1
        return done / (time.perf_counter() - start)


def _worker(url: str, players: int, seconds: float, seed_: int, barrier: Any, q: Any) -> None:
    bank = load_bank()
    q.put(asyncio.run(sustained(url, players, seconds, bank, seed_, barrier, per_run=3000)))


def multi_process(url: str, players: int, seconds: float, procs: int) -> float:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    barrier = ctx.Barrier(procs)  # every worker asks its questions first, then all start
    ps = [
        ctx.Process(target=_worker, args=(url, players, seconds, 10 + i, barrier, q))
        for i in range(procs)
    ]
    for p in ps:
        p.start()
    total = sum(q.get() for _ in ps)
    for p in ps:
        p.join()
    return round(total, 1)
