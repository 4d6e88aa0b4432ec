"""Installations (a bot token per workspace) and single-use OAuth states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from quizbot.storage.install_tables import Installation, OAuthState
from quizbot.storage.models import Workspace
from quizbot.storage.repos._sql import insert_for, table_of

installations = table_of(Installation)
states = table_of(OAuthState)
workspaces = table_of(Workspace)


@dataclass(frozen=True, slots=True)
class InstallationRec:
    """One workspace's installation; `bot_token` is a secret: never log or show it."""

    platform: str
    workspace: str
    bot_token: str = ""
    installed_at: datetime | None = None
    enterprise_id: str | None = None
    app_id: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str = ""
    installer_id: str | None = None

    def __repr__(self) -> str:  # keep the token out of logs and tracebacks
        return f"InstallationRec({self.platform!r}, {self.workspace!r})"


_FIELDS = tuple(f for f in InstallationRec.__dataclass_fields__)


def _rec(row: Any) -> InstallationRec:
    return InstallationRec(**{f: getattr(row, f) for f in _FIELDS})


class InstallationRepo:
    """Installations of every workspace, keyed by (platform, workspace id)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, rec: InstallationRec) -> None:
        """Insert or replace the workspace's installation (a reinstall refreshes the token)."""
        values = {f: getattr(rec, f) for f in _FIELDS}
        stmt = insert_for(self.session, installations).values(**values)
        keep = {k: stmt.excluded[k] for k in values if k not in ("platform", "workspace")}
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[installations.c.platform, installations.c.workspace], set_=keep
            )
        )

    def find(self, platform: str, workspace: str) -> InstallationRec | None:
        row = self.session.execute(
            select(installations).where(
                installations.c.platform == platform, installations.c.workspace == workspace
            )
        ).first()
        return _rec(row) if row else None

    def delete(self, platform: str, workspace: str) -> bool:
        """Remove the installation; whether there was one."""
        result: Any = self.session.execute(
            delete(installations).where(
                installations.c.platform == platform, installations.c.workspace == workspace
            )
        )
        return bool(result.rowcount)

    def count(self, platform: str) -> int:
        return len(
            self.session.execute(
                select(installations.c.workspace).where(installations.c.platform == platform)
            ).all()
        )

    def suspend(self, platform: str, workspace: str, at: datetime | None) -> bool:
        """Pause (a time) or resume (None) the workspace's drops; whether the state changed."""
        stmt = update(workspaces).where(
            workspaces.c.platform == platform, workspaces.c.external_id == workspace
        )
        stmt = stmt.where(
            workspaces.c.suspended_at.is_(None)
            if at is not None
            else workspaces.c.suspended_at.is_not(None)
        )
        result: Any = self.session.execute(stmt.values(suspended_at=at))
        return bool(result.rowcount)


class OAuthStateRepo:
    """States issued to browsers starting an install; each is consumed at most once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def issue(self, state: str, expires_at: datetime) -> None:
        stmt = insert_for(self.session, states).values(state=state, expires_at=expires_at)
        self.session.execute(stmt)

    def consume(self, state: str, now: datetime) -> bool:
        """Delete the state; True only if it existed and had not expired (so a replay fails)."""
        expires = self.session.execute(
            delete(states).where(states.c.state == state).returning(states.c.expires_at)
        ).scalar_one_or_none()
        self.session.execute(delete(states).where(states.c.expires_at < now))
        return expires is not None and expires >= now
