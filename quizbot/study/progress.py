"""Progress over time: accuracy per local week, and a team's weakest concepts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from quizbot.replies import ConceptScore, WeekAccuracy
from quizbot.storage.periods import local_day, zone

WEEKS = 4
TEAM_WEAKEST = 3


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_since(now: datetime, tz: str, weeks: int = WEEKS) -> datetime:
    """The UTC moment the oldest of the last `weeks` local weeks began (this one included)."""
    first = week_start(local_day(now, tz)) - timedelta(weeks=weeks - 1)
    return datetime.combine(first, time(0), zone(tz))


def weekly_accuracy(
    graded: Iterable[tuple[datetime, bool]], now: datetime, tz: str, weeks: int = WEEKS
) -> tuple[WeekAccuracy, ...]:
    """Graded answers per local week over the last `weeks` weeks, oldest first (empty ones too).

    Args:
        graded: (answered at, right) pairs, aware datetimes.
        now: the current moment; its week is the last one.
        tz: the workspace's IANA timezone (weeks start on its Mondays).
    """
    this_week = week_start(local_day(now, tz))
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    tally = {s: [0, 0] for s in starts}
    for at, right in graded:
        counts = tally.get(week_start(local_day(at, tz)))
        if counts is not None:
            counts[0] += 1
            counts[1] += int(right)
    return tuple(WeekAccuracy(s, *tally[s]) for s in starts)


def team_weakest(
    rows: Iterable[tuple[str, float, int]], name: Callable[[str], str], limit: int = TEAM_WEAKEST
) -> tuple[ConceptScore, ...]:
    """The concepts the team knows least (mean mastery of the members who met them).

    `attempts` of each score counts the members who met the concept.
    """
    scores = [ConceptScore(c, name(c), avg, n) for c, avg, n in rows]
    scores.sort(key=lambda s: (s.mastery, -s.attempts, s.concept_id))
    return tuple(scores[:limit])
