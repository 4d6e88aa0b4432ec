"""Sharding: two bot processes with one shard each share one database and one bot's guilds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from adapters.discord.app import DiscordConfigError, RunningDiscord, start_discord
from adapters.discord.shards import shard_of
from quizbot.bootstrap import Runtime
from quizbot.drops.tables import Drop
from quizbot.replies import PlayerRef
from quizbot.settings import Settings
from tests.e2e.discord.conftest import ADMIN, DiscordDriver, FixedClock, close_all, launch
from tests.e2e.discord.fake_discord import FakeDiscord
from tests.e2e.discord.shapes import CHANNEL_ID, GUILD_ID

SHARDS = 2
# Two guilds, one on each shard: the shard is bits 22 and up of the id, modulo the count.
GUILDS = {GUILD_ID: CHANNEL_ID, GUILD_ID + (1 << 22): CHANNEL_ID + 1}
Worker = tuple[Runtime, RunningDiscord]
StartWorker = Callable[[str], Awaitable[Worker]]


def _in_guild(payload: dict[str, Any], guild: int) -> dict[str, Any]:
    """A recorded interaction moved to another guild and its channel."""
    text = json.dumps(payload).replace(str(GUILD_ID), str(guild))
    return json.loads(text.replace(str(CHANNEL_ID), str(GUILDS[guild])))


@pytest.fixture
async def start_worker(
    fake_discord: FakeDiscord, clock: FixedClock, database_url: str, tmp_path: Any
) -> AsyncIterator[StartWorker]:
    """Start a bot process running DISCORD_SHARD_IDS=`ids` of DISCORD_SHARD_COUNT=2."""
    fake_discord.guilds = dict(GUILDS)
    started: list[Worker] = []

    async def start(ids: str) -> Worker:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database_url,
            data_dir=tmp_path,
            discord_token=SecretStr("discord-e2e-bot-token.NOT-A-REAL-ONE"),
            discord_shard_count=SHARDS,
            discord_shard_ids=ids,
        )
        return await launch(settings, clock, started)

    try:
        yield start
    finally:
        await close_all(started)


async def _claims(runtime: Runtime) -> dict[str, str | None]:
    """Channel id -> worker id that claimed its drop."""
    rows = await runtime.store.run(
        lambda tx: tx.session.execute(select(Drop.channel_id, Drop.claimed_by)).all(),
        write=False,
    )
    return {channel: worker for channel, worker in rows}


async def test_each_worker_runs_its_shard_and_posts_only_its_guilds_drops(
    start_worker: StartWorker, fake_discord: FakeDiscord, clock: FixedClock
) -> None:
    workers = [await start_worker("0"), await start_worker("1")]
    assert sorted(i["shard"] for i in fake_discord.identifies) == [[0, SHARDS], [1, SHARDS]]
    owner = {g: workers[shard_of(g, SHARDS)] for g in GUILDS}
    for guild, (_, running) in owner.items():
        assert [g.id for g in running.client.guilds] == [guild]

    driver = DiscordDriver(fake_discord)
    for guild in GUILDS:
        options = {"time": "12:30", "timezone": "UTC"}
        payload = driver.command_payload(["drop", "set"], options, ADMIN)
        sent = await driver.send(_in_guild(payload, guild))
        reply = await driver.answer(sent)
        assert f"<#{GUILDS[guild]}> at 12:30 UTC" in reply["content"]
        assert len(fake_discord.calls_to("POST", f"/interactions/{sent.id}/")) == 1

    clock.now += timedelta(minutes=30, seconds=10)  # due, and well within a claim lease
    await asyncio.gather(*(rt.drops.post_due() for rt, _ in workers if rt.drops))
    for channel in GUILDS.values():
        assert len(fake_discord.calls_to("POST", f"/channels/{channel}/messages")) == 1
    claims = await _claims(workers[0][0])
    for guild, channel in GUILDS.items():
        drops = owner[guild][0].drops
        assert drops is not None and claims[str(channel)] == drops.worker_id


async def test_a_down_workers_guild_is_posted_by_another_once_overdue(
    start_worker: StartWorker, fake_discord: FakeDiscord, clock: FixedClock
) -> None:
    runtime, _ = await start_worker("0")
    assert runtime.drops is not None
    for guild, channel in GUILDS.items():
        admin = PlayerRef("discord", str(guild), ADMIN[0], is_admin=True)
        await runtime.service.drop_set(admin, str(channel), "12:30", "UTC")
    ours = next(g for g in GUILDS if shard_of(g, SHARDS) == 0)
    theirs = next(g for g in GUILDS if g != ours)

    clock.now += timedelta(minutes=30, seconds=10)
    first = await runtime.drops.post_due()
    assert len(first.posted) == 1
    assert fake_discord.calls_to("POST", f"/channels/{GUILDS[ours]}/messages")
    assert not fake_discord.calls_to("POST", f"/channels/{GUILDS[theirs]}/messages")

    clock.now += timedelta(minutes=1)  # past a claim lease: the shard's worker is down
    second = await runtime.drops.post_due()
    assert len(second.posted) == 1
    assert len(fake_discord.calls_to("POST", f"/channels/{GUILDS[theirs]}/messages")) == 1


@pytest.mark.parametrize(
    ("count", "ids", "reason"),
    [
        (None, "0", "needs DISCORD_SHARD_COUNT"),
        (2, "2", "shard 2 does not exist"),
        (2, "one", "is not a shard id or range"),
        (0, "", "must be 1 or more"),
    ],
)
async def test_bad_shard_settings_stop_start_with_one_line(
    count: int | None, ids: str, reason: str
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr("x"),
        discord_shard_count=count,
        discord_shard_ids=ids,
    )
    with pytest.raises(DiscordConfigError, match=reason):
        await start_discord(Runtime.__new__(Runtime), settings)
