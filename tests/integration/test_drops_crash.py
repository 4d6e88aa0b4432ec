"""Two worker processes on PostgreSQL killed with SIGKILL while posting and while revealing.

The platform is a table: a post is applied (committed) before the publisher answers, and, like
Slack, a post is found by its key only when the engine asks (a takeover). After restarts every
channel has its card once and its reveal once, and every correct answer scored once.

Run as a module (`python -m tests.integration.test_drops_crash URL`) it forks one worker per name
read on stdin; a worker sweeps on a real-time clock from the time the test writes for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from quizbot.api import ChannelRef
from quizbot.drops.reveal import FIRST_CORRECT_BONUS, drop_points
from quizbot.drops.service import DropService
from quizbot.drops.tables import DropStatus
from quizbot.replies import DropReveal, PlayerRef, QuestionCard
from quizbot.service import QuizService
from quizbot.storage.db import make_engine, make_sessions
from quizbot.storage.uow import Tx
from tests.conftest import PG_ADMIN_URL
from tests.unit.drops.fakes import ADMIN, DropEnv, drop_env, drop_rows, small_bank

CHANNELS = 30
START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 08:00 Berlin
DUE = datetime(2026, 11, 23, 8, 0, 5, tzinfo=UTC)  # just after the 09:00 Berlin drops
REVEAL = DUE + timedelta(minutes=240)  # the default four-hour reveal
LEASE_S = 1.0  # taken over a second after the worker dies (renewed every third of it)
ROOT = Path(__file__).resolve().parents[2]
PLATFORM_TABLE = (
    "CREATE TABLE fake_platform (id serial PRIMARY KEY, kind text NOT NULL,"
    " channel text NOT NULL, key text NOT NULL)"
)

CLOCK_TABLE = "CREATE TABLE crash_clock (name text PRIMARY KEY, at timestamptz NOT NULL)"

pytestmark = pytest.mark.skipif(not PG_ADMIN_URL, reason="needs CNNQUIZ_TEST_DATABASE_URL")


class TablePlatform:
    """A DropPublisher whose posts are rows, committed before it answers (then a kill loses
    the answer, not the post); network time around each post leaves room for kills."""

    platform = "discord"  # paced like Discord: 50 posts/s, 5 per channel in 5 s

    def __init__(self, engine: AsyncEngine, rng: random.Random) -> None:
        self._engine = engine
        self._rng = rng

    def owns(self, workspace: str) -> bool:
        return True  # one unsharded bot: every workspace is this worker's

    async def _post(self, kind: str, channel: str, key: str, resume: bool) -> str:
        await asyncio.sleep(self._rng.uniform(0.002, 0.02))
        async with self._engine.begin() as conn:
            if resume:
                found = await conn.execute(
                    text("SELECT id FROM fake_platform WHERE kind = :k AND key = :key"),
                    {"k": kind, "key": key},
                )
                if (row := found.first()) is not None:
                    return f"post-{row[0]}"
            made = await conn.execute(
                text(
                    "INSERT INTO fake_platform (kind, channel, key)"
                    " VALUES (:k, :c, :key) RETURNING id"
                ),
                {"k": kind, "c": channel, "key": key},
            )
            ref = f"post-{made.scalar_one()}"
        await asyncio.sleep(self._rng.uniform(0.002, 0.02))
        return ref

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        return await self._post("drop", channel.channel_id, card.ask_id, resume)

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        await self._post("reveal", channel.channel_id, reveal.drop_id, resume)


async def _worker(url: str, name: str) -> None:
    """Sweep forever on a real-time clock that starts at the time the test writes for `name`."""
    engine = make_engine(url)
    base, start = DUE, time.monotonic()

    def clock() -> datetime:
        return base + timedelta(seconds=time.monotonic() - start)

    service = DropService(
        make_sessions(engine),
        small_bank(),
        {"discord": TablePlatform(engine, random.Random(name))},
        clock,
        lease_seconds=LEASE_S,
        concurrency=4,  # posts trickle out, so a kill lands mid-fan-out
        worker_id=name,
    )
    go = text("SELECT at FROM crash_clock WHERE name = :name")
    while True:
        async with engine.connect() as conn:
            found = (await conn.execute(go, {"name": name})).scalar()
        if found is not None:
            break
        await asyncio.sleep(0.01)
    base, start = found, time.monotonic()
    while True:  # until killed
        await service.reveal_due()
        await service.post_due()
        await asyncio.sleep(0.05)


def _fork_workers(url: str) -> None:
    """Import once, then fork a worker for every name read on stdin (its pid goes to stdout):
    six interpreters starting side by side would take most of the test's time."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # dead workers are reaped at once
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            asyncio.run(_worker(url, line.strip()))
            os._exit(0)
        print(pid, flush=True)


