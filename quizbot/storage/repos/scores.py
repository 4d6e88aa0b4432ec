"""Points ledger and the pre-aggregated board tables kept in step with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, literal, select

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
from quizbot.storage.repos._sql import (
    Scoped,
    dialect_insert,
    in_keys,
    keys_param,
    prepared,
    table_of,
)

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

    def award_correct(
        self,
        ask_id: str,
        points: int,
        at: datetime,
        tz: str,
        *,
        bonus_answer: int | None = None,
        bonus: int = 0,
        reason: str = "drop",
    ) -> None:
        """Award `points` to every correct answer of an ask (a drop's reveal), set-based.

        One ledger insert and three statements per board period, however many answered;
        `bonus_answer` gets `bonus` on top. Call it once per ask (the reveal's close decides):
        the boards add what the statements select, not what the ledger newly accepted.
        """
        if points <= 0:
            return
        right = and_(
            answers.c.workspace_id == self.ws,
            answers.c.ask_id == ask_id,
            answers.c.correct.is_(True),
        )
        earned: Any = literal(points)
        if bonus_answer is not None and bonus:
            earned = earned + case((answers.c.id == bonus_answer, bonus), else_=0)
        ws = literal(self.ws)
        dialect = self.session.get_bind().dialect.name
        at_value = literal(at, awards.c.awarded_at.type)
        ledger = (
            dialect_insert(dialect, awards)
            .from_select(
                _LEDGER_COLUMNS,
                select(
                    ws,
                    answers.c.player_id,
                    answers.c.team_id,
                    answers.c.id,
                    earned,
                    literal(reason),
                    at_value,
                ).where(right),
            )
            .on_conflict_do_nothing(index_elements=[awards.c.answer_id])
        )
        self.session.execute(ledger)
        in_team = and_(right, answers.c.team_id.is_not(None))
        for key in period_keys(at, tz):
            period = literal(key)
            self.session.execute(
                _player_upsert(
                    dialect,
                    select(ws, period, answers.c.player_id, earned, literal(0)).where(right),
                )
            )
            seen = exists().where(
                activity.c.workspace_id == self.ws,
                activity.c.period == key,
                activity.c.team_id == answers.c.team_id,
                activity.c.player_id == answers.c.player_id,
            )
            self.session.execute(
                _team_upsert(
                    dialect,
                    select(
                        ws,
                        period,
                        answers.c.team_id,
                        func.sum(earned),
                        func.sum(case((seen, 0), else_=1)),
                    )
                    .where(in_team)
                    .group_by(answers.c.team_id),
                )
            )
            self.session.execute(
                dialect_insert(dialect, activity)
                .from_select(
                    ["workspace_id", "period", "team_id", "player_id"],
                    select(ws, period, answers.c.team_id, answers.c.player_id).where(in_team),
                )
                .on_conflict_do_nothing()
            )

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
        stmt = prepared(
            self.session, "active", lambda d: _ACTIVE.where(in_keys(d, activity.c.period))
        )
        params = {
            "ws": self.ws,
            "team": team_id,
            "player": player_id,
            "keys": keys_param(self.session, keys),
        }
        seen = set(self.session.execute(stmt, params).scalars())
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


_ACTIVE = select(activity.c.period).where(
    activity.c.workspace_id == bindparam("ws"),
    activity.c.team_id == bindparam("team"),
    activity.c.player_id == bindparam("player"),
)


_LEDGER_COLUMNS = (
    "workspace_id",
    "player_id",
    "team_id",
    "answer_id",
    "points",
    "reason",
    "awarded_at",
)


def _ledger_stmt(dialect: str) -> Any:
    return (
        dialect_insert(dialect, awards)
        .on_conflict_do_nothing(index_elements=[awards.c.answer_id])
        .returning(awards.c.id)
    )


def _player_upsert(dialect: str, rows: Any = None) -> Any:
    """Add to a player's period row; from `rows` (a SELECT) when given, else from VALUES."""
    ins = dialect_insert(dialect, player_scores)
    if rows is not None:
        ins = ins.from_select(["workspace_id", "period", "player_id", "points", "answers"], rows)
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


def _team_upsert(dialect: str, rows: Any = None) -> Any:
    """Add to a team's period row; from `rows` (a SELECT) when given, else from VALUES."""
    ins = dialect_insert(dialect, team_scores)
    if rows is not None:
        ins = ins.from_select(["workspace_id", "period", "team_id", "points", "members"], rows)
    c = team_scores.c
    return ins.on_conflict_do_update(
        index_elements=[c.workspace_id, c.period, c.team_id],
        set_={
            "points": c.points + ins.excluded.points,
            "members": c.members + ins.excluded.members,
        },
    )
