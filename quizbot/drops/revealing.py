"""Reveal: close a drop's answers once, award its points once, and post the result."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from quizbot.api import ChannelRef
from quizbot.drops.deps import DropDeps
from quizbot.drops.publishing import PublishFailed, publish
from quizbot.drops.reveal import FIRST_CORRECT_BONUS, drop_points, drop_reveal
from quizbot.drops.tables import DropStatus
from quizbot.replies import DropReveal
from quizbot.storage.records import AnswerTally
from quizbot.storage.repos.drops import DropRec
from quizbot.storage.uow import Tx

logger = logging.getLogger(__name__)


class DropRevealer:
    def __init__(self, deps: DropDeps) -> None:
        self.deps = deps

    async def reveal_due(self) -> list[str]:
        """Close and reveal every posted drop whose reveal time has come; returns their ids."""
        now, stale = self.deps.clock(), self.deps.stale
        found = await self.deps.store.run(
            lambda tx: tx.drops.reveal_candidates(now, stale), write=False
        )
        todo = [d for d in found if d.platform in self.deps.publishers]
        done = await asyncio.gather(*(self._guarded(d, now) for d in todo))
        return [d.id for d, ok in zip(todo, done, strict=True) if ok]

    async def _guarded(self, drop: DropRec, now: datetime) -> bool:
        async with self.deps.tasks:
            try:
                return await self._reveal(drop, now)
            except Exception:
                logger.exception("reveal of drop %s failed", drop.id)
                return False

    def _close(
        self, tx: Tx, drop: DropRec, now: datetime
    ) -> tuple[str, DropReveal, AnswerTally] | None:
        """Close the drop and award its points in one transaction; None if another did."""
        # The compare-and-set is what makes closing (and awarding) happen once.
        if not tx.drops.close_drop(drop, self.deps.worker_id, now):
            return None
        workspace, tz = tx.drops.workspace_info(drop.workspace_id)
        repos = tx.scoped(drop.workspace_id)
        assert drop.ask_id is not None
        ask = repos.asks.get(drop.ask_id)
        assert ask is not None
        counted = repos.answers.tally(ask.id)
        if drop.status == DropStatus.POSTED:
            # First close: award. (Re-taking a reveal whose post went missing only re-posts;
            # its points were committed with the close.)
            repos.scores.award_correct(
                ask.id,
                drop_points(ask.spec),
                now,
                tz,
                bonus_answer=counted.first_correct_answer,
                bonus=FIRST_CORRECT_BONUS,
            )
        first = counted.first_correct_player
        first_name = repos.players.name(first) if first is not None else None
        return workspace, drop_reveal(drop.id, ask.id, ask.spec, counted, first_name), counted

    async def _reveal(self, drop: DropRec, now: datetime) -> bool:
        deps = self.deps
        closed = await deps.store.run(lambda tx: self._close(tx, drop, now))
        if closed is None:
            return False
        with deps.leases.hold(drop.id):
            return await self._post_reveal(drop, closed)

    async def _post_reveal(
        self, drop: DropRec, closed: tuple[str, DropReveal, AnswerTally]
    ) -> bool:
        deps = self.deps
        workspace, reveal, counted = closed
        resume = drop.status == DropStatus.REVEALED  # a dead worker's reveal, maybe posted
        channel = ChannelRef(drop.platform, workspace, drop.channel_id)
        publisher = deps.publishers[drop.platform]
        try:
            await publish(
                lambda: publisher.post_reveal(
                    channel, drop.message_ref or "", reveal, resume=resume
                ),
                pacer=deps.pacer(drop.platform),
                channel_id=drop.channel_id,
                sleep=deps.sleep,
                what=f"reveal {drop.id}",
            )
        except PublishFailed as exc:
            logger.error("%s; a later sweep posts it again", exc)
            return False
        at = deps.clock()
        await deps.store.run(lambda tx: tx.drops.mark_reveal_posted(drop.id, at))
        logger.info(
            "drop revealed: %s channel %s (%s): %d answered, %d correct",
            drop.platform,
            drop.channel_id,
            drop.id,
            counted.answered,
            counted.correct,
        )
        return True
