"""The `/cnnquiz` slash command group; each command hands over to DiscordInbound."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord.inbound import DiscordInbound
from quizbot.errors import QuizError
from quizbot.replies import Board, Period

BAD_OPTION = "One of the options is not valid here. Try `/cnnquiz help`."


class ChannelId(app_commands.Transformer):
    """A text channel or thread option, read as its id from the payload (no cache needed)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        kinds = discord.ChannelType
        return [kinds.text, kinds.news, kinds.public_thread, kinds.private_thread]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        return str(value.id)


Channel = app_commands.Transform[str, ChannelId]


class QuizCommands(app_commands.Group):
    """`/cnnquiz ask|review|leaderboard|stats|path|help` and the `team` and `drop` sub-groups."""

    team = app_commands.Group(name="team", description="Play as a team")
    drop = app_commands.Group(name="drop", description="Daily drops in a channel (Manage Server)")

    def __init__(self, inbound: DiscordInbound) -> None:
        super().__init__(name="cnnquiz", description="CNN interview quiz")
        self.inbound = inbound

    async def _topics(self, current: str) -> list[app_commands.Choice[str]]:
        return _choices(self.inbound.topic_choices(current))

    @app_commands.command(description="Your next question (only you see it)")
    @app_commands.describe(topic="A concept to practise, e.g. batch normalization")
    async def ask(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        await self.inbound.ask(interaction, topic)

    @ask.autocomplete("topic")
    async def _ask_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._topics(current)

    @app_commands.command(description="Your due and upcoming review cards; answer the due ones")
    async def review(self, interaction: discord.Interaction) -> None:
        await self.inbound.review(interaction)

    @app_commands.command(description="Report the question you answered last as wrong or unclear")
    @app_commands.describe(reason="What is wrong with it (optional)")
    async def flag(self, interaction: discord.Interaction, reason: str | None = None) -> None:
        await self.inbound.flag(interaction, reason)

    @app_commands.command(description="Reported questions; clear one by its id (Manage Server)")
    @app_commands.describe(clear="The id of a reported question to clear")
    async def flags(self, interaction: discord.Interaction, clear: str | None = None) -> None:
        await self.inbound.flags(interaction, clear)

    @app_commands.command(description="Who leads this week, this month or all time")
    @app_commands.describe(board="Players or teams", period="week, month or all time")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        board: Literal["players", "teams"] = "players",
        period: Literal["week", "month", "all"] = "week",
    ) -> None:
        try:
            which, when = Board(board), Period(period)
        except ValueError:  # only a stale command sync sends a value outside the choices
            raise QuizError(BAD_OPTION) from None
        await self.inbound.leaderboard(interaction, which, when)

    @app_commands.command(description="Your accuracy, streak, strongest and weakest concepts")
    async def stats(self, interaction: discord.Interaction) -> None:
        await self.inbound.stats(interaction)

    @app_commands.command(description="The prerequisite chain of a concept, with a picture")
    @app_commands.describe(concept="A concept, e.g. ResNet")
    async def path(self, interaction: discord.Interaction, concept: str) -> None:
        await self.inbound.path(interaction, concept)

    @path.autocomplete("concept")
    async def _path_concept(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._topics(current)

    @app_commands.command(description="How to play")
    async def help(self, interaction: discord.Interaction) -> None:
        await self.inbound.help(interaction)

    # -- teams -------------------------------------------------------------------------

    @team.command(name="join", description="Join a team")
    @app_commands.describe(name="The team's name")
    async def team_join(self, interaction: discord.Interaction, name: str) -> None:
        await self.inbound.team(interaction, "join", name)

    @team.command(name="create", description="Start a team (and join it)")
    @app_commands.describe(name="A name for the team")
    async def team_create(self, interaction: discord.Interaction, name: str) -> None:
        await self.inbound.team(interaction, "create", name)

    @team.command(name="leave", description="Leave your team")
    async def team_leave(self, interaction: discord.Interaction) -> None:
        await self.inbound.team(interaction, "leave")

    @team.command(name="list", description="The teams of this server")
    async def team_list(self, interaction: discord.Interaction) -> None:
        await self.inbound.team(interaction, "list")

    # -- drops (the engine checks Manage Server through PlayerRef.is_admin) -------------

    @drop.command(name="set", description="Post a daily question in a channel")
    @app_commands.describe(
        time="Local time, 24-hour HH:MM",
        timezone="IANA timezone, e.g. Europe/Berlin",
        channel="Where to post (default: here)",
        days="Weekdays: mon-fri (default), daily, weekends or mon,wed,fri",
        reveal="When to reveal the answer: 4h (default), 90m, or next (at the next drop)",
    )
    async def drop_set(
        self,
        interaction: discord.Interaction,
        time: str,
        timezone: str,
        channel: Channel | None = None,
        days: str | None = None,
        reveal: str | None = None,
    ) -> None:
        await self.inbound.drop(interaction, "set", channel, time, timezone, days, reveal)

    @drop_set.autocomplete("timezone")
    async def _drop_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(self.inbound.timezone_choices(current))

    @drop.command(name="off", description="Pause daily drops (one channel, or all)")
    @app_commands.describe(channel="The channel to pause (default: every channel)")
    async def drop_off(
        self, interaction: discord.Interaction, channel: Channel | None = None
    ) -> None:
        await self.inbound.drop(interaction, "off", channel)

    @drop.command(name="now", description="Post today's drop right now")
    @app_commands.describe(channel="The channel (default: here)")
    async def drop_now(
        self, interaction: discord.Interaction, channel: Channel | None = None
    ) -> None:
        await self.inbound.drop(interaction, "now", channel)

    @drop.command(name="list", description="The drop schedules of this server")
    async def drop_list(self, interaction: discord.Interaction) -> None:
        await self.inbound.drop(interaction, "list")


def _choices(names: list[str]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]
