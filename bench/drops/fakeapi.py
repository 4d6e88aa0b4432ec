"""A fake Discord message API on 127.0.0.1 with Discord's limits, and a DropPublisher over it."""

from __future__ import annotations

import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import DropReveal, QuestionCard

GLOBAL_LIMIT = 50  # requests per second per bot
CHANNEL_LIMIT, CHANNEL_WINDOW = 5, 5.0


@dataclass
class FakeDiscord:
    """Answers 429 + retry_after past 50 requests in any 1 s (or 5 in 5 s in one channel),
    injects 5xx at `fail_rate`, and counts cards and reveals per channel."""

    fail_rate: float
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    recent: deque[float] = field(default_factory=deque)
    per_channel: dict[str, deque[float]] = field(default_factory=dict)
    cards: Counter[str] = field(default_factory=Counter)
    reveals: Counter[str] = field(default_factory=Counter)
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
        body = await request.json()
        counter = self.reveals if body.get("reveal") else self.cards
        counter[channel] += 1
        self.accepted.append(now)
        self.status[200] += 1
        return web.json_response({"id": f"{channel}-{counter[channel]}"})

    async def serve(self) -> tuple[web.AppRunner, int]:
        """Start listening on a free port; returns the runner (to clean up) and the port."""
        app = web.Application()
        app.router.add_post("/channels/{channel}/messages", self.post)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


class HttpPublisher:
    """A DropPublisher over the fake API, mapping 429 / 5xx to PublishRetryable."""

    platform = "discord"

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    def owns(self, workspace: str) -> bool:
        return True  # one unsharded bot

    async def _send(self, channel: ChannelRef, payload: dict[str, object]) -> str:
        url = f"/channels/{channel.channel_id}/messages"
        async with self.session.post(url, json=payload) as resp:
            body = await resp.json()
            if resp.status == 429:
                raise PublishRetryable(body["retry_after"], global_limit=body["global"])
            if resp.status >= 500:
                raise PublishRetryable(None)
            resp.raise_for_status()
            return str(body["id"])

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        return await self._send(channel, {"content": card.prompt})

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        await self._send(channel, {"content": reveal.answer, "reveal": True})


def client(port: int) -> aiohttp.ClientSession:
    """A client session for the fake API (100 connections, like a bot's HTTP pool)."""
    return aiohttp.ClientSession(
        f"http://127.0.0.1:{port}", connector=aiohttp.TCPConnector(limit=100)
    )
