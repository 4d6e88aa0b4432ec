"""Workspaces and players: get-or-create by platform ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from quizbot.storage.models import Player, Workspace
from quizbot.storage.records import WorkspaceRec
from quizbot.storage.repos._sql import Scoped, insert_for, table_of

workspaces = table_of(Workspace)
players = table_of(Player)


_FIND_WS = select(workspaces.c.id, workspaces.c.timezone).where(
    workspaces.c.platform == bindparam("platform"),
    workspaces.c.external_id == bindparam("external"),
)
_FIND_PLAYER = select(players.c.id, players.c.display_name).where(
    players.c.workspace_id == bindparam("ws"), players.c.external_id == bindparam("external")
)


class WorkspaceRepo:
    """The only repository not bound to a workspace: it finds or creates them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, platform: str, external_id: str) -> WorkspaceRec | None:
        row = self.session.execute(
            _FIND_WS, {"platform": platform, "external": external_id}
        ).first()
        return WorkspaceRec(row.id, platform, external_id, row.timezone) if row else None

    def get_or_create(self, platform: str, external_id: str, now: datetime) -> WorkspaceRec:
        found = self.find(platform, external_id)
        if found:
            return found
        stmt = insert_for(self.session, workspaces).values(
            platform=platform, external_id=external_id, timezone="UTC", created_at=now
        )
        self.session.execute(stmt.on_conflict_do_nothing())
        found = self.find(platform, external_id)
        assert found is not None
        return found

    def timezone_of(self, workspace_id: int) -> str | None:
        return (
            self.session.execute(
                select(workspaces.c.timezone).where(workspaces.c.id == workspace_id)
            )
        ).scalar_one_or_none()

    def set_timezone(self, workspace_id: int, timezone: str) -> None:
        self.session.execute(
            update(workspaces).where(workspaces.c.id == workspace_id).values(timezone=timezone)
        )


class PlayerRepo(Scoped):
    def find(self, external_id: str) -> tuple[int, str] | None:
        row = self.session.execute(_FIND_PLAYER, {"ws": self.ws, "external": external_id}).first()
        return (row.id, row.display_name) if row else None

    def get_or_create(self, external_id: str, display_name: str, now: datetime) -> int:
        """The player's id; a changed non-empty display name is stored."""
        found = self.find(external_id)
        if found:
            pid, name = found
            if display_name and display_name != name:
                self.rename(pid, display_name)
            return pid
        stmt = insert_for(self.session, players).values(
            workspace_id=self.ws,
            external_id=external_id,
            display_name=display_name or external_id,
            created_at=now,
        )
        self.session.execute(stmt.on_conflict_do_nothing())
        found = self.find(external_id)
        assert found is not None
        return found[0]

    def rename(self, player_id: int, display_name: str) -> None:
        self.session.execute(
            update(players)
            .where(players.c.workspace_id == self.ws, players.c.id == player_id)
            .values(display_name=display_name)
        )

    def name(self, player_id: int) -> str | None:
        return (
            self.session.execute(
                select(players.c.display_name).where(
                    players.c.workspace_id == self.ws, players.c.id == player_id
                )
            )
        ).scalar_one_or_none()

    def count(self) -> int:
        return (
            self.session.execute(
                select(func.count()).select_from(players).where(players.c.workspace_id == self.ws)
            )
        ).scalar_one()
