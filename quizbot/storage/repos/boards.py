"""Ranked leaderboard reads over the pre-aggregated score tables."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import func, or_, select

from quizbot.storage.models import Player, PlayerScore, Team, TeamScore
from quizbot.storage.records import BoardRow
from quizbot.storage.repos._sql import Scoped, table_of

player_scores = table_of(PlayerScore)
team_scores = table_of(TeamScore)
players = table_of(Player)
teams = table_of(Team)


class BoardRepo(Scoped):
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
            mine = self._caller_row(period, caller_id)
        return top, mine

    def _caller_row(self, period: str, caller_id: int) -> BoardRow | None:
        """The caller's points, name and rank (one more than those ahead), in one go."""
        ps = player_scores.c
        mine = (
            select(ps.points)
            .where(ps.workspace_id == self.ws, ps.period == period, ps.player_id == caller_id)
            .scalar_subquery()
        )
        points = func.coalesce(mine, 0)
        # Without a row (no answers this period) the caller ranks after everyone who answered,
        # not level with those who answered and are still at 0 points.
        ahead = (
            select(func.count())
            .select_from(player_scores)
            .where(
                ps.workspace_id == self.ws,
                ps.period == period,
                or_(ps.points > points, mine.is_(None)),
            )
            .scalar_subquery()
        )
        row = self.session.execute(
            select(players.c.display_name, points.label("points"), ahead.label("ahead")).where(
                players.c.workspace_id == self.ws, players.c.id == caller_id
            )
        ).first()
        if row is None:
            return None
        return BoardRow(row.ahead + 1, caller_id, row.display_name, row.points)

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
