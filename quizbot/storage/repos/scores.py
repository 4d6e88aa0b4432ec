"""Points ledger and the pre-aggregated boards kept in step with it, plus ranked board reads."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import bindparam, func, select

from quizbot.storage.models import (
    Answer,
    Player,
    PlayerScore,
    PointAward,
    Team,
    TeamActivity,
    TeamScore,
)
from quizbot.storage.periods import period_keys
from quizbot.storage.records import BoardRow
from quizbot.storage.repos._sql import Scoped, dialect_insert, prepared, table_of

awards = table_of(PointAward)
player_scores = table_of(PlayerScore)
team_scores = table_of(TeamScore)
activity = table_of(TeamActivity)
answers = table_of(Answer)
players = table_of(Player)
teams = table_of(Team)


class ScoreRepo(Scoped):
    def credit_answer(
        self,
        *,
        answer_id: int,
        player_id: int,
        team_id: int | None,
        points: int,
        at: datetime,
        tz: str,
    ) -> None:
        """Count a freshly recorded answer (and its points) on every board it belongs to."""
        if points > 0:
            self._ledger(answer_id, player_id, team_id, points, "answer", at)
        self._aggregate(player_id, team_id, points, 1, at, tz)

    def award(
        self, answer_id: int, points: int, at: datetime, tz: str, reason: str = "drop"
    ) -> bool:
        """Award points to an earlier answer (a drop, at its reveal); once per answer.

        Points go to the team the player was in when answering. Returns False when the
        answer is unknown in this workspace, the points are not positive, or it was awarded.
        """
        if points <= 0:
            return False
        row = (
            self.session.execute(
                select(answers.c.player_id, answers.c.team_id).where(
                    answers.c.workspace_id == self.ws, answers.c.id == answer_id
                )
            )
        ).first()
        if row is None:
            return False
        if not self._ledger(answer_id, row.player_id, row.team_id, points, reason, at):
            return False
        self._aggregate(row.player_id, row.team_id, points, 0, at, tz)
        return True

    def _ledger(
        self,
        answer_id: int,
        player_id: int,
        team_id: int | None,
        points: int,
        reason: str,
        at: datetime,
    ) -> bool:
        stmt = prepared(self.session, "ledger", _ledger_stmt)
        row = {
            "workspace_id": self.ws,
            "player_id": player_id,
            "team_id": team_id,
            "answer_id": answer_id,
            "points": points,
            "reason": reason,
            "awarded_at": at,
        }
        return self.session.execute(stmt, row).scalar_one_or_none() is not None

    def _aggregate(
        self,
        player_id: int,
        team_id: int | None,
        points: int,
        answered: int,
        at: datetime,
        tz: str,
    ) -> None:
        keys = period_keys(at, tz)
        self.session.execute(
            prepared(self.session, "player_scores", _player_upsert),
            [
                {
                    "workspace_id": self.ws,
                    "period": k,
                    "player_id": player_id,
                    "points": points,
                    "answers": answered,
                }
                for k in keys
            ],
        )
        if team_id is None:
            return
        seen = set(
            self.session.execute(
                _ACTIVE, {"ws": self.ws, "team": team_id, "player": player_id, "keys": keys}
            ).scalars()
        )
        fresh = [k for k in keys if k not in seen]
        if fresh:
            self.session.execute(
                prepared(self.session, "activity", _activity_insert),
                [
                    {
                        "workspace_id": self.ws,
                        "period": k,
                        "team_id": team_id,
                        "player_id": player_id,
                    }
                    for k in fresh
                ],
            )
        self.session.execute(
            prepared(self.session, "team_scores", _team_upsert),
            [
                {
                    "workspace_id": self.ws,
                    "period": k,
                    "team_id": team_id,
                    "points": points,
                    "members": 1 if k in fresh else 0,
                }
                for k in keys
            ],
        )

    def player_points(self, player_id: int, period: str) -> int:
        return (
            self.session.execute(
                select(player_scores.c.points).where(
                    player_scores.c.workspace_id == self.ws,
                    player_scores.c.period == period,
                    player_scores.c.player_id == player_id,
                )
            )
        ).scalar_one_or_none() or 0

    def player_board(
        self, period: str, caller_id: int | None, limit: int = 10
    ) -> tuple[list[BoardRow], BoardRow | None]:
        """Top players by points (ties share a rank) and the caller's own row."""
        ps = player_scores.c
        rows = (
            self.session.execute(
                select(ps.player_id, players.c.display_name, ps.points)
                .join(players, players.c.id == ps.player_id)
                .where(ps.workspace_id == self.ws, ps.period == period)
                .order_by(ps.points.desc(), ps.player_id.desc())
                .limit(limit)
            )
        ).all()
        top = _rank([(r.player_id, r.display_name, r.points, None) for r in rows])
        if caller_id is None:
            return top, None
        mine = next((r for r in top if r.key == caller_id), None)
        if mine is None:
            points = self.player_points(caller_id, period)
            above = (
                self.session.execute(
                    select(func.count()).where(
                        ps.workspace_id == self.ws, ps.period == period, ps.points > points
                    )
                )
            ).scalar_one()
            name = (
                self.session.execute(
                    select(players.c.display_name).where(
                        players.c.workspace_id == self.ws, players.c.id == caller_id
                    )
                )
            ).scalar_one_or_none() or ""
            mine = BoardRow(above + 1, caller_id, name, points)
        return top, mine

    def team_board(
        self, period: str, caller_team: int | None, limit: int = 10
    ) -> tuple[list[BoardRow], BoardRow | None]:
        """Teams ranked by points per active member, then total; the caller's team row."""
        ts = team_scores.c
        rows = (
            self.session.execute(
                select(ts.team_id, teams.c.name, ts.points, ts.members)
                .join(teams, teams.c.id == ts.team_id)
                .where(ts.workspace_id == self.ws, ts.period == period)
            )
        ).all()
        ranked = _rank(
            sorted(
                ((r.team_id, r.name, r.points, r.members) for r in rows),
                key=lambda r: (-_avg(r[2], r[3]), -r[2], r[1].casefold()),
            )
        )
        mine = next((r for r in ranked if r.key == caller_team), None)
        if mine is None and caller_team is not None:
            name = (
                self.session.execute(
                    select(teams.c.name).where(
                        teams.c.workspace_id == self.ws, teams.c.id == caller_team
                    )
                )
            ).scalar_one_or_none()
            if name is not None:
                mine = BoardRow(len(ranked) + 1, caller_team, name, 0, 0)
        return ranked[:limit], mine


