"""Discord interactions -> engine calls: every reply is deferred, then sent privately."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import zoneinfo
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord import components, ids, render, study_render
from adapters.discord.ids import Mode
from adapters.discord.pathimage import render_chains_png
from adapters.discord.render import Reply
from adapters.pictures import MASTERY_IMAGE, mastery_png
from quizbot.api import QuizApi
from quizbot.errors import QuizError
from quizbot.replies import Board, Period, PlayerRef

logger = logging.getLogger(__name__)

PLATFORM = "discord"
PATH_IMAGE = "concept-path.png"
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices
STALE_BUTTON = "This button is no longer valid. Try `/cnnquiz ask` for a new question."
Work = Callable[[PlayerRef], Awaitable[Reply]]


def player_of(interaction: discord.Interaction, *, admin_check: bool = False) -> PlayerRef:
    """The acting player; outside a server the workspace is the user's DM space.

    `is_admin` is Manage Server in this channel (resolved by Discord into the payload).
    """
    user = interaction.user
    if interaction.guild_id is not None:
        workspace = str(interaction.guild_id)
    else:
        workspace = f"dm-{user.id}"
    is_admin = admin_check and interaction.guild_id is not None
    is_admin = is_admin and interaction.permissions.manage_guild
    return PlayerRef(PLATFORM, workspace, str(user.id), user.display_name, is_admin)


async def send(interaction: discord.Interaction, reply: Reply) -> None:
    """An ephemeral reply: the deferred response's follow-up, or the response itself."""
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **reply.kwargs())
    else:
        await interaction.response.send_message(ephemeral=True, **reply.kwargs())


async def send_error(interaction: discord.Interaction, error: BaseException) -> None:
    """A QuizError's own message, or a generic apology (the traceback goes to the log)."""
    if isinstance(error, QuizError):
        reply = render.error_reply(error.message, error.suggestions)
    else:
        reply = render.error_reply(render.OOPS)
    try:
        await send(interaction, reply)
    except discord.HTTPException as exc:  # expired token, unknown interaction, ...
        logger.warning("discord: could not report an error to the user: %s", exc)


