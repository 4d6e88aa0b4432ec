"""Benchmark: 1,000 channels due the same minute against a fake Discord API limited to 50 req/s.

    /work/venv/bin/python bench/drops_bench.py [--channels 1000] [--url DATABASE_URL]
        [--fail-rate 0.01] [--window 1.02]

The fake API (aiohttp on 127.0.0.1) answers 429 with retry_after when more than 50 requests
arrive within any 1-second window, or more than 5 messages in 5 s in one channel, and injects
random 5xx errors at --fail-rate. Reports the time to post every drop against the 20-second
floor (channels / 50) and checks that no drop was lost or posted twice.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.api import ChannelRef, DropPublisher
from quizbot.drops import pacing
from quizbot.drops.publishing import PublishRetryable
from quizbot.drops.service import DropService
from quizbot.drops.tables import Drop
from quizbot.replies import DropReveal, PlayerRef, QuestionCard
from quizbot.storage.db import make_engine, make_sessions, upgrade

GLOBAL_LIMIT = 50
CHANNEL_LIMIT, CHANNEL_WINDOW = 5, 5.0


@dataclass
class FakeDiscord:
    """Counts messages per channel and enforces Discord's limits with 429 + retry_after."""

    fail_rate: float
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    recent: deque[float] = field(default_factory=deque)
    per_channel: dict[str, deque[float]] = field(default_factory=dict)
    messages: Counter[str] = field(default_factory=Counter)
    status: Counter[int] = field(default_factory=Counter)
    max_in_window: int = 0
    accepted: list[float] = field(default_factory=list)

    async def post(self, request: web.Request) -> web.Response:
        now = time.monotonic()
        channel = request.match_info["channel"]
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= GLOBAL_LIMIT:
            self.status[429] += 1
            wait = self.recent[0] + 1.0 - now
            return web.json_response({"retry_after": wait, "global": True}, status=429)
        self.recent.append(now)
        self.max_in_window = max(self.max_in_window, len(self.recent))
        mine = self.per_channel.setdefault(channel, deque())
        while mine and mine[0] <= now - CHANNEL_WINDOW:
            mine.popleft()
        if len(mine) >= CHANNEL_LIMIT:
            self.status[429] += 1
            wait = mine[0] + CHANNEL_WINDOW - now
            return web.json_response({"retry_after": wait, "global": False}, status=429)
        if self.rng.random() < self.fail_rate:
            self.status[502] += 1
            return web.json_response({"message": "bad gateway"}, status=502)
        mine.append(now)
        await request.read()
        self.messages[channel] += 1
        self.accepted.append(now)
        self.status[200] += 1
        return web.json_response({"id": f"{channel}-{self.messages[channel]}"})


class HttpPublisher:
    """A DropPublisher over the fake API, mapping 429 / 5xx to PublishRetryable."""

    platform = "discord"

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    def owns(self, workspace: str) -> bool:
        return True

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        url = f"{self.base}/channels/{channel.channel_id}/messages"
        async with self.session.post(url, json={"content": card.prompt}) as resp:
            body = await resp.json()
            if resp.status == 429:
                raise PublishRetryable(body["retry_after"], global_limit=body["global"])
            if resp.status >= 500:
                raise PublishRetryable(None)
            resp.raise_for_status()
            return str(body["id"])

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        raise NotImplementedError


def synthetic_bank(concepts: int = 120) -> Bank:
    levels = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
    cs = [
        Concept(f"c{i}", f"concept {i}", "technique", f"Definition {i}.") for i in range(concepts)
    ]
    qs = [
        Question(f"q{i}-{j}", f"Question {i}-{j}?", f"Gist {i}-{j}.", f"Gist {i}-{j}", lvl, (c.id,))
        for i, c in enumerate(cs)
        for j, lvl in enumerate(levels)
    ]
    return Bank.from_parts(cs, qs)


class ShiftedClock:
    """Real UTC time, optionally shifted (schedules are created 'before' the drop minute)."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


async def run(channels: int, url: str, fail_rate: float, window: float | None) -> int:
    if window is not None:
        pacing.PLATFORM_LIMITS["discord"] = pacing.PlatformLimits(
            pacing.Limit(GLOBAL_LIMIT, window), pacing.Limit(CHANNEL_LIMIT, CHANNEL_WINDOW)
        )
    pace = pacing.PLATFORM_LIMITS["discord"].global_limit
    api = FakeDiscord(fail_rate)
    app = web.Application()
    app.router.add_post("/channels/{channel}/messages", api.post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    engine = make_engine(url)
    await upgrade(engine)
    sessions = make_sessions(engine)
    clock = ShiftedClock()
    due = datetime.now(UTC).replace(second=0, microsecond=0)
    limits = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", connector=limits) as http:
        publishers: dict[str, DropPublisher] = {"discord": HttpPublisher(http, "")}
        service = DropService(sessions, synthetic_bank(), publishers, clock, concurrency=100)
        admin = PlayerRef("discord", "bench-guild", "admin", "Admin", is_admin=True)
        clock.shift = (due - timedelta(minutes=5)) - datetime.now(UTC)
        t_setup = time.perf_counter()
        for i in range(channels):
            await service.drop_set(admin, f"ch{i:04d}", f"{due:%H:%M}", "UTC", "daily")
        setup_s = time.perf_counter() - t_setup
        clock.shift = timedelta(0)
        started, mono_start = time.perf_counter(), time.monotonic()
        report = await service.post_due()
        elapsed = time.perf_counter() - started
        again = await service.post_due()  # a second sweep must post nothing
    async with sessions() as session:
        from sqlalchemy import func, select

        statuses = dict(
            (await session.execute(select(Drop.status, func.count()).group_by(Drop.status))).all()
        )
    await engine.dispose()
    await runner.cleanup()

    floor = channels / GLOBAL_LIMIT
    lost = [f"ch{i:04d}" for i in range(channels) if api.messages[f"ch{i:04d}"] == 0]
    dupes = [c for c, n in api.messages.items() if n > 1]
    print(f"database            {engine.dialect.name}")
    print(f"channels            {channels}")
    print(f"setup (drop set)    {setup_s:.1f} s")
    print(
        f"post all drops      {elapsed:.2f} s   (floor {floor:.1f} s at {GLOBAL_LIMIT} req/s;"
        f" {elapsed / floor:.2f}x)"
    )
    first, last = api.accepted[0] - mono_start, api.accepted[-1] - mono_start
    print(
        f"first / last post   {first:.2f} s / {last:.2f} s"
        f"   ({(len(api.accepted) - 1) / (last - first):.1f} posts/s in between)"
    )
    print(f"pacer               {pace}")
    print(f"API responses       {dict(api.status)}")
    print(f"max in 1 s window   {api.max_in_window}")
    print(
        f"posted / failed     {len(report.posted)} / {len(report.failed)}"
        f"   second sweep posted {len(again.posted)}"
    )
    print(f"drop rows           {statuses}")
    print(f"lost / duplicated   {len(lost)} / {len(dupes)}")
    return 0 if not lost and not dupes and not again.posted else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--url", default=None, help="database URL (default: a temp SQLite file)")
    parser.add_argument("--fail-rate", type=float, default=0.01, help="share of injected 5xx")
    parser.add_argument("--window", type=float, default=None, help="pacer: 50 posts per this")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        sys.exit(asyncio.run(run(args.channels, url, args.fail_rate, args.window)))


if __name__ == "__main__":
    main()
