"""Spaced repetition through FSRS: one card per player and reviewable item, stored as JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from quizbot.errors import InvalidInput

RATINGS: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}

# No fuzzing: the same history always gives the same schedule (testable, reproducible).
_SCHEDULER = Scheduler(enable_fuzzing=False)
RELEARN_GAP = timedelta(hours=20)  # a card still in learning scores again after a day's break


def rating_key(rating: str | None) -> str:
    """A self-rating as typed ("Good ") to its key ("good"); InvalidInput when it is none."""
    key = (rating or "").strip().lower()
    if key not in RATINGS:
        raise InvalidInput("Rate yourself with again, hard, good or easy.")
    return key


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("review times must be timezone-aware UTC datetimes")
    return moment.astimezone(UTC)


def review(
    card_json: str | None, correct: bool | None, rating: str | None, now: datetime
) -> tuple[str, datetime]:
    """Record one review and schedule the next.

    Args:
        card_json: the stored card, or None for an item never reviewed.
        correct: the grade of a choice/concept/computed answer (ignored when `rating` is set).
        rating: a flashcard self-rating: "again", "hard", "good" or "easy".
        now: the review time, timezone-aware.

    Returns:
        The new card JSON and its due time (aware UTC).
    """
    now = _utc(now)
    if rating is not None:
        fsrs_rating = RATINGS[rating_key(rating)]
    elif correct is None:
        raise ValueError("review needs either `correct` or a `rating`")
    else:
        fsrs_rating = Rating.Good if correct else Rating.Again
    if card_json:
        card = Card.from_json(card_json)
    else:
        card = Card(card_id=int(now.timestamp() * 1000), due=now)
    card, _log = _SCHEDULER.review_card(card, fsrs_rating, now)
    return card.to_json(), _utc(card.due)


def is_due(due: datetime, now: datetime) -> bool:
    """Whether a card due at `due` should be reviewed at `now`.

    A naive `due` is read as UTC (SQLite returns stored UTC datetimes without a zone).
    """
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    return due <= _utc(now)


def scores_now(card_json: str | None, now: datetime) -> bool:
    """Whether an answer on this card may earn points.

    A first answer does; later ones only once spaced repetition says the card is due, and
    not while it is still in its first minutes-apart learning steps (a miss followed by the
    answer just shown, or the same question twice in ten minutes, is practice).
    """
    if not card_json:
        return True
    card = Card.from_json(card_json)
    if not is_due(card.due, now):
        return False
    if card.state is State.Review:
        return True
    last = card.last_review
    return last is not None and _utc(now) - _utc(last) >= RELEARN_GAP
