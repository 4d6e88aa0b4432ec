"""Drop admins per workspace: chosen by the workspace's own admins, trusted with daily drops."""

from __future__ import annotations

import logging
from dataclasses import replace

from quizbot.errors import InvalidInput, NotAllowed
from quizbot.replies import Notice, PlayerRef
from quizbot.services.deps import ServiceDeps
from quizbot.storage.uow import Tx

logger = logging.getLogger(__name__)

USER_ID_MAX = 64
NOT_WORKSPACE_ADMIN = "Sorry, only workspace admins and owners can choose who manages daily drops."


def _check_user(user_id: str) -> str:
    clean = (user_id or "").strip()
    if not clean or len(clean) > USER_ID_MAX or any(ch.isspace() for ch in clean):
        raise InvalidInput("Name one person, e.g. drop admins add @alex")
    return clean


class DropAdmins:
    """Who may manage drops besides the platform's own admins (`PlayerRef.is_admin`)."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def elevate(self, who: PlayerRef) -> PlayerRef:
        """`who`, marked admin when the workspace made them a drop admin."""
        if who.is_admin:
            return who

        def read(tx: Tx) -> bool:
            ws = tx.workspaces.find(who.platform, who.workspace)
            return ws is not None and tx.scoped(ws.id).drop_admins.contains(who.user_id)

        listed = await self.deps.store.run(read, write=False)
        return replace(who, is_admin=True) if listed else who

    async def listing(self, who: PlayerRef) -> tuple[str, ...]:
        """The workspace's drop admins (user ids), oldest first; for admins and drop admins."""
        if not (await self.elevate(who)).is_admin:
            raise NotAllowed(NOT_WORKSPACE_ADMIN)

        def read(tx: Tx) -> list[str]:
            ws = tx.workspaces.find(who.platform, who.workspace)
            return tx.scoped(ws.id).drop_admins.list() if ws else []

        return tuple(await self.deps.store.run(read, write=False))

    async def add(self, who: PlayerRef, user_id: str) -> Notice:
        """Let `user_id` manage this workspace's drops (workspace admins only)."""
        if not who.is_admin:
            raise NotAllowed(NOT_WORKSPACE_ADMIN)
        user = _check_user(user_id)
        now = self.deps.clock()

        def write(tx: Tx) -> bool:
            ws = tx.workspaces.get_or_create(who.platform, who.workspace, now)
            return tx.scoped(ws.id).drop_admins.add(user, who.user_id, now)

        added = await self.deps.store.run(write)
        logger.info("drop admin %s added in %s/%s", user, who.platform, who.workspace)
        if not added:
            return Notice(f"<@{user}> already manages daily drops here.")
        return Notice(f"<@{user}> can now manage daily drops here.")

    async def remove(self, who: PlayerRef, user_id: str) -> Notice:
        """Take drop management back from `user_id` (workspace admins only)."""
        if not who.is_admin:
            raise NotAllowed(NOT_WORKSPACE_ADMIN)
        user = _check_user(user_id)

        def write(tx: Tx) -> bool:
            ws = tx.workspaces.find(who.platform, who.workspace)
            return ws is not None and tx.scoped(ws.id).drop_admins.remove(user)

        if not await self.deps.store.run(write):
            return Notice(f"<@{user}> is not a drop admin here; nothing changed.")
        logger.info("drop admin %s removed in %s/%s", user, who.platform, who.workspace)
        return Notice(f"<@{user}> no longer manages daily drops here.")
