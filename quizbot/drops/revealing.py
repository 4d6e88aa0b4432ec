"""Reveal: close a drop's answers once, award its points once, and post the result."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from quizbot.api import ChannelRef
from quizbot.drops import store
from quizbot.drops.cards import drop_reveal
from quizbot.drops.deps import DropDeps
from quizbot.drops.publishing import PublishFailed, publish
from quizbot.drops.reveal import tally
from quizbot.drops.store import DropRec

logger = logging.getLogger(__name__)


class DropRevealer:
    def __init__(self, deps: DropDeps) -> None:
        self.deps = deps

    async def reveal_due(self) -> list[str]:
        """Close and reveal every posted drop whose reveal time has come; returns their ids."""
        now = self.deps.clock()
        async with self.deps.reading() as uow:
            found = await store.reveal_candidates(uow.session, now, self.deps.stale)
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

    async def _reveal(self, drop: DropRec, now: datetime) -> bool:
        deps = self.deps
        async with deps.writing() as uow:
            # The compare-and-set below is what makes closing (and awarding) happen once.
            if not await store.close_drop(uow.session, drop, now):
                return False
            workspace, tz = await store.workspace_info(uow.session, drop.workspace_id)
            repos = uow.scoped(drop.workspace_id)
            assert drop.ask_id is not None
            ask = await repos.asks.get(drop.ask_id)
            assert ask is not None
            counted = tally(ask.spec, await repos.answers.for_ask(ask.id))
            for answer_id, points in counted.awards:
                await repos.scores.award(answer_id, points, now, tz)  # once per answer anyway
            first = counted.first_correct_player
            first_name = await repos.players.name(first) if first is not None else None
            await uow.commit()
        reveal = drop_reveal(drop.id, ask.id, ask.spec, counted, first_name)
        channel = ChannelRef(drop.platform, workspace, drop.channel_id)
        publisher = deps.publishers[drop.platform]
        try:
            await publish(
                lambda: publisher.post_reveal(channel, drop.message_ref or "", reveal),
                pacer=deps.pacer(drop.platform),
                channel_id=drop.channel_id,
                sleep=deps.sleep,
                what=f"reveal {drop.id}",
            )
        except PublishFailed as exc:
            logger.error("%s; a later sweep posts it again", exc)
            return False
        async with deps.writing() as uow:
            await store.mark_reveal_posted(uow.session, drop.id, deps.clock())
            await uow.commit()
        logger.info(
            "drop revealed: %s channel %s (%s): %d answered, %d correct",
            drop.platform,
            drop.channel_id,
            drop.id,
            counted.answered,
            counted.correct,
        )
        return True