class Workers:
    """Worker processes forked from one imported interpreter; each starts on `go`."""

    def __init__(self, env: DropEnv, forker: asyncio.subprocess.Process) -> None:
        self.env = env
        self.forker = forker
        self.pids: dict[str, int] = {}

    @classmethod
    async def start(cls, env: DropEnv, url: str) -> Workers:
        forker = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "tests.integration.test_drops_crash", url),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(env, forker)

    async def fork(self, name: str) -> None:
        assert self.forker.stdin is not None and self.forker.stdout is not None
        self.forker.stdin.write(f"{name}\n".encode())
        self.pids[name] = int(await asyncio.wait_for(self.forker.stdout.readline(), 60))

    async def go(self, name: str, at: datetime) -> None:
        async with self.env.engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO crash_clock (name, at) VALUES (:name, :at)"),
                {"name": name, "at": at},
            )

    async def kill(self, name: str) -> None:
        """SIGKILL: no cleanup, no lease released; returns once the process is gone."""
        pid = self.pids.pop(name)
        os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            for _ in range(1000):
                os.kill(pid, 0)
                await asyncio.sleep(0.005)

    async def aclose(self) -> None:
        for name in list(self.pids):
            await self.kill(name)
        if self.forker.stdin is not None:
            self.forker.stdin.close()
        await self.forker.wait()


