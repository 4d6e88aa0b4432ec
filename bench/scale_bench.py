"""Benchmark: one deployment serving many Discord guilds (sharded workers) and Slack workspaces.

    python bench/scale_bench.py discord --url postgresql://... [--guilds 2000] [--workers 2]
    python bench/scale_bench.py slack --url postgresql://... [--workspaces 2000]

discord: worker processes (one shard each, DISCORD_SHARD_COUNT = --workers) share one
database and one fake Discord API that allows the bot 50 requests/s in total (429 beyond,
as in drops_bench.py); each guild has one drop channel, all due the same second. Reports
the time until every drop is posted against the floor (guilds / 50), duplicates and losses,
and each process's peak RSS.
slack: one process (the web role) with --workspaces installations, each with its own bot
token and one drop channel, against the e2e fake Slack; checks every drop was posted once
with its own workspace's token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.discord.shards import ShardPlan
from bench.drops.fakeapi import GLOBAL_LIMIT, FakeDiscord, HttpPublisher
from bench.drops.fanout import ShiftedClock
from bench.scale_bank import synthetic_bank
from quizbot.api import ChannelRef, DropPublisher
from quizbot.drops.service import DropService
from quizbot.installs import InstallationRec, Installations
from quizbot.replies import DropReveal, PlayerRef, QuestionCard
from quizbot.storage.db import make_engine, upgrade
from quizbot.storage.uow import Store

PLAYER = "admin"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def guild_id(i: int, shards: int) -> int:
    """Guild i lives on shard i % shards (Discord's rule reads bits 22 and up)."""
    return ((i // shards) * shards + i % shards) << 22 | 4242


class ShardPublisher:
    """The bench's Discord publisher, owning only the guilds of its shard."""

    platform = "discord"

    def __init__(self, inner: HttpPublisher, plan: ShardPlan) -> None:
        self.inner = inner
        self.plan = plan

    def owns(self, workspace: str) -> bool:
        return self.plan.owns(int(workspace))

    async def post_drop(self, channel: ChannelRef, card: QuestionCard, resume: bool = False) -> str:
        return await self.inner.post_drop(channel, card, resume)

    async def post_reveal(
        self, channel: ChannelRef, message_ref: str, reveal: DropReveal, resume: bool = False
    ) -> None:
        raise NotImplementedError


async def schedule(service: DropService, platform: str, workspaces: Sequence[str], at: str) -> None:
    for ws in workspaces:
        admin = PlayerRef(platform, ws, PLAYER, "Admin", is_admin=True)
        await service.drop_set(admin, f"ch-{ws}", at, "UTC", "daily")


# -- discord ---------------------------------------------------------------------------------


async def discord_worker(
    url: str, api: str, shard: int, shards: int, go: float, due: float
) -> None:
    """One worker process: wait for `go` (epoch s), then sweep once as of `due` + 1 s."""
    engine = make_engine(url)
    store = Store(engine)
    clock = ShiftedClock()
    async with aiohttp.ClientSession(api, connector=aiohttp.TCPConnector(limit=100)) as http:
        plan = ShardPlan(shards, (shard,))
        publishers: dict[str, DropPublisher] = {
            "discord": ShardPublisher(HttpPublisher(http), plan)
        }
        service = DropService(store, synthetic_bank(), publishers, clock, concurrency=100)
        service.set_rate_share("discord", plan.share)
        await asyncio.sleep(max(0.0, go - time.time()))
        clock.shift = datetime.fromtimestamp(due + 1, UTC) - datetime.now(UTC)
        started = time.perf_counter()
        report = await service.post_due()
        elapsed = time.perf_counter() - started
        again = await service.post_due()
        await service.aclose()
    await store.aclose()
    await engine.dispose()
    out = {
        "shard": shard,
        "posted": len(report.posted),
        "failed": len(report.failed),
        "second_sweep": len(again.posted),
        "seconds": round(elapsed, 2),
        "rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(out), flush=True)


async def discord_bench(url: str, guilds: int, workers: int) -> int:
    api = FakeDiscord(0.0)
    app = web.Application()
    app.router.add_post("/channels/{channel}/messages", api.post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    engine = make_engine(url)
    await upgrade(engine)
    store = Store(engine)
    clock = ShiftedClock()
    due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    clock.shift = (due - timedelta(minutes=5)) - datetime.now(UTC)
    setup = DropService(store, synthetic_bank(), {}, clock)
    t0 = time.perf_counter()
    ids = [str(guild_id(i, workers)) for i in range(guilds)]
    await schedule(setup, "discord", ids, f"{due:%H:%M}")
    setup_s = time.perf_counter() - t0
    await setup.aclose()
    await store.aclose()
    await engine.dispose()

    go = time.time() + 4.0  # every worker bootstrapped and waiting by then
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "discord-worker",
            "--url",
            url,
            "--api",
            f"http://127.0.0.1:{port}",
            "--shard",
            str(k),
            "--workers",
            str(workers),
            "--go",
            str(go),
            "--due",
            str(due.timestamp()),
            stdout=asyncio.subprocess.PIPE,
        )
        for k in range(workers)
    ]
    results = [
        json.loads((await p.communicate())[0].decode().strip().splitlines()[-1]) for p in procs
    ]
    await runner.cleanup()

    channels = [f"ch-{g}" for g in ids]
    lost = [c for c in channels if api.cards[c] == 0]
    dupes = [c for c, n in api.cards.items() if n > 1]
    floor = guilds / GLOBAL_LIMIT
    wall = max(r["seconds"] for r in results)
    last = api.accepted[-1] - api.accepted[0] if api.accepted else 0.0
    print(f"database            {make_engine(url).dialect.name}")
    print(f"guilds / workers    {guilds} / {workers} (one shard each)")
    print(f"setup (drop set)    {setup_s:.1f} s")
    print(f"post all drops      {wall:.2f} s   (floor {floor:.1f} s: {wall / floor:.2f}x)")
    print(f"first to last post  {last:.2f} s")
    print(f"API responses       {dict(api.status)}   max in 1 s window {api.max_in_window}")
    for r in results:
        print(
            f"worker shard {r['shard']}      posted {r['posted']}, failed {r['failed']}, "
            f"second sweep {r['second_sweep']}, {r['seconds']} s, peak RSS {r['rss_mb']} MB"
        )
    print(f"lost / duplicated   {len(lost)} / {len(dupes)}")
    print(f"coordinator RSS     {peak_rss_mb():.0f} MB (the fake API and set-up)")
    return 0 if not lost and not dupes else 1


# -- slack -----------------------------------------------------------------------------------


async def slack_bench(url: str, workspaces: int) -> int:
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.oauth import SlackClients
    from adapters.slack.publisher import SlackPublisher
    from tests.e2e.slack.fake_slack import FakeSlack

    fake = FakeSlack()
    await fake.start()
    engine = make_engine(url)
    await upgrade(engine)
    store = Store(engine)
    clock = ShiftedClock()
    due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    clock.shift = (due - timedelta(minutes=5)) - datetime.now(UTC)
    installs = Installations(store, clock)
    teams = [f"T{i:05d}" for i in range(workspaces)]
    t0 = time.perf_counter()
    for team in teams:
        token = f"xoxb-bench-{team}"
        fake.tokens[token] = team
        await installs.save(InstallationRec("slack", team, token, clock(), bot_user_id="UBOT"))
    http = aiohttp.ClientSession()
    clients = SlackClients(AsyncWebClient(base_url=fake.api_url, session=http), installs)
    publishers: dict[str, DropPublisher] = {"slack": SlackPublisher(clients)}
    service = DropService(store, synthetic_bank(), publishers, clock, concurrency=100)
    await schedule(service, "slack", teams, f"{due:%H:%M}")
    setup_s = time.perf_counter() - t0

    clock.shift = (due + timedelta(seconds=1)) - datetime.now(UTC)
    started = time.perf_counter()
    report = await service.post_due()
    elapsed = time.perf_counter() - started
    again = await service.post_due()
    await service.aclose()
    await http.close()
    await store.aclose()
    await engine.dispose()
    await fake.stop()

    posts = fake.calls_to("chat.postMessage")
    per_channel: dict[str, int] = {}
    wrong_token = 0
    for call in posts:
        channel = str(call.args["channel"])
        per_channel[channel] = per_channel.get(channel, 0) + 1
        wrong_token += call.token != f"xoxb-bench-{channel.removeprefix('ch-')}"
    lost = [t for t in teams if f"ch-{t}" not in per_channel]
    dupes = [c for c, n in per_channel.items() if n > 1]
    print(f"database            {make_engine(url).dialect.name}")
    print(f"workspaces          {workspaces} installed, one drop channel each")
    print(f"setup               {setup_s:.1f} s (installs and drop set)")
    print(f"post all drops      {elapsed:.2f} s")
    print(
        f"posted / failed     {len(report.posted)} / {len(report.failed)}   "
        f"second sweep {len(again.posted)}"
    )
    print(f"wrong token         {wrong_token}")
    print(f"lost / duplicated   {len(lost)} / {len(dupes)}")
    print(f"peak RSS            {peak_rss_mb():.0f} MB (app, database client and the fake Slack)")
    return 0 if not lost and not dupes and not wrong_token else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=["discord", "slack", "discord-worker"])
    parser.add_argument("--url", required=True, help="a fresh PostgreSQL database URL")
    parser.add_argument("--guilds", type=int, default=2000)
    parser.add_argument("--workspaces", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--api")
    parser.add_argument("--shard", type=int)
    parser.add_argument("--go", type=float)
    parser.add_argument("--due", type=float)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.role == "discord-worker":
        asyncio.run(discord_worker(args.url, args.api, args.shard, args.workers, args.go, args.due))
        return
    if args.role == "discord":
        sys.exit(asyncio.run(discord_bench(args.url, args.guilds, args.workers)))
    sys.exit(asyncio.run(slack_bench(args.url, args.workspaces)))


if __name__ == "__main__":
    main()
