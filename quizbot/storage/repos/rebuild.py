"""Recompute the pre-aggregated boards of a workspace from the answer log and points ledger."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from quizbot.storage.models import (
    Answer,
    PlayerScore,
    PlayerStreak,
    PointAward,
    TeamActivity,
    TeamScore,
    Workspace,
)
from quizbot.storage.periods import period_keys
from quizbot.storage.repos._sql import table_of

BATCH = 5000


def rebuild_workspace_scores(session: Session, workspace_id: int) -> int:
    """Replace the workspace's score tables by what the logs say; returns answers replayed."""
    tz = (
        session.execute(select(Workspace.timezone).where(Workspace.id == workspace_id))
    ).scalar_one()
    answered: Counter[tuple[str, int]] = Counter()
    points: Counter[tuple[str, int]] = Counter()
    team_points: Counter[tuple[str, int]] = Counter()
    active: set[tuple[str, int, int]] = set()

    def count(player: int, team: int | None, pts: int, n: int, at: datetime) -> None:
        for key in period_keys(at, tz):
            answered[key, player] += n
            points[key, player] += pts
            if team is not None:
                team_points[key, team] += pts
                active.add((key, team, player))

    a = Answer.__table__.c
    replayed = 0
    result = session.execute(
        select(a.player_id, a.team_id, a.answered_at)
        .where(a.workspace_id == workspace_id)
        .execution_options(yield_per=BATCH)
    )
    for row in result:
        count(row.player_id, row.team_id, 0, 1, row.answered_at)
        replayed += 1
    l = PointAward.__table__.c  # noqa: E741
    result = session.execute(
        select(l.player_id, l.team_id, l.points, l.awarded_at)
        .where(l.workspace_id == workspace_id)
        .execution_options(yield_per=BATCH)
    )
    for row in result:
        count(row.player_id, row.team_id, row.points, 0, row.awarded_at)

    members: Counter[tuple[str, int]] = Counter((k, t) for k, t, _p in active)
    for table in (PlayerScore, TeamScore, TeamActivity):
        session.execute(delete(table).where(table.workspace_id == workspace_id))
    _bulk(
        session,
        PlayerScore,
        [
            {
                "workspace_id": workspace_id,
                "period": k,
                "player_id": p,
                "points": points[k, p],
                "answers": n,
            }
            for (k, p), n in answered.items()
        ],
    )
    _bulk(
        session,
        TeamScore,
        [
            {
                "workspace_id": workspace_id,
                "period": k,
                "team_id": t,
                "points": pts,
                "members": members[k, t],
            }
            for (k, t), pts in team_points.items()
        ],
    )
    _bulk(
        session,
        TeamActivity,
        [
            {"workspace_id": workspace_id, "period": k, "team_id": t, "player_id": p}
            for k, t, p in active
        ],
    )
    _rebuild_totals(session, workspace_id)
    return replayed


def _rebuild_totals(session: Session, workspace_id: int) -> None:
    """Each player's graded and correct answer totals, counted from the answer log."""
    answers, streaks = table_of(Answer), table_of(PlayerStreak)
    a, s = answers.c, streaks.c
    graded = a.correct.is_not(None)

    def counted(where: ColumnElement[bool]) -> ScalarSelect[int]:
        return (
            select(func.count())
            .where(a.workspace_id == workspace_id, a.player_id == s.player_id, where)
            .scalar_subquery()
        )

    session.execute(
        update(streaks)
        .where(s.workspace_id == workspace_id)
        .values(answered=counted(graded), correct=counted(and_(graded, a.correct.is_(True))))
    )


def _bulk(session: Session, model: type, rows: list[dict[str, object]]) -> None:
    for i in range(0, len(rows), BATCH):
        session.execute(insert(model.__table__), rows[i : i + BATCH])  # type: ignore[attr-defined]