async def _count(env: DropEnv, sql: str) -> int:
    async with env.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def _wait_for(env: DropEnv, sql: str, at_least: int, seconds: float) -> None:
    """Poll until `sql` counts `at_least` rows, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while await _count(env, sql) < at_least and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)


async def _crash_and_recover(
    env: DropEnv, workers: Workers, at: datetime, kind: str, done_sql: str, kills: list[int]
) -> None:
    """Two workers start at `at`; each is SIGKILLed once the platform holds `kills[i]` posts of
    `kind` (or a second has passed); then a third, started later, runs until `done_sql`."""
    first, second, fresh = (f"{kind}-{n}" for n in range(3))
    await workers.go(first, at)
    await workers.go(second, at)
    applied = f"SELECT count(*) FROM fake_platform WHERE kind = '{kind}'"
    for name, after in zip((first, second), kills, strict=True):
        await _wait_for(env, applied, after, 1.0)
        await workers.kill(name)
    await workers.go(fresh, at + timedelta(seconds=2 * LEASE_S))  # the dead leases are stale
    await _wait_for(env, done_sql, CHANNELS, 30.0)
    await workers.kill(fresh)


def _schedules(tx: Tx) -> None:
    """A 09:00 Berlin schedule in every channel, in one transaction (as `drop set` writes it)."""
    ws = tx.workspaces.get_or_create(ADMIN.platform, ADMIN.workspace, START)
    for i in range(CHANNELS):
        tx.schedules.upsert(
            {
                "workspace_id": ws.id,
                "platform": ADMIN.platform,
                "channel_id": f"c{i:02d}",
                "local_time": "09:00",
                "timezone": "Europe/Berlin",
                "weekdays": "0,1,2,3,4",
                "reveal_after_minutes": 240,
                "active": True,
                "created_by": ADMIN.user_id,
                "updated_at": START,
            }
        )


def _player(n: int) -> PlayerRef:
    return PlayerRef("discord", "guild-1", f"user-{n}", f"Player {n}")


async def _answer_all(env: DropEnv) -> dict[int, int]:
    """One right answer per drop, each by its own player; returns the points each should get."""
    quiz = QuizService(env.service.bank, env.service.store, clock=env.clock)
    expected = {}
    for n, row in enumerate(await drop_rows(env)):
        ws, ask_id = row.workspace_id, row.ask_id
        ask = await env.service.store.run(
            lambda tx, ws=ws, ask_id=ask_id: tx.scoped(ws).asks.get(ask_id), write=False
        )
        assert ask is not None
        await quiz.answer(_player(n), ask.id, ask.spec.correct or "")
        expected[n] = drop_points(ask.spec) + FIRST_CORRECT_BONUS
    return expected


async def _points(env: DropEnv, n: int) -> int:
    who = _player(n)

    def read(tx: Tx) -> int:
        ws = tx.workspaces.find(who.platform, who.workspace)
        assert ws is not None
        found = tx.scoped(ws.id).players.find(who.user_id)
        assert found is not None
        return tx.scoped(ws.id).boards.player_points(found[0], "all")

    return await env.service.store.run(read, write=False)


async def test_kill_9_while_posting_and_revealing_loses_and_doubles_nothing(
    migrated_database_url: str,
) -> None:
    if not migrated_database_url.startswith("postgresql"):
        pytest.skip("worker processes sharing one database need PostgreSQL")
    url = migrated_database_url
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    kills = [sorted(rng.sample(range(1, CHANNELS), 2)) for _phase in (1, 2)]
    async with drop_env(url, START) as env:
        async with env.engine.begin() as conn:
            await conn.execute(text(PLATFORM_TABLE))
            await conn.execute(text(CLOCK_TABLE))
        await env.service.store.run(_schedules)
        workers = await Workers.start(env, url)
        try:
            for kind in ("drop", "reveal"):  # all ready long before their turn
                for n in range(3):
                    await workers.fork(f"{kind}-{n}")
            posted_sql = f"SELECT count(*) FROM drops WHERE status = '{DropStatus.POSTED}'"
            await _crash_and_recover(env, workers, DUE, "drop", posted_sql, kills[0])

            env.clock.now = DUE + timedelta(minutes=5)
            expected = await _answer_all(env)

            revealed_sql = "SELECT count(*) FROM drops WHERE reveal_posted_at IS NOT NULL"
            await _crash_and_recover(env, workers, REVEAL, "reveal", revealed_sql, kills[1])
        finally:
            await workers.aclose()

        cards = await _count(env, "SELECT count(*) FROM fake_platform WHERE kind = 'drop'")
        card_channels = await _count(
            env, "SELECT count(DISTINCT channel) FROM fake_platform WHERE kind = 'drop'"
        )
        reveals = await _count(env, "SELECT count(*) FROM fake_platform WHERE kind = 'reveal'")
        revealed_keys = await _count(
            env, "SELECT count(DISTINCT key) FROM fake_platform WHERE kind = 'reveal'"
        )
        rows = await drop_rows(env)
        points = {n: await _points(env, n) for n in expected}
    where = f"seed {seed}: killed after posts {kills[0]} and after reveals {kills[1]}"
    assert (cards, card_channels) == (CHANNELS, CHANNELS), where  # none twice, none lost
    assert (reveals, revealed_keys) == (CHANNELS, CHANNELS), where
    assert all(r.status == DropStatus.REVEALED and r.reveal_posted_at for r in rows), where
    assert points == expected, where  # each correct answer scored once


if __name__ == "__main__":
    _fork_workers(sys.argv[1])
