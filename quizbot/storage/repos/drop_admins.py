"""Drop admins of one workspace: users its admins allowed to manage daily drops."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from quizbot.storage.install_tables import DropAdmin
from quizbot.storage.repos._sql import Scoped, insert_for, table_of

admins = table_of(DropAdmin)


class DropAdminRepo(Scoped):
    def list(self) -> list[str]:
        rows = self.session.execute(
            select(admins.c.user_id)
            .where(admins.c.workspace_id == self.ws)
            .order_by(admins.c.added_at, admins.c.user_id)
        )
        return list(rows.scalars())

    def contains(self, user_id: str) -> bool:
        found = self.session.execute(
            select(admins.c.user_id).where(
                admins.c.workspace_id == self.ws, admins.c.user_id == user_id
            )
        ).first()
        return found is not None

    def add(self, user_id: str, added_by: str, now: datetime) -> bool:
        """Whether the user was added (False: already a drop admin)."""
        stmt = insert_for(self.session, admins).values(
            workspace_id=self.ws, user_id=user_id, added_by=added_by, added_at=now
        )
        result: Any = self.session.execute(stmt.on_conflict_do_nothing())
        return bool(result.rowcount)

    def remove(self, user_id: str) -> bool:
        result: Any = self.session.execute(
            delete(admins).where(admins.c.workspace_id == self.ws, admins.c.user_id == user_id)
        )
        return bool(result.rowcount)
