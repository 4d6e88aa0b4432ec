"""Several worker processes on one PostgreSQL database posting every channel's drop at once."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.answers.common import PLATFORM, WORKSPACE, load_bank
from bench.drops.fakeapi import GLOBAL_LIMIT, FakeDiscord, HttpPublisher, client
from bench.drops.seeding import channel_name
from quizbot.bootstrap import bootstrap
from quizbot.storage.uow import Tx

SWEEP_PAUSE_S = 1.0  # between a worker's sweeps (the runner's sweep is 60 s; this is eager)


def _worker(url: str, port: int, start: Any, done: Any, q: Any) -> None:
    q.put(asyncio.run(_work(url, port, start, done)))


async def _work(url: str, port: int, start: Any, done: Any) -> dict[str, int]:
    """Sweep until the parent says every channel has its card: what a bot would do at scale."""
    bank = load_bank()
    got = {"posted": 0, "failed": 0, "sweeps": 0}
    async with await bootstrap(database_url=url, bank=bank, migrate=False) as rt:
        async with client(port) as http:
            assert rt.drops is not None
            rt.drops.add_publisher(HttpPublisher(http))
            await asyncio.to_thread(start.wait)
            while not done.is_set():
                report = await rt.drops.post_due()
                got["sweeps"] += 1
                got["posted"] += len(report.posted)
                got["failed"] += len(report.failed)
                await asyncio.to_thread(done.wait, SWEEP_PAUSE_S)
    return got


async def _schedules(url: str, channels: int, due: datetime) -> None:
    """Every channel's schedule at `due` (set five minutes before), in one transaction."""
    rt = await bootstrap(database_url=url, bank=load_bank(), migrate=False, drops=False)
    store = rt.store
    set_at = due - timedelta(minutes=5)

    def write(tx: Tx) -> None:
        ws = tx.workspaces.get_or_create(PLATFORM, WORKSPACE, set_at)
        for i in range(channels):
            tx.schedules.upsert(
                {
                    "workspace_id": ws.id,
                    "platform": PLATFORM,
                    "channel_id": channel_name(i),
                    "local_time": f"{due:%H:%M}",
                    "timezone": "UTC",
                    "weekdays": "0,1,2,3,4,5,6",
                    "reveal_after_minutes": 240,
                    "active": True,
                    "created_by": "admin",
                    "updated_at": set_at,
                }
            )

    try:
        await store.run(write)
    finally:
        await rt.aclose()


async def many_workers(
    url: str, *, channels: int, procs: int, fail_rate: float, timeout_s: float
) -> dict[str, Any]:
    """`procs` processes sweep together; the fake API (here) counts each channel's cards."""
    api = FakeDiscord(fail_rate)
    runner, port = await api.serve()
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    await _schedules(url, channels, due)
    ctx = mp.get_context("spawn")
    start, done, q = ctx.Barrier(procs + 1), ctx.Event(), ctx.Queue()
    ps = [ctx.Process(target=_worker, args=(url, port, start, done, q)) for _ in range(procs)]
    for p in ps:
        p.start()
    names = [channel_name(i) for i in range(channels)]
    try:
        await asyncio.to_thread(start.wait)
        started = time.monotonic()
        complete: float | None = None  # when the last channel got its card
        while time.monotonic() - started < timeout_s:
            if all(api.cards[c] for c in names):
                complete = max(api.accepted) - started
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # posts already in flight land (and would show as duplicates)
        done.set()
        per_worker = [await asyncio.to_thread(q.get) for _ in ps]
        for p in ps:
            await asyncio.to_thread(p.join)
    finally:
        done.set()
        await runner.cleanup()
    floor = channels / GLOBAL_LIMIT
    return {
        "channels": channels,
        "workers": procs,
        "floor_s": floor,
        "all_posted_s": round(complete, 2) if complete is not None else None,
        "ratio": round(complete / floor, 3) if complete is not None else None,
        "first_post_s": round(min(api.accepted) - started, 2) if api.accepted else None,
        "lost": sum(1 for c in names if api.cards[c] == 0),
        "duplicated": sum(1 for c in names if api.cards[c] > 1),
        "api": {str(k): v for k, v in api.status.items()},
        "max_in_1s": api.max_in_window,
        "per_worker": per_worker,
    }