class DiscordInbound:
    """Handlers behind the slash commands, buttons and modals. Each defers, then replies."""

    def __init__(self, api: QuizApi) -> None:
        self.api = api

    async def run(
        self,
        interaction: discord.Interaction,
        what: str,
        work: Work,
        *,
        admin_check: bool = False,
    ) -> None:
        """Defer (ephemeral "thinking") within Discord's 3 s, run `work`, send its reply.

        Whatever goes wrong, the user gets a friendly ephemeral and the log a line.
        """
        try:
            who = player_of(interaction, admin_check=admin_check)
            logger.info("discord %s from %s in %s", what, who.user_id, who.workspace)
            if not interaction.response.is_done():
                await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await work(who)
        except QuizError as exc:
            logger.info("discord %s refused (%s): %s", what, type(exc).__name__, exc.message)
            reply = render.error_reply(exc.message, exc.suggestions)
        except Exception:
            logger.exception("discord %s failed", what)
            reply = render.error_reply(render.OOPS)
        try:
            await send(interaction, reply)
        except discord.HTTPException:
            logger.exception("discord %s: the reply was refused", what)
            await send_error(interaction, RuntimeError(what))

    # -- slash commands ----------------------------------------------------------------

    async def ask(self, interaction: discord.Interaction, topic: str | None) -> None:
        async def work(who: PlayerRef) -> Reply:
            return render.card_reply(await self.api.ask(who, topic or None))

        await self.run(interaction, "ask", work)

    async def review(self, interaction: discord.Interaction) -> None:
        async def work(who: PlayerRef) -> Reply:
            return study_render.review_reply(await self.api.review(who))

        await self.run(interaction, "review", work)

    async def flag(self, interaction: discord.Interaction, reason: str | None) -> None:
        """`/cnnquiz flag [reason]`: report the question answered last."""

        async def work(who: PlayerRef) -> Reply:
            return Reply(content=render.notice_text(await self.api.flag(who, None, reason or "")))

        await self.run(interaction, "flag", work)

    async def flags(self, interaction: discord.Interaction, clear: str | None) -> None:
        """`/cnnquiz flags [clear]`: the open reports, or clear one (Manage Server)."""

        async def work(who: PlayerRef) -> Reply:
            if clear:
                return Reply(content=render.notice_text(await self.api.flag_clear(who, clear)))
            return study_render.flags_reply(await self.api.flags(who))

        await self.run(interaction, "flags", work, admin_check=True)

    async def leaderboard(
        self, interaction: discord.Interaction, board: Board, period: Period
    ) -> None:
        async def work(who: PlayerRef) -> Reply:
            table = await self.api.leaderboard(who, board, period)
            return Reply([render.leaderboard_embed(table)])

        await self.run(interaction, "leaderboard", work)

    async def stats(self, interaction: discord.Interaction) -> None:
        """Stats, with the mastery map as a picture once the player has met a concept."""

        async def work(who: PlayerRef) -> Reply:
            embed = render.stats_embed(await self.api.stats(who))
            mastery = await self.api.mastery_map(who)
            if not mastery.concepts:
                return Reply([embed])
            png = await asyncio.to_thread(mastery_png, mastery)
            embed.set_image(url=f"attachment://{MASTERY_IMAGE}")
            return Reply([embed], files=[discord.File(io.BytesIO(png), filename=MASTERY_IMAGE)])

        await self.run(interaction, "stats", work)

    async def path(self, interaction: discord.Interaction, concept: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            path = self.api.concept_path(concept)
            png = await asyncio.to_thread(render_chains_png, path.chains or ((path.name,),))
            image = discord.File(io.BytesIO(png), filename=PATH_IMAGE)
            return Reply([render.path_embed(path, PATH_IMAGE)], files=[image])

        await self.run(interaction, "path", work)

    async def help(self, interaction: discord.Interaction) -> None:
        await send(interaction, Reply([render.help_embed()]))

    async def team(self, interaction: discord.Interaction, action: str, name: str = "") -> None:
        async def work(who: PlayerRef) -> Reply:
            if action == "list":
                return Reply([render.team_list_embed(await self.api.team_list(who))])
            if action == "join":
                notice = await self.api.team_join(who, name)
            elif action == "create":
                notice = await self.api.team_create(who, name)
            else:
                notice = await self.api.team_leave(who)
            return Reply(content=render.notice_text(notice))

        await self.run(interaction, f"team {action}", work)

    async def drop(
        self,
        interaction: discord.Interaction,
        action: str,
        channel_id: str | None = None,
        time: str = "",
        timezone: str = "",
        days: str | None = None,
        reveal: str | None = None,
    ) -> None:
        """Admin drop commands; the engine refuses players without Manage Server."""
        here = str(interaction.channel_id or "")

        async def work(who: PlayerRef) -> Reply:
            if action == "list":
                schedules = await self.api.drop_list(who)
                return Reply(content=render.schedules_text(schedules))
            if action == "set":
                where = channel_id or here
                notice = await self.api.drop_set(who, where, time, timezone, days, reveal)
            elif action == "off":
                notice = await self.api.drop_off(who, channel_id)
            else:
                notice = await self.api.drop_now(who, channel_id or here)
            text = render.notice_text(notice)
            missing = _missing_post_permissions(interaction)
            if action != "off" and channel_id in (None, here) and missing:
                text += "\n" + render.missing_permissions_text(missing)
            return Reply(content=text)

        await self.run(interaction, f"drop {action}", work, admin_check=True)

    def topic_choices(self, current: str) -> list[str]:
        """Concept names for autocomplete (shown and sent as typed)."""
        return [name for _cid, name in self.api.suggest_topics(current, AUTOCOMPLETE_LIMIT)]

    @staticmethod
    def timezone_choices(current: str) -> list[str]:
        """IANA timezone names containing what was typed, e.g. "berl" -> Europe/Berlin."""
        typed = current.strip().lower().replace(" ", "_")
        names = [n for n in _timezones() if typed in n.lower()]
        names.sort(key=lambda n: (not n.lower().split("/")[-1].startswith(typed), len(n)))
        return names[:AUTOCOMPLETE_LIMIT]

    # -- components (components.ComponentHandler) --------------------------------------

    async def on_answer(
        self, interaction: discord.Interaction, mode: Mode, ask_id: str, choice_id: str
    ) -> None:
        response = "" if choice_id == render.REVEAL_CHOICE else choice_id

        async def work(who: PlayerRef) -> Reply:
            return render.verdict_reply(await self.api.answer(who, ask_id, response), mode)

        await self.run(interaction, f"answer ({mode.name.lower()})", work)

    async def on_rate(self, interaction: discord.Interaction, ask_id: str, rating: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            return render.verdict_reply(await self.api.rate(who, ask_id, rating), Mode.PERSONAL)

        await self.run(interaction, "rate", work)

    async def on_next(self, interaction: discord.Interaction) -> None:
        await self.ask(interaction, None)

    async def on_sources(self, interaction: discord.Interaction, ask_id: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            return render.sources_reply(await self.api.sources(who, ask_id))

        await self.run(interaction, "sources", work)

    async def on_more(self, interaction: discord.Interaction, ask_id: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            return study_render.explanation_reply(await self.api.more(who, ask_id))

        await self.run(interaction, "more", work)

    async def on_number_button(
        self, interaction: discord.Interaction, mode: Mode, ask_id: str
    ) -> None:
        """Open the number modal at once: a modal cannot follow a deferred response."""
        hint = _hint_of(interaction.message)
        try:
            await interaction.response.send_modal(components.NumberModal(mode, ask_id, hint))
        except discord.HTTPException:
            logger.exception("discord: could not open the answer modal")
            await send_error(interaction, RuntimeError("modal"))

    async def on_hint(self, interaction: discord.Interaction, ask_id: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            return study_render.hint_reply(await self.api.hint(who, ask_id))

        await self.run(interaction, "hint", work)

    async def on_flag(self, interaction: discord.Interaction, ask_id: str) -> None:
        async def work(who: PlayerRef) -> Reply:
            return Reply(content=render.notice_text(await self.api.flag(who, ask_id)))

        await self.run(interaction, "flag button", work)

    async def on_interview_button(self, interaction: discord.Interaction, ask_id: str) -> None:
        """Open the interview modal at once: a modal cannot follow a deferred response."""
        try:
            await interaction.response.send_modal(components.InterviewModal(ask_id, None))
        except discord.HTTPException:
            logger.exception("discord: could not open the interview modal")
            await send_error(interaction, RuntimeError("modal"))

    async def on_modal_submit(
        self, interaction: discord.Interaction, target: ids.ModalTarget, data: dict[str, Any]
    ) -> None:
        async def work(who: PlayerRef) -> Reply:
            typed = components.modal_answer(data).strip()
            if not typed:
                raise QuizError(
                    "Type your answer first: a number like 10 or 10x10, or a few sentences."
                )
            verdict = await self.api.answer(who, target.ask_id, typed)
            return render.verdict_reply(verdict, target.mode)

        await self.run(interaction, f"typed answer ({target.mode.name.lower()})", work)

    async def on_component_or_modal(self, interaction: discord.Interaction) -> None:
        """Listener for every interaction: modal submits, and buttons nothing else handles."""
        data: Any = interaction.data if isinstance(interaction.data, dict) else {}
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit:
            target = ids.parse_modal(custom_id)
            if target is not None:
                await self.on_modal_submit(interaction, target, data)
                return
        elif interaction.type is not discord.InteractionType.component:
            return
        elif components.dynamic_item_takes(interaction, custom_id):
            return
        logger.info("discord: stale or unknown component %r", custom_id[:100])
        await send_error(interaction, QuizError(STALE_BUTTON))


@functools.cache
def _timezones() -> tuple[str, ...]:
    """IANA names, read once (the lookup scans the tz database on disk)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def _missing_post_permissions(interaction: discord.Interaction) -> list[str]:
    """What the bot lacks in this channel to post a drop (Discord sends its permissions)."""
    if interaction.guild_id is None:
        return []
    have = interaction.app_permissions
    needed = {
        "View Channel": have.view_channel,
        "Send Messages": have.send_messages,
        "Embed Links": have.embed_links,
    }
    return [name for name, ok in needed.items() if not ok]


def _hint_of(message: discord.Message | None) -> str | None:
    """The hint shown on the card the button sits on (placeholder for the modal input)."""
    for embed in message.embeds if message else ():
        for field in embed.fields:
            if field.name == "Hint" and field.value:
                return field.value
    return None
