"""Per-player learning state: concept mastery, spaced-repetition cards, daily streaks."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select

from quizbot.storage.models import Mastery, PlayerStreak, ReviewCard, TeamMember
from quizbot.storage.records import MasteryRec, StreakRec
from quizbot.storage.repos._sql import (
    Scoped,
    dialect_insert,
    in_keys,
    keys_param,
    prepared,
    table_of,
)

mastery = table_of(Mastery)
reviews = table_of(ReviewCard)
streaks = table_of(PlayerStreak)

_MASTERY = select(mastery.c.concept_id, mastery.c.p_known, mastery.c.attempts, mastery.c.correct)
_MASTERY_ONE = _MASTERY.where(
    mastery.c.workspace_id == bindparam("ws"),
    mastery.c.player_id == bindparam("player"),
    mastery.c.concept_id == bindparam("concept"),
)
_CARD = select(reviews.c.card_json).where(
    reviews.c.workspace_id == bindparam("ws"),
    reviews.c.player_id == bindparam("player"),
    reviews.c.key == bindparam("key"),
)
_CARD_LOCKED = _CARD.with_for_update()
_MASTERY_ALL = _MASTERY.where(
    mastery.c.workspace_id == bindparam("ws"), mastery.c.player_id == bindparam("player")
)
_KEYS = select(reviews.c.key).where(
    reviews.c.workspace_id == bindparam("ws"), reviews.c.player_id == bindparam("player")
)
_DUE = _KEYS.where(reviews.c.due_at <= bindparam("now")).order_by(reviews.c.due_at, reviews.c.key)
_SCHEDULE = (
    select(reviews.c.key, reviews.c.due_at)
    .where(
        reviews.c.workspace_id == bindparam("ws"),
        reviews.c.player_id == bindparam("player"),
        reviews.c.card_json != "",  # a claim in flight, not a card yet
    )
    .order_by(reviews.c.due_at, reviews.c.key)
    .limit(bindparam("limit"))
)
_P_KNOWN = select(mastery.c.concept_id, mastery.c.p_known).where(
    mastery.c.workspace_id == bindparam("ws"), mastery.c.player_id == bindparam("player")
)
_STREAK = select(streaks.c.last_day, streaks.c.streak, streaks.c.best).where(
    streaks.c.workspace_id == bindparam("ws"), streaks.c.player_id == bindparam("player")
)


def _upsert(table: Any, keys: list[str], set_: Callable[[Any], dict[str, Any]]) -> Any:
    """Builder of an upsert that only ever updates a row of the same workspace."""

    def build(dialect: str) -> Any:
        ins = dialect_insert(dialect, table)
        return ins.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys],
            set_=set_(ins),
            where=table.c.workspace_id == ins.excluded.workspace_id,
        )

    return build


_mastery_upsert = _upsert(
    mastery,
    ["player_id", "concept_id"],
    lambda ins: {
        "p_known": ins.excluded.p_known,
        "attempts": mastery.c.attempts + 1,
        "correct": mastery.c.correct + ins.excluded.correct,
        "updated_at": ins.excluded.updated_at,
    },
)
_review_upsert = _upsert(
    reviews,
    ["player_id", "key"],
    lambda ins: {"card_json": ins.excluded.card_json, "due_at": ins.excluded.due_at},
)


def _review_claim(dialect: str) -> Any:
    ins = dialect_insert(dialect, reviews)
    return ins.on_conflict_do_nothing(
        index_elements=[reviews.c.player_id, reviews.c.key]
    ).returning(reviews.c.key)


_streak_upsert = _upsert(
    streaks,
    ["player_id"],
    lambda ins: {
        "last_day": ins.excluded.last_day,
        "streak": ins.excluded.streak,
        "best": ins.excluded.best,
        "answered": streaks.c.answered + ins.excluded.answered,
        "correct": streaks.c.correct + ins.excluded.correct,
    },
)


class MasteryRepo(Scoped):
    def all_for(self, player_id: int) -> dict[str, MasteryRec]:
        rows = self.session.execute(_MASTERY_ALL, {"ws": self.ws, "player": player_id})
        return {
            r.concept_id: MasteryRec(r.concept_id, r.p_known, r.attempts, r.correct) for r in rows
        }

    def p_known_of(self, player_id: int, concept_ids: Collection[str]) -> dict[str, float]:
        """The player's p_known of the given concepts (those never answered are missing)."""
        stmt = prepared(
            self.session, "p_known_of", lambda d: _P_KNOWN.where(in_keys(d, mastery.c.concept_id))
        )
        params = {"ws": self.ws, "player": player_id, "keys": keys_param(self.session, concept_ids)}
        return {concept: p for concept, p in self.session.execute(stmt, params)}

    def p_known_all(self, player_id: int) -> dict[str, float]:
        """The player's p_known per concept (what selection needs, without the counts)."""
        rows = self.session.execute(_P_KNOWN, {"ws": self.ws, "player": player_id}).all()
        return dict(rows)  # type: ignore[arg-type]

    def team_average(self, team_id: int) -> list[tuple[str, float, int]]:
        """(concept, mean p_known, members with a row) over a team's members' met concepts."""
        members = select(TeamMember.player_id).where(
            TeamMember.workspace_id == self.ws, TeamMember.team_id == team_id
        )
        rows = self.session.execute(
            select(mastery.c.concept_id, func.avg(mastery.c.p_known), func.count())
            .where(
                mastery.c.workspace_id == self.ws,
                mastery.c.attempts > 0,
                mastery.c.player_id.in_(members.scalar_subquery()),
            )
            .group_by(mastery.c.concept_id)
        )
        return [(c, float(avg), int(n)) for c, avg, n in rows]

    def get(self, player_id: int, concept_id: str) -> MasteryRec | None:
        r = self.session.execute(
            _MASTERY_ONE, {"ws": self.ws, "player": player_id, "concept": concept_id}
        ).first()
        return MasteryRec(r.concept_id, r.p_known, r.attempts, r.correct) if r else None

    def put(
        self, player_id: int, concept_id: str, p_known: float, correct: bool | None, now: datetime
    ) -> None:
        """Store the new estimate and count one attempt (a right one when `correct`)."""
        row = {
            "player_id": player_id,
            "concept_id": concept_id,
            "workspace_id": self.ws,
            "p_known": p_known,
            "attempts": 1,
            "correct": 1 if correct else 0,
            "updated_at": now,
        }
        self.session.execute(prepared(self.session, "mastery", _mastery_upsert), row)


