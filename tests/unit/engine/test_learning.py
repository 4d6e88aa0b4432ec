"""Mastery (BKT), spaced repetition (FSRS) and points."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from quizbot.errors import InvalidInput
from quizbot.mastery import DEFAULT_BKT, KNOWN, update_mastery
from quizbot.replies import AskKind
from quizbot.review import is_due, review
from quizbot.scoring import BASE_POINTS, next_streak, points_for

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_mastery_rises_on_right_and_falls_on_wrong_everywhere() -> None:
    for p in [0.001, 0.01, 0.1, 0.2, 0.5, 0.85, 0.99, 0.999]:
        assert update_mastery(p, True) > p or p >= 0.999
        assert update_mastery(p, False) < p or p <= 0.001


def test_mastery_starts_at_the_prior_and_stays_inside_the_unit_interval() -> None:
    assert update_mastery(None, True) > DEFAULT_BKT.p_init
    assert update_mastery(None, False) < DEFAULT_BKT.p_init
    rng = random.Random(4)
    p: float | None = None
    for _ in range(500):
        p = update_mastery(p, rng.random() < 0.5)
        assert 0.0 < p < 1.0
    for _ in range(50):
        p = update_mastery(p, True)
    assert KNOWN <= p < 1.0
    for _ in range(50):
        p = update_mastery(p, False)
    assert 0.0 < p < 0.05


def test_a_few_right_answers_make_a_concept_known() -> None:
    p: float | None = None
    steps = 0
    while p is None or p < KNOWN:
        p = update_mastery(p, True)
        steps += 1
    assert 2 <= steps <= 5


def test_review_round_trip_schedules_later_when_right() -> None:
    card, due = review(None, True, None, NOW)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert due > NOW
    card2, due2 = review(card, True, None, due)
    assert due2 - due > due - NOW  # intervals grow while the player keeps remembering
    assert json.loads(card2)["last_review"].startswith(due.isoformat()[:16])
    _card3, due3 = review(card2, False, None, due2)
    assert due3 - due2 < due2 - due  # a miss brings the card back soon
    assert is_due(due3, due3) and not is_due(due3, due3 - timedelta(seconds=1))


def test_flashcard_ratings_order_the_next_due_time() -> None:
    card, _ = review(None, None, "good", NOW)
    later = NOW + timedelta(days=3)
    dues = [review(card, None, r, later)[1] for r in ("again", "hard", "good", "easy")]
    assert dues == sorted(dues) and dues[0] < dues[-1]


def test_review_accepts_other_aware_zones_and_refuses_naive_times() -> None:
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert review(None, True, None, plus_two)[1] == review(None, True, None, NOW)[1]
    with pytest.raises(ValueError):
        review(None, True, None, NOW.replace(tzinfo=None))
    with pytest.raises(InvalidInput):
        review(None, None, "meh", NOW)
    assert is_due(NOW.replace(tzinfo=None), NOW)  # SQLite gives back naive UTC


def test_points_by_difficulty_never_negative_follow_ups_fewer() -> None:
    for difficulty, base in BASE_POINTS.items():
        right = points_for(
            difficulty, correct=True, kind=AskKind.CHOICE, follow_up=False, streak_days=1
        )
        assert right == base
        follow = points_for(
            difficulty, correct=True, kind=AskKind.CHOICE, follow_up=True, streak_days=1
        )
        assert 0 < follow < right
    for kind in AskKind:
        for streak in (0, 1, 5, 100):
            assert (
                points_for("hard", correct=False, kind=kind, follow_up=False, streak_days=streak)
                == 0
            )
    assert points_for("easy", correct=True, kind=AskKind.OPEN, follow_up=False, streak_days=9) == 0
    assert (
        points_for(None, correct=True, kind=AskKind.COMPUTED, follow_up=False, streak_days=1) == 20
    )


def test_streak_bonus_grows_then_caps() -> None:
    pts = [
        points_for("easy", correct=True, kind=AskKind.CHOICE, follow_up=False, streak_days=d)
        for d in range(1, 30)
    ]
    assert pts == sorted(pts) and pts[1] > pts[0]
    assert pts[-1] == pts[-2]  # capped
    assert pts[-1] <= 2 * BASE_POINTS["easy"]


def test_next_streak() -> None:
    today = date(2026, 3, 2)
    assert next_streak(None, 0, today) == 1
    assert next_streak(today, 4, today) == 4
    assert next_streak(today - timedelta(days=1), 4, today) == 5
    assert next_streak(today - timedelta(days=2), 4, today) == 1
