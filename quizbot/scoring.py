"""Points per answer (difficulty, follow-up discount, streak bonus) and daily streaks."""

from __future__ import annotations

from datetime import date, timedelta

from quizbot.replies import AskKind

BASE_POINTS: dict[str, int] = {"easy": 10, "medium": 20, "hard": 30}
STREAK_BONUS_PER_DAY = 2  # for every consecutive day after the first
STREAK_BONUS_CAP = 10


def points_for(
    difficulty: str | None,
    *,
    correct: bool,
    kind: AskKind,
    follow_up: bool,
    streak_days: int,
) -> int:
    """Points one answer earns.

    Args:
        difficulty: "easy", "medium" or "hard"; unknown or None counts as medium.
        correct: wrong answers earn nothing (and never lose points).
        kind: OPEN flashcards earn nothing (they are self-rated).
        follow_up: follow-ups earn half the base points.
        streak_days: the player's current daily streak including today.

    Returns:
        A non-negative integer.
    """
    if not correct or kind is AskKind.OPEN:
        return 0
    base = BASE_POINTS.get(difficulty or "medium", BASE_POINTS["medium"])
    if follow_up:
        base //= 2
    bonus = min(max(streak_days - 1, 0) * STREAK_BONUS_PER_DAY, STREAK_BONUS_CAP)
    return max(0, base + bonus)


def next_streak(last_day: date | None, streak: int, today: date) -> int:
    """The daily streak after playing on `today`, given the last day played before.

    Args:
        last_day: the last day (workspace timezone) the player answered, None if never.
        streak: the streak as of `last_day`.
        today: the day of this answer.

    Returns:
        The streak including today (at least 1).
    """
    if last_day is None:
        return 1
    if last_day >= today:  # same day (or a clock that went backwards): no change
        return max(streak, 1)
    if last_day == today - timedelta(days=1):
        return max(streak, 0) + 1
    return 1
