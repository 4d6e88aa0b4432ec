"""Two scheduler processes on one PostgreSQL race for 200 due drops: each is posted exactly once.

Run as a module (`python -m tests.integration.test_drops_race URL OUT GO_AT`) it is one worker.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizbot.drops.service import DropService
from quizbot.drops.tables import DropStatus
from quizbot.storage.db import make_engine, make_sessions
from tests.conftest import PG_ADMIN_URL
from tests.unit.drops.fakes import (
    ADMIN,
    FakePublisher,
    ManualClock,
    drop_env,
    drop_rows,
    small_bank,
)

CHANNELS = 200
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 Berlin
DUE = datetime(2026, 11, 23, 8, 0, 30, tzinfo=UTC)  # 30 s after the 09:00 Berlin drops
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not PG_ADMIN_URL, reason="needs CNNQUIZ_TEST_DATABASE_URL")


class SlowPublisher(FakePublisher):
    async def post_drop(self, channel, card, resume=False):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.002)  # a real network call yields; let the other process in
        return await super().post_drop(channel, card, resume=resume)


async def _worker(url: str, go_at: float) -> None:
    engine = make_engine(url)
    clock = ManualClock(DUE)
    publisher = SlowPublisher()
    service = DropService(
        make_sessions(engine),
        small_bank(),
        {"discord": publisher},
        clock,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )
    try:
        await asyncio.sleep(max(0.0, go_at - time.time()))
        report = await service.post_due()
    finally:
        await engine.dispose()
    posted = [channel.channel_id for channel, _card in publisher.drops]
    print(json.dumps({"posted": posted, "failed": report.failed}))


async def test_two_processes_post_each_of_200_drops_exactly_once(
    migrated_database_url: str,
) -> None:
    if not migrated_database_url.startswith("postgresql"):
        pytest.skip("the cross-process race needs PostgreSQL")
    async with drop_env(migrated_database_url, START) as env:
        for i in range(CHANNELS):
            await env.service.drop_set(ADMIN, f"c{i:03d}", "09:00", "Europe/Berlin")
        go_at = time.time() + 3.0  # both processes start sweeping at the same moment
        procs = [
            await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "tests.integration.test_drops_race"),
                *(migrated_database_url, str(go_at)),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
        codes = [p.returncode for p in procs]
        rows = await drop_rows(env)
    assert codes == [0, 0]
    results = [json.loads(out.decode().strip().splitlines()[-1]) for out, _err in outputs]
    posted = [c for r in results for c in r["posted"]]
    assert sorted(posted) == [f"c{i:03d}" for i in range(CHANNELS)]  # all, none twice
    assert all(r["failed"] == [] for r in results)
    assert len(rows) == CHANNELS and all(r.status == DropStatus.POSTED for r in rows)


if __name__ == "__main__":
    asyncio.run(_worker(sys.argv[1], float(sys.argv[2])))
