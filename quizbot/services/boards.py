"""Boards and stats: leaderboards per period in the workspace's timezone, a player's record."""

from __future__ import annotations

from datetime import timedelta

from quizbot.mastery import KNOWN
from quizbot.replies import (
    Board,
    ConceptScore,
    Leaderboard,
    LeaderboardRow,
    Period,
    PlayerRef,
    PlayerStats,
)
from quizbot.services.callers import Ctx
from quizbot.services.deps import ServiceDeps
from quizbot.storage.periods import ALL, local_day, period_keys
from quizbot.storage.records import BoardRow
from quizbot.study.progress import team_weakest, weekly_accuracy, weeks_since

BOARD_SIZE = 10
PERIODS = (Period.ALL, Period.WEEK, Period.MONTH)  # the order of `period_keys`
PERIOD_TITLES = {Period.WEEK: "this week", Period.MONTH: "this month", Period.ALL: "all time"}

STRONG = 0.5  # mastery at or above which a concept can be listed among the strongest


class Boards:
    """Reads only: rankings of players or teams, and one player's stats."""

    def __init__(self, deps: ServiceDeps) -> None:
        self.deps = deps

    async def leaderboard(self, who: PlayerRef, board: Board, period: Period) -> Leaderboard:
        """Players or teams for the week / month / all time, in the workspace's timezone."""

        def work(ctx: Ctx) -> Leaderboard:
            key = period_keys(ctx.now, ctx.ws.timezone)[PERIODS.index(period)]
            boards = ctx.repos.boards
            if board is Board.PLAYERS:
                top, mine = boards.player_board(key, ctx.player_id, BOARD_SIZE)
                caller_key: int | None = ctx.player_id
            else:
                caller_key = ctx.repos.teams.team_id_of(ctx.player_id)
                top, mine = boards.team_board(key, caller_key, BOARD_SIZE)
            rows = tuple(_row(r, r.key == caller_key) for r in top)
            return Leaderboard(
                board=board,
                period=period,
                title=f"{board.value.capitalize()} · {PERIOD_TITLES[period]}",
                rows=rows,
                caller=_row(mine, True) if mine else None,
            )

        return await self.deps.read(who, work)

    async def stats(self, who: PlayerRef) -> PlayerStats:
        """Accuracy (overall and per week), streak, concepts mastered, strongest and weakest
        concepts, and the team's weakest."""

        def work(ctx: Ctx) -> PlayerStats:
            repos, pid, now = ctx.repos, ctx.player_id, ctx.now
            answered, correct = repos.streaks.totals(pid)
            points = repos.boards.player_points(pid, ALL)
            streak = repos.streaks.get(pid)
            team = repos.teams.membership(pid)
            masteries = repos.mastery.all_for(pid)
            due = repos.reviews.due_count(pid, now)
            name = repos.players.name(pid) or who.display_name
            today = local_day(now, ctx.ws.timezone)
            alive = streak.last_day is not None and streak.last_day >= today - timedelta(days=1)
            scored = sorted(
                (
                    ConceptScore(c, self.deps.name(c), m.p_known, m.attempts)
                    for c, m in masteries.items()
                    if m.attempts > 0
                ),
                key=lambda s: (-s.mastery, s.concept_id),
            )
            # Only what the player more likely knows than not is a strength; a player who
            # has only missed so far has weak spots and no strongest concepts yet.
            strongest = tuple(s for s in scored if s.mastery >= STRONG)[:3]
            weakest = tuple(s for s in reversed(scored) if s not in strongest)[:3]
            tz = ctx.ws.timezone
            graded = repos.answers.graded_since(pid, weeks_since(now, tz))
            team_rows = repos.mastery.team_average(team.id) if team else []
            return PlayerStats(
                name=name,
                answered=answered,
                correct=correct,
                points=points,
                streak=streak.streak if alive else 0,
                best_streak=streak.best,
                team=team.name if team else None,
                strongest=strongest,
                weakest=weakest,
                due_reviews=due,
                weeks=weekly_accuracy(graded, now, tz),
                mastered=sum(1 for m in masteries.values() if m.p_known >= KNOWN),
                concepts=len(self.deps.bank.concepts),
                team_weakest=team_weakest(team_rows, self.deps.name),
            )

        return await self.deps.read(who, work)


def _row(row: BoardRow, is_caller: bool) -> LeaderboardRow:
    average = row.average
    return LeaderboardRow(
        rank=row.rank,
        name=row.name,
        points=row.points,
        members=row.members,
        average=round(average, 1) if average is not None else None,
        is_caller=is_caller,
    )
