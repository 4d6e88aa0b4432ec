"""Flag a question: players report a bad one; drops leave it out until an admin clears it."""

from __future__ import annotations

import logging

from knowledge.bank import Bank
from quizbot.asking.spec import AskSpec
from quizbot.errors import InvalidInput, NotAllowed
from quizbot.replies import Notice, PlayerRef
from quizbot.services.answering import load_ask
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.repos.flags import MAX_REASON, FlagSummary
from quizbot.study.replies import FlaggedQuestion, FlagList

logger = logging.getLogger(__name__)

NOTHING_TO_FLAG = "Answer a question first; 'flag' then reports the last one you answered."
NOT_ADMIN = "Sorry, only workspace admins can clear reports on questions."
FLAGGED = "Thanks, the question is reported; an admin will look at it."
KEEP_OUT = "It is kept out of channel drops until then."
_ADD_REASON = "Say what is wrong with `flag <reason>` (it updates this report)."


def question_key(spec: AskSpec) -> str:
    """The key a report is kept under: the question id, or "concept:<id>" (as drops key it)."""
    return spec.question_id or f"concept:{spec.concept_id}"


def label_of(bank: Bank, key: str) -> str:
    """A report's question as a person reads it: its prompt, or the concept asked to name."""
    kind, _, concept_id = key.partition(":")
    if kind == "concept" and concept_id in bank.concepts:
        return f"Name the concept: {bank.concepts[concept_id].name}"
    question = bank.question(key)
    return question.text if question is not None else key


def flagged_questions(bank: Bank, summaries: list[FlagSummary]) -> FlagList:
    return FlagList(
        tuple(
            FlaggedQuestion(s.key, label_of(bank, s.key), s.open, s.total, s.last_at, s.reasons)
            for s in summaries
        )
    )


class Flagging:
    """Stores players' reports; lists and clears them for the workspace's admins."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def flag(self, who: PlayerRef, ask_id: str | None, reason: str = "") -> Notice:
        """Report a question the caller saw (`ask_id`), or the one they answered last.

        Raises:
            UnknownAsk: no such ask for this player.
            InvalidInput: no ask given and nothing answered yet, or a reason that is too long.
        """
        reason = " ".join(reason.split())
        if len(reason) > MAX_REASON:
            raise InvalidInput(f"Please keep the reason under {MAX_REASON} characters.")

        def work(ctx: Ctx) -> Notice:
            wanted = ask_id or ctx.repos.answers.last_ask(ctx.player_id)
            if not wanted:
                raise InvalidInput(NOTHING_TO_FLAG)
            ask = load_ask(ctx, wanted)
            key = question_key(ask.spec)
            ctx.repos.flags.flag(ask.id, ctx.player_id, key, reason, ctx.now)
            logger.info("question %s flagged in workspace %s", key, ctx.ws.id)
            shown = label_of(self.deps.bank, key)
            details = (f"“{shown}”", f"Reason: {reason}" if reason else _ADD_REASON)
            return Notice(f"{FLAGGED} {KEEP_OUT}", details)

        return await self.deps.run(who, work)

    async def flags(self, who: PlayerRef) -> FlagList:
        """The workspace's open reports (admins only)."""
        _require_admin(who)
        summaries = await self.deps.read(who, lambda ctx: ctx.repos.flags.summary())
        return flagged_questions(self.deps.bank, summaries)

    async def clear(self, who: PlayerRef, key: str) -> Notice:
        """Close the open reports on a question (admins only); drops may use it again."""
        _require_admin(who)
        key = key.strip()
        if not key:
            raise InvalidInput("Name the question to clear: the id `flags` lists.")

        def work(ctx: Ctx) -> int:
            return ctx.repos.flags.clear(key, ctx.now)

        cleared = await self.deps.run(who, work)
        if not cleared:
            raise InvalidInput(f"No open reports on `{key}`; `flags` lists the ones there are.")
        logger.info("question %s cleared (%d reports)", key, cleared)
        label = label_of(self.deps.bank, key)
        return Notice(
            f"Cleared {cleared} report{'s' if cleared > 1 else ''}; drops may use it again.",
            (f"“{label}”",),
        )


def _require_admin(who: PlayerRef) -> None:
    if not who.is_admin:
        raise NotAllowed(NOT_ADMIN)
