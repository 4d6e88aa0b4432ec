"""Slack payloads -> engine calls: slash commands, button clicks, modal submissions, App Home."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import board_render, render, study_render
from adapters.slack import commands as cmds
from adapters.slack.commands import Command, parse_command
from adapters.slack.payloads import (
    PLATFORM,
    Payload,
    channel_of,
    decode,
    player_from_command,
    player_from_interaction,
)
from adapters.slack.pictures import send_mastery_map
from quizbot.api import QuizApi
from quizbot.errors import QuizError, UnknownTopic
from quizbot.replies import Board, Notice, Period, PlayerRef

logger = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
Blocks = list[render.Block]


class SlackInbound:
    """Bolt listeners. Each acknowledges first, then calls the engine and replies privately."""

    def __init__(self, api: QuizApi, admin_ids: set[str] | frozenset[str] = frozenset()) -> None:
        self._api = api
        self._admin_ids = frozenset(admin_ids)

    async def is_admin(self, client: AsyncWebClient, user_id: str) -> bool:
        """Workspace admins and owners, or ids listed in SLACK_DROP_ADMINS (single workspace).

        The drop admins a workspace chose are the engine's to recognise.
        """
        if user_id in self._admin_ids:
            return True
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            logger.warning("slack users.info failed for %s: %s", user_id, exc.response.get("error"))
            return False
        user = response.get("user") or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    # -- slash command -------------------------------------------------------------------

    async def on_command(
        self, ack: Ack, body: Payload, respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        who = player_from_command(body)
        command = parse_command(body.get("text") or "")
        logger.info("slack command %s from %s in %s", command.action, who.user_id, who.workspace)
        try:
            if command.is_drop or command.action == cmds.FLAGS:
                who = replace(who, is_admin=await self.is_admin(client, who.user_id))
            blocks, text = await self._run(who, command, body["channel_id"])
        except QuizError as exc:
            blocks, text = render.error_blocks(exc.message, exc.suggestions), exc.message
        except Exception:
            logger.exception("slack command %s failed", command.action)
            blocks, text = _oops()
        await respond(text=text, blocks=blocks, response_type="ephemeral")
        if command.action == cmds.STATS:
            try:
                await send_mastery_map(client, self._api, who)
            except Exception:
                logger.exception("slack mastery map failed")

    async def _run(self, who: PlayerRef, command: Command, here: str) -> tuple[Blocks, str]:
        api, action, channel = self._api, command.action, command.channel_id or here
        if action == cmds.ASK:
            try:
                card = await api.ask(who, command.arg or None)
            except UnknownTopic as exc:
                if not command.arg:
                    raise
                hint = f"{exc.message} " + (
                    f"Try: {', '.join(exc.suggestions[:5])}." if exc.suggestions else ""
                )
                return render.help_blocks(hint.strip()), "Unknown topic or sub-command"
            return render.card_blocks(card), render.card_text(card)
        if action == cmds.HELP:
            return render.help_blocks(command.problem), "cnnquiz help"
        if action == cmds.REVIEW:
            reviews = await api.review(who)
            return study_render.review_blocks(reviews), study_render.review_text(reviews)
        if action == cmds.LEADERBOARD:
            board = await api.leaderboard(who, command.board, command.period)
            return board_render.leaderboard_blocks(board), board.title
        if action == cmds.STATS:
            return board_render.stats_blocks(await api.stats(who)), "Your stats"
        if action == cmds.PATH:
            path = api.concept_path(command.arg)
            return render.concept_path_blocks(path), path.name
        if action == cmds.TEAM_LIST:
            return board_render.team_list_blocks(await api.team_list(who)), "Teams"
        if action == cmds.DROP_LIST:
            return render.schedules_blocks(await api.drop_list(who)), "Drops"
        if action == cmds.DROP_ADMINS:
            listed = _drop_admins_notice(await api.drop_admins(who))
            return render.notice_blocks(listed), listed.text
        if action == cmds.FLAGS and not command.arg:
            return study_render.flags_blocks(await api.flags(who)), "Reported questions"
        notice = await self._notice_command(who, command, channel)
        return render.notice_blocks(notice), notice.text

    async def _notice_command(self, who: PlayerRef, command: Command, channel: str) -> Notice:
        api, action = self._api, command.action
        if action == cmds.TEAM_JOIN:
            return await api.team_join(who, command.arg)
        if action == cmds.TEAM_CREATE:
            return await api.team_create(who, command.arg)
        if action == cmds.TEAM_LEAVE:
            return await api.team_leave(who)
        if action == cmds.FLAG:
            return await api.flag(who, None, command.arg)
        if action == cmds.FLAGS:
            return await api.flag_clear(who, command.arg)
        if action == cmds.DROP_SET:
            return await api.drop_set(
                who, channel, command.time, command.timezone, command.weekdays, command.reveal
            )
        if action == cmds.DROP_OFF:
            return await api.drop_off(who, command.channel_id)
        if action == cmds.DROP_ADMIN_ADD:
            return await api.drop_admin_add(who, command.arg)
        if action == cmds.DROP_ADMIN_REMOVE:
            return await api.drop_admin_remove(who, command.arg)
        return await api.drop_now(who, channel)

    # -- buttons -------------------------------------------------------------------------

    async def on_choice(
        self,
        ack: Ack,
        body: Payload,
        action: Payload,
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """A choice button on a personal card (reply via response_url) or a drop (postEphemeral)."""
        await ack()
        who = player_from_interaction(body)
        drop = False
        try:
            data = decode(action.get("value"))
            drop = bool(data.get("drop"))
            verdict = await self._api.answer(who, data["ask"], str(data.get("r", "")))
            blocks, text = (
                render.verdict_blocks(verdict, with_next=not drop),
                render.verdict_text(verdict),
            )
        except QuizError as exc:
            blocks, text = render.error_blocks(exc.message, exc.suggestions), exc.message
        except Exception:
            logger.exception("slack answer failed")
            blocks, text = _oops()
        logger.info("slack answer from %s (drop=%s)", who.user_id, drop)
        channel = channel_of(body)
        if drop and channel:
            await client.chat_postEphemeral(
                channel=channel, user=who.user_id, blocks=blocks, text=text
            )
        else:
            await respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )

    async def on_reveal(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        """A flashcard's "Reveal answer": show it and offer the self-rating buttons."""
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._reveal(who, action))

    async def _reveal(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        verdict = await self._api.answer(who, decode(action.get("value"))["ask"], "")
        return render.verdict_blocks(verdict), render.verdict_text(verdict)

    async def on_rate(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._rate(who, action))

    async def _rate(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        data = decode(action.get("value"))
        verdict = await self._api.rate(who, data["ask"], str(data.get("r", "")))
        return render.verdict_blocks(verdict), render.verdict_text(verdict)

    async def on_sources(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        """ "From the sources" under a verdict: every source's own answer, privately."""
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._sources(who, action))

    async def _sources(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        reply = await self._api.sources(who, decode(action.get("value"))["ask"])
        return render.sources_blocks(reply), "From the sources"

    async def on_more(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        """ "More" under a verdict: the full explanation, privately."""
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._more(who, action))

    async def _more(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        reply = await self._api.more(who, decode(action.get("value"))["ask"])
        return study_render.explanation_blocks(reply), "More about this question"

    async def on_hint(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        """ "Hint" on a card: a nudge, privately; a right answer then scores half."""
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._hint(who, action))

    async def _hint(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        hint = await self._api.hint(who, decode(action.get("value"))["ask"])
        return study_render.hint_blocks(hint), hint.text

    async def on_flag(
        self, ack: Ack, body: Payload, action: Payload, respond: AsyncRespond
    ) -> None:
        """ "Flag" under a verdict: report the question, privately."""
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._flag(who, action))

    async def _flag(self, who: PlayerRef, action: Payload) -> tuple[Blocks, str]:
        notice = await self._api.flag(who, decode(action.get("value"))["ask"])
        return render.notice_blocks(notice), notice.text

    async def on_next(self, ack: Ack, body: Payload, respond: AsyncRespond) -> None:
        await ack()
        who = player_from_interaction(body)
        await self._reply(respond, lambda: self._next(who))

    async def _next(self, who: PlayerRef) -> tuple[Blocks, str]:
        card = await self._api.ask(who)
        return render.card_blocks(card), render.card_text(card)

    async def _reply(
        self, respond: AsyncRespond, work: Callable[[], Awaitable[tuple[Blocks, str]]]
    ) -> None:
        try:
            blocks, text = await work()
        except QuizError as exc:
            blocks, text = render.error_blocks(exc.message, exc.suggestions), exc.message
        except Exception:
            logger.exception("slack interaction failed")
            blocks, text = _oops()
        await respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    # -- typed answers through a modal ---------------------------------------------------

    async def on_typed(
        self,
        ack: Ack,
        body: Payload,
        action: Payload,
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """ "Type your answer": open the modal (the trigger id is only valid for 3 seconds)."""
        await ack()
        try:
            data = decode(action.get("value"))
        except QuizError as exc:
            await respond(
                text=exc.message, blocks=render.error_blocks(exc.message), replace_original=False
            )
            return
        metadata = {"url": body.get("response_url") or "", "ch": channel_of(body) or ""}
        if data.get("drop"):
            metadata["drop"] = "1"
        view = render.answer_modal(
            str(data.get("p", "")),
            data["ask"],
            metadata,
            str(data.get("h", "")),
            long=bool(data.get("long")),
        )
        trigger = body.get("trigger_id")
        try:
            if not isinstance(trigger, str) or not trigger:
                raise ValueError("no trigger_id")
            await client.views_open(trigger_id=trigger, view=view)
        except (ValueError, SlackApiError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            logger.warning("slack answer box not opened for %s: %s", body["user"]["id"], reason)
            text = "The answer box did not open. Click *Type your answer* again."
            await respond(text=text, blocks=render.error_blocks(text), replace_original=False)

    async def on_view(self, ack: Ack, body: Payload, view: Payload, client: AsyncWebClient) -> None:
        """The modal's submission: validate, close it, grade, and post the verdict privately."""
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            values = view["state"]["values"][render.ANSWER_BLOCK][render.ANSWER_INPUT]
            answer = str(values.get("value") or "").strip()
        except (ValueError, KeyError, TypeError):
            await ack(
                response_action="errors",
                errors={render.ANSWER_BLOCK: "Something is off; try again."},
            )
            return
        if not answer:
            await ack(
                response_action="errors", errors={render.ANSWER_BLOCK: "Type an answer first."}
            )
            return
        await ack()
        who = player_from_interaction(body)
        try:
            verdict = await self._api.answer(who, str(meta.get("ask", "")), answer)
            drop = bool(meta.get("drop"))
            blocks, text = (
                render.verdict_blocks(verdict, with_next=not drop),
                render.verdict_text(verdict),
            )
        except QuizError as exc:
            blocks, text = render.error_blocks(exc.message, exc.suggestions), exc.message
        except Exception:
            logger.exception("slack typed answer failed")
            blocks, text = _oops()
        url, channel = meta.get("url"), meta.get("ch")
        if url and not meta.get("drop"):
            respond = AsyncRespond(response_url=url)
            await respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )
        elif channel:
            await client.chat_postEphemeral(
                channel=channel, user=who.user_id, blocks=blocks, text=text
            )

    # -- App Home ------------------------------------------------------------------------

    async def on_home(self, event: Payload, body: Payload, client: AsyncWebClient) -> None:
        """Publish the Home tab: stats, weakest concepts and this week's team leaderboard."""
        if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
            return
        view = event.get("view")
        view_team = view.get("team_id") if isinstance(view, dict) else None
        workspace = body.get("team_id") or view_team
        if not isinstance(workspace, str) or not workspace:
            logger.info("slack home for %s ignored: no workspace id", event["user"])
            return
        who = PlayerRef(PLATFORM, workspace, event["user"])
        try:
            stats = await self._api.stats(who)
            teams = await self._api.leaderboard(who, Board.TEAMS, Period.WEEK)
        except QuizError as exc:
            logger.warning("slack home for %s: %s", who.user_id, exc.message)
            return
        await client.views_publish(user_id=who.user_id, view=board_render.home_view(stats, teams))


def _drop_admins_notice(admins: tuple[str, ...]) -> Notice:
    if not admins:
        return Notice(
            "No drop admins chosen yet: workspace admins and owners manage drops.",
            ("Add one with `/cnnquiz drop admins add @name`.",),
        )
    return Notice(
        "Drop admins: " + ", ".join(f"<@{u}>" for u in admins),
        ("Workspace admins and owners manage drops too.",),
    )


def _oops() -> tuple[Blocks, str]:
    text = "Something went wrong on our side. Please try again in a moment."
    return render.error_blocks(text), text
