"""Teams and membership (a player is in at most one team per workspace)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, func, select

from quizbot.storage.models import Team, TeamMember
from quizbot.storage.records import TeamRec
from quizbot.storage.repos._sql import Scoped, insert_for, table_of

teams = table_of(Team)
members = table_of(TeamMember)


_TEAM_OF = select(members.c.team_id).where(
    members.c.workspace_id == bindparam("ws"), members.c.player_id == bindparam("player")
)


class TeamRepo(Scoped):
    def by_key(self, name_key: str) -> TeamRec | None:
        row = (
            self.session.execute(
                select(teams.c.id, teams.c.name).where(
                    teams.c.workspace_id == self.ws, teams.c.name_key == name_key
                )
            )
        ).first()
        return TeamRec(row.id, row.name) if row else None

    def create(self, name: str, name_key: str, now: datetime) -> TeamRec | None:
        """The new team, or None when the key is taken (decided by the unique constraint)."""
        stmt = (
            insert_for(self.session, teams)
            .values(workspace_id=self.ws, name=name, name_key=name_key, created_at=now)
            .on_conflict_do_nothing()
            .returning(teams.c.id)
        )
        new_id = (self.session.execute(stmt)).scalar_one_or_none()
        return TeamRec(new_id, name) if new_id is not None else None

    def membership(self, player_id: int) -> TeamRec | None:
        row = (
            self.session.execute(
                select(teams.c.id, teams.c.name)
                .join(members, members.c.team_id == teams.c.id)
                .where(members.c.workspace_id == self.ws, members.c.player_id == player_id)
            )
        ).first()
        return TeamRec(row.id, row.name) if row else None

    def team_id_of(self, player_id: int) -> int | None:
        return self.session.execute(
            _TEAM_OF, {"ws": self.ws, "player": player_id}
        ).scalar_one_or_none()

    def join(self, player_id: int, team_id: int, now: datetime) -> None:
        """Put the player in `team_id`, leaving any team they were in."""
        stmt = insert_for(self.session, members).values(
            player_id=player_id, team_id=team_id, workspace_id=self.ws, joined_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[members.c.player_id],
            set_={"team_id": team_id, "joined_at": now},
            where=members.c.workspace_id == self.ws,
        )
        self.session.execute(stmt)

    def leave(self, player_id: int) -> bool:
        result = self.session.execute(
            delete(members).where(
                members.c.workspace_id == self.ws, members.c.player_id == player_id
            )
        )
        return bool(cast(CursorResult[Any], result).rowcount)

    def listing(self) -> list[TeamRec]:
        """Every team of the workspace with its member count, by name."""
        count = func.count(members.c.player_id)
        rows = self.session.execute(
            select(teams.c.id, teams.c.name, count.label("n"))
            .outerjoin(members, members.c.team_id == teams.c.id)
            .where(teams.c.workspace_id == self.ws)
            .group_by(teams.c.id, teams.c.name, teams.c.name_key)
            .order_by(teams.c.name_key)
        )
        return [TeamRec(r.id, r.name, r.n) for r in rows]

    def names(self, team_ids: list[int]) -> dict[int, str]:
        if not team_ids:
            return {}
        rows = self.session.execute(
            select(teams.c.id, teams.c.name).where(
                teams.c.workspace_id == self.ws, teams.c.id.in_(team_ids)
            )
        )
        return {r.id: r.name for r in rows}
