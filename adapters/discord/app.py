"""The Discord bot: client and command tree, start-up (dynamic buttons, sync), `run_discord`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import discord
from discord import app_commands

from adapters.discord.commands import BAD_OPTION, QuizCommands
from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.inbound import PLATFORM, DiscordInbound, send_error
from adapters.discord.publisher import DiscordPublisher
from adapters.discord.shards import ShardConfigError, ShardPlan, shard_plan
from quizbot.api import DropPublisher, DropPublishers, QuizApi
from quizbot.errors import QuizError
from quizbot.settings import Settings

logger = logging.getLogger(__name__)

# Longer rate-limit waits are raised (discord.RateLimited) instead of slept through, so the
# drop scheduler can pace them; 30 s is discord.py's smallest allowed value.
MAX_RATELIMIT_WAIT = 30.0
# What the bot needs in a channel: see the drop, post it with embeds and the path picture,
# and reply to the drop with the reveal (a reply needs Read Message History).
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")
UNKNOWN_COMMAND = "That command is not available. Try `/cnnquiz help`."


class DiscordConfigError(RuntimeError):
    """The bot token is not configured."""


class HasRuntime(Protocol):
    """What the adapter needs from quizbot.bootstrap.Runtime."""

    @property
    def service(self) -> QuizApi: ...

    @property
    def drops(self) -> DropPublishers | None: ...


def invite_url(application_id: int | str) -> str:
    """The OAuth2 URL that adds the bot to a server with its commands and permissions."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
    )


def intents() -> discord.Intents:
    """Only `guilds` (channel cache); no privileged intents: members, presences, content."""
    return discord.Intents(guilds=True)


class QuizClient(discord.AutoShardedClient):
    """The bot on its shards, with the `/cnnquiz` tree; buttons are DynamicItems.

    `shards` picks the shards this process runs (all of Discord's recommended count by
    default); several processes with disjoint DISCORD_SHARD_IDS share one bot.
    """

    def __init__(
        self,
        api: QuizApi,
        guild_ids: list[int],
        *,
        shards: ShardPlan | None = None,
        on_ready_hook: Callable[[QuizClient], None] | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        self.shard_plan = plan = shards or ShardPlan()
        if plan.ids is not None:
            super().__init__(
                intents=intents(),
                guild_ready_timeout=guild_ready_timeout,
                max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
                shard_count=plan.count,
                shard_ids=list(plan.ids),
            )
        else:
            super().__init__(
                intents=intents(),
                guild_ready_timeout=guild_ready_timeout,
                max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
                shard_count=plan.count,
            )
        self.inbound = DiscordInbound(api)
        self.guild_ids = guild_ids
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(QuizCommands(self.inbound))
        self.tree.on_error = self._on_app_command_error  # type: ignore[method-assign]
        self.ready = asyncio.Event()
        self.on_ready_hook = on_ready_hook

    async def setup_hook(self) -> None:
        """After login, before the gateway: dynamic buttons, a guarded parser, command sync."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        _guard_interaction_parser(self)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Sync to DISCORD_GUILD_IDS (instant, for development) or globally."""
        if not self.guild_ids:
            synced = await self.tree.sync()
            logger.info("discord: synced %d global command(s)", len(synced))
            return
        for guild_id in self.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            logger.info("discord: synced %d command(s) to guild %s", len(synced), guild_id)

    async def on_ready(self) -> None:
        logger.info("discord: connected as %s (%s)", self.user, self.user.id if self.user else "?")
        if self.application_id is not None:
            logger.info("discord: invite the bot with %s", invite_url(self.application_id))
        if self.on_ready_hook is not None:
            self.on_ready_hook(self)
        self.ready.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.inbound.on_component_or_modal(interaction)

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Whatever escaped a command: a friendly ephemeral message, and a log line."""
        cause: BaseException = error
        if isinstance(error, app_commands.CommandInvokeError):
            cause = error.original
        if isinstance(cause, app_commands.CommandNotFound):
            logger.info("discord: unknown command %r", cause.name)
            cause = QuizError(UNKNOWN_COMMAND)
        elif isinstance(
            cause, app_commands.TransformerError | app_commands.CommandSignatureMismatch
        ):
            logger.info("discord: bad command options: %s", cause)
            cause = QuizError(BAD_OPTION)
        elif isinstance(cause, QuizError):
            logger.info("discord: command refused: %s", cause.message)
        else:
            logger.error("discord: command failed", exc_info=cause)
        await send_error(interaction, cause)


def _guard_interaction_parser(client: discord.Client) -> None:
    """Log and drop an INTERACTION_CREATE that discord.py cannot parse.

    discord.py parses gateway events inside its read loop; a KeyError there would end the
    connection task and take the bot down.
    """
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    original = parsers["INTERACTION_CREATE"]

    def guarded(data: Any) -> None:
        try:
            original(data)
        except Exception:
            logger.exception("discord: dropped an interaction that does not parse")

    parsers["INTERACTION_CREATE"] = guarded


def register_publisher(
    runtime: HasRuntime, publisher: DropPublisher, shards: ShardPlan | None = None
) -> None:
    """Hand the publisher to the drop service so scheduled drops post to Discord.

    A worker running part of the shards keeps to that part of the bot's request rate (the
    other workers use the rest).
    """
    if runtime.drops is not None:
        share = (shards or ShardPlan()).share
        if share < 1.0:
            runtime.drops.set_rate_share(PLATFORM, share)
        runtime.drops.add_publisher(publisher)
        logger.info("discord: drop publisher registered (%.0f%% of the rate limit)", share * 100)


@dataclass
class RunningDiscord:
    """A connected bot; `task` runs the gateway until `aclose()`."""

    client: QuizClient
    publisher: DiscordPublisher
    task: asyncio.Task[None]

    async def aclose(self) -> None:
        await self.client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self.task, timeout=10)


async def start_discord(
    runtime: HasRuntime, settings: Settings, *, guild_ready_timeout: float = 2.0
) -> RunningDiscord:
    """Log in, sync commands, connect, and return once ready (publisher registered)."""
    if settings.discord_token is None:
        raise DiscordConfigError("Set DISCORD_TOKEN to run the Discord bot.")
    try:
        shards = shard_plan(settings)
    except ShardConfigError as exc:
        raise DiscordConfigError(str(exc)) from None
    client = QuizClient(
        runtime.service,
        settings.guild_ids,
        shards=shards,
        guild_ready_timeout=guild_ready_timeout,
    )
    publisher = DiscordPublisher(client, shards)
    logger.info("discord: running %s", shards.describe())
    client.on_ready_hook = lambda _client: register_publisher(runtime, publisher, shards)
    task = asyncio.create_task(client.start(settings.discord_token.get_secret_value()))
    ready_wait = asyncio.create_task(client.ready.wait())
    try:
        await asyncio.wait([task, ready_wait], return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        await RunningDiscord(client, publisher, task).aclose()
        raise
    finally:
        ready_wait.cancel()
    if task.done():
        await client.close()
        task.result()  # login or gateway failure: raise it
        raise DiscordConfigError("The Discord client stopped before it was ready.")
    return RunningDiscord(client, publisher, task)


async def run_discord(
    runtime: HasRuntime, settings: Settings, *, guild_ready_timeout: float = 2.0
) -> None:
    """`cnnquiz run discord`: stay connected until cancelled, then close cleanly."""
    running = await start_discord(runtime, settings, guild_ready_timeout=guild_ready_timeout)
    try:
        await asyncio.wait([running.task])  # cancelling us must not cancel it mid-frame
        running.task.result()
    finally:
        await running.aclose()
