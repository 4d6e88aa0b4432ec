"""Who is calling: a platform user resolved to workspace and player ids, cached per process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from quizbot.replies import PlayerRef
from quizbot.storage.records import WorkspaceRec
from quizbot.storage.uow import Tx, WorkspaceRepos

WORKSPACE_CACHE_S = 60.0
PLAYER_CACHE_MAX = 100_000


@dataclass(frozen=True, slots=True)
class Ctx:
    """The caller resolved inside one unit of work, and the moment of the call."""

    ws: WorkspaceRec
    repos: WorkspaceRepos
    player_id: int
    now: datetime


class Callers:
    """Workspace and player ids by platform ids, created on first sight."""

    def __init__(self) -> None:
        self._workspaces: dict[tuple[str, str], tuple[WorkspaceRec, float]] = {}
        self._players: dict[tuple[int, str], tuple[int, str]] = {}

    def known(self, tx: Tx, who: PlayerRef, now: datetime) -> Ctx | None:
        """The caller when nothing about them needs writing (known, same name), else None."""
        hit = self._workspaces.get((who.platform, who.workspace))
        if hit is not None and time.monotonic() - hit[1] < WORKSPACE_CACHE_S:
            ws: WorkspaceRec | None = hit[0]
        else:
            ws = tx.workspaces.find(who.platform, who.workspace)
        if ws is None:
            return None
        repos = tx.scoped(ws.id)
        known = self._players.get((ws.id, who.user_id)) or repos.players.find(who.user_id)
        if known is None or (who.display_name and known[1] != who.display_name):
            return None
        return Ctx(ws, repos, known[0], now)

    def resolve(self, tx: Tx, who: PlayerRef, now: datetime) -> Ctx:
        """The caller's workspace and player, created on first sight.

        Ids already committed are cached per process (workspaces for a minute, so a timezone
        change shows up soon); anything created or renamed here is cached only when seen
        again, so a rolled-back transaction never leaves a dangling id behind.
        """
        ws_key = (who.platform, who.workspace)
        hit = self._workspaces.get(ws_key)
        if hit is not None and time.monotonic() - hit[1] < WORKSPACE_CACHE_S:
            ws = hit[0]
        else:
            found = tx.workspaces.find(who.platform, who.workspace)
            if found is not None:
                self._workspaces[ws_key] = (found, time.monotonic())
            ws = found or tx.workspaces.get_or_create(who.platform, who.workspace, now)
        repos = tx.scoped(ws.id)
        p_key = (ws.id, who.user_id)
        known = self._players.get(p_key)
        if known is None or (who.display_name and known[1] != who.display_name):
            known = repos.players.find(who.user_id)
            if known is not None and (not who.display_name or known[1] == who.display_name):
                if len(self._players) > PLAYER_CACHE_MAX:
                    self._players.clear()
                self._players[p_key] = known
            else:
                known = (repos.players.get_or_create(who.user_id, who.display_name, now), "")
        return Ctx(ws, repos, known[0], now)