class ReviewRepo(Scoped):
    def card(self, player_id: int, key: str) -> str | None:
        return self.session.execute(
            _CARD, {"ws": self.ws, "player": player_id, "key": key}
        ).scalar_one_or_none()

    def put(self, player_id: int, key: str, card_json: str, due_at: datetime) -> None:
        row = {
            "player_id": player_id,
            "key": key,
            "workspace_id": self.ws,
            "card_json": card_json,
            "due_at": due_at,
        }
        self.session.execute(prepared(self.session, "review", _review_upsert), row)

    def claim(self, player_id: int, key: str, now: datetime) -> str | None:
        """The player's card for `key`, locked for this transaction; None for a new card.

        A new card's row is inserted here (empty, due now) so that two answers racing on one
        key serialise on that row: the second waits, then sees the first's card.
        """
        row = {
            "player_id": player_id,
            "key": key,
            "workspace_id": self.ws,
            "card_json": "",
            "due_at": now,
        }
        inserted = self.session.execute(prepared(self.session, "review_claim", _review_claim), row)
        if inserted.first() is not None:
            return None
        card = self.session.execute(
            _CARD_LOCKED, {"ws": self.ws, "player": player_id, "key": key}
        ).scalar_one_or_none()
        return card or None

    def unclaim(self, player_id: int, key: str) -> None:
        """Drop a claim's empty row when the answer turned out not to count."""
        self.session.execute(
            delete(reviews).where(
                reviews.c.workspace_id == self.ws,
                reviews.c.player_id == player_id,
                reviews.c.key == key,
                reviews.c.card_json == "",
            )
        )

    def seen_among(self, player_id: int, keys: Collection[str]) -> set[str]:
        """Which of `keys` the player already has a card for."""
        if not keys:
            return set()
        stmt = prepared(
            self.session, "seen_among", lambda d: _KEYS.where(in_keys(d, reviews.c.key))
        )
        params = {"ws": self.ws, "player": player_id, "keys": keys_param(self.session, keys)}
        return set(self.session.execute(stmt, params).scalars().all())

    def due_keys(self, player_id: int, now: datetime) -> list[str]:
        """Keys of the player's cards due at `now`, most overdue first (ties by key)."""
        params = {"ws": self.ws, "player": player_id, "now": now}
        return list(self.session.execute(_DUE, params).scalars().all())

    def schedule(self, player_id: int, limit: int) -> list[tuple[str, datetime]]:
        """The player's cards as (key, due time in aware UTC), soonest first, at most `limit`."""
        params = {"ws": self.ws, "player": player_id, "limit": limit}
        rows = self.session.execute(_SCHEDULE, params).all()
        return [(row.key, as_utc(row.due_at)) for row in rows]

    def due_count(self, player_id: int, now: datetime) -> int:
        return self.session.execute(
            select(func.count()).where(
                reviews.c.workspace_id == self.ws,
                reviews.c.player_id == player_id,
                reviews.c.due_at <= now,
            )
        ).scalar_one()


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back the stored UTC value without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class StreakRepo(Scoped):
    def totals(self, player_id: int) -> tuple[int, int]:
        """(graded answers, correct answers) of a player, from the totals kept per answer."""
        row = self.session.execute(
            select(streaks.c.answered, streaks.c.correct).where(
                streaks.c.workspace_id == self.ws, streaks.c.player_id == player_id
            )
        ).first()
        return (int(row.answered), int(row.correct)) if row else (0, 0)

    def get(self, player_id: int) -> StreakRec:
        row = self.session.execute(_STREAK, {"ws": self.ws, "player": player_id}).first()
        return StreakRec(row.last_day, row.streak, row.best) if row else StreakRec(None, 0, 0)

    def put(self, player_id: int, day: date, streak: int, best: int, correct: bool | None) -> None:
        """Record an answer on `day`: the streak, and the totals (`correct` None: ungraded)."""
        row = {
            "player_id": player_id,
            "workspace_id": self.ws,
            "last_day": day,
            "streak": streak,
            "best": best,
            "answered": int(correct is not None),
            "correct": int(bool(correct)),
        }
        self.session.execute(prepared(self.session, "streak", _streak_upsert), row)
