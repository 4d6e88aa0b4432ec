"""Installations per workspace: saved by an adapter's OAuth flow, removed on uninstall.

Removing a workspace's installation suspends its drops (the runner skips them) and saving
one resumes them; nothing else about the workspace (players, boards, schedules) changes.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from quizbot.services.deps import Clock
from quizbot.storage.repos.installations import InstallationRec
from quizbot.storage.uow import Store, Tx

logger = logging.getLogger(__name__)

__all__ = ["InstallationRec", "Installations"]


class Installations:
    """Per-workspace bot credentials and single-use OAuth states, in the engine's database.

    Args:
        store: the engine's store.
        clock: aware-UTC now.
    """

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def save(self, rec: InstallationRec) -> None:
        """Store (or refresh) the installation and resume the workspace's drops."""

        def write(tx: Tx) -> bool:
            tx.installations.save(rec)
            return tx.installations.suspend(rec.platform, rec.workspace, None)

        resumed = await self.store.run(write)
        logger.info(
            "installed into %s workspace %s%s",
            rec.platform,
            rec.workspace,
            "; its drops resume" if resumed else "",
        )

    async def find(self, platform: str, workspace: str) -> InstallationRec | None:
        return await self.store.run(
            lambda tx: tx.installations.find(platform, workspace), write=False
        )

    async def remove(self, platform: str, workspace: str, why: str) -> bool:
        """Forget the installation and pause the workspace's drops; whether one was there."""
        now = self.clock()

        def write(tx: Tx) -> bool:
            tx.installations.suspend(platform, workspace, now)
            return tx.installations.delete(platform, workspace)

        removed = await self.store.run(write)
        logger.warning(
            "%s workspace %s: %s; installation removed, its drops are paused until reinstall",
            platform,
            workspace,
            why,
        )
        return removed

    async def issue_state(self, ttl: timedelta) -> str:
        """A fresh unguessable OAuth state, valid for `ttl` and for one use."""
        state = secrets.token_urlsafe(32)
        expires = self.clock() + ttl
        await self.store.run(lambda tx: tx.oauth_states.issue(state, expires))
        return state

    async def consume_state(self, state: str) -> bool:
        """True once for a state this deployment issued and that has not expired."""
        if not state or len(state) > 64:
            return False
        now = self.clock()
        return await self.store.run(lambda tx: tx.oauth_states.consume(state, now))