_ACTIVE = select(activity.c.period).where(
    activity.c.workspace_id == bindparam("ws"),
    activity.c.team_id == bindparam("team"),
    activity.c.player_id == bindparam("player"),
    activity.c.period.in_(bindparam("keys", expanding=True)),
)


def _ledger_stmt(dialect: str) -> Any:
    return (
        dialect_insert(dialect, awards)
        .on_conflict_do_nothing(index_elements=[awards.c.answer_id])
        .returning(awards.c.id)
    )


def _player_upsert(dialect: str) -> Any:
    ins = dialect_insert(dialect, player_scores)
    c = player_scores.c
    return ins.on_conflict_do_update(
        index_elements=[c.workspace_id, c.period, c.player_id],
        set_={
            "points": c.points + ins.excluded.points,
            "answers": c.answers + ins.excluded.answers,
        },
    )


def _activity_insert(dialect: str) -> Any:
    return dialect_insert(dialect, activity).on_conflict_do_nothing()


def _team_upsert(dialect: str) -> Any:
    ins = dialect_insert(dialect, team_scores)
    c = team_scores.c
    return ins.on_conflict_do_update(
        index_elements=[c.workspace_id, c.period, c.team_id],
        set_={
            "points": c.points + ins.excluded.points,
            "members": c.members + ins.excluded.members,
        },
    )


def _avg(points: int, members: int | None) -> Fraction:
    return Fraction(points, members) if members else Fraction(points)


def _rank(ordered: list[tuple[int, str, int, int | None]]) -> list[BoardRow]:
    """Competition ranking ("1, 2, 2, 4") over rows already in board order."""
    out: list[BoardRow] = []
    prev: tuple[Fraction, int] | None = None
    for i, (key, name, points, members) in enumerate(ordered):
        score = (_avg(points, members) if members is not None else Fraction(points), points)
        rank = out[-1].rank if prev == score and out else i + 1
        out.append(BoardRow(rank, key, name, points, members))
        prev = score
    return out
