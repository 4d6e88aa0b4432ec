"""The fake Discord API, its HTTP publisher and a small bank that `scale_bench.py` drives."""

from __future__ import annotations

import random
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from knowledge.bank import Bank
from knowledge.model import Concept, Difficulty, Question
from quizbot.api import ChannelRef
from quizbot.drops.publishing import PublishRetryable
from quizbot.replies import DropReveal, QuestionCard

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
