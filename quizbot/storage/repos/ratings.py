"""Elo-style ratings of questions (per review key) and of players, read and updated per answer."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from quizbot.storage.models import PlayerRating, QuestionRating
from quizbot.storage.repos._sql import (
    Scoped,
    dialect_insert,
    in_keys,
    keys_param,
    prepared,
    table_of,
)

questions = table_of(QuestionRating)
players = table_of(PlayerRating)

_PLAYER = select(players.c.rating, players.c.answers).where(
    players.c.workspace_id == bindparam("ws"), players.c.player_id == bindparam("player")
)
_QUESTION = select(questions.c.rating, questions.c.answers).where(
    questions.c.workspace_id == bindparam("ws"), questions.c.key == bindparam("key")
)

_QUESTIONS = select(questions.c.key, questions.c.rating).where(
    questions.c.workspace_id == bindparam("ws")
)


def _player_upsert(dialect: str) -> object:
    ins = dialect_insert(dialect, players)
    return ins.on_conflict_do_update(
        index_elements=[players.c.player_id],
        set_={"rating": ins.excluded.rating, "answers": players.c.answers + 1},
        where=players.c.workspace_id == ins.excluded.workspace_id,
    )


def _question_upsert(dialect: str) -> object:
    ins = dialect_insert(dialect, questions)
    # The update adds the answer's pull to the stored rating (not a value read earlier), so
    # concurrent answers from many players never overwrite each other's adjustment.
    return ins.on_conflict_do_update(
        index_elements=[questions.c.workspace_id, questions.c.key],
        set_={
            "rating": questions.c.rating + bindparam("delta"),
            "answers": questions.c.answers + 1,
            "correct": questions.c.correct + ins.excluded.correct,
        },
    )


class RatingRepo(Scoped):
    def player(self, player_id: int) -> tuple[float, int] | None:
        """(rating, scored answers) of a player, None before their first graded answer."""
        row = self.session.execute(_PLAYER, {"ws": self.ws, "player": player_id}).first()
        return (row.rating, row.answers) if row else None

    def question(self, key: str) -> tuple[float, int] | None:
        row = self.session.execute(_QUESTION, {"ws": self.ws, "key": key}).first()
        return (row.rating, row.answers) if row else None

    def questions(self, keys: Iterable[str]) -> dict[str, float]:
        """Learned ratings of the given keys that have any (the rest are still at their prior)."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        stmt = prepared(
            self.session,
            "question_ratings",
            lambda d: _QUESTIONS.where(in_keys(d, questions.c.key)),
        )
        params = {"ws": self.ws, "keys": keys_param(self.session, wanted)}
        return {key: rating for key, rating in self.session.execute(stmt, params).all()}

    def put_player(self, player_id: int, rating: float) -> None:
        row = {"player_id": player_id, "workspace_id": self.ws, "rating": rating, "answers": 1}
        self.session.execute(prepared(self.session, "player_rating", _player_upsert), row)

    def adjust_question(self, key: str, prior: float, delta: float, correct: bool) -> None:
        """Move a key's rating by `delta` (a first answer starts it from `prior` + `delta`)."""
        row = {
            "workspace_id": self.ws,
            "key": key,
            "rating": prior + delta,
            "answers": 1,
            "correct": 1 if correct else 0,
            "delta": delta,
        }
        self.session.execute(prepared(self.session, "question_rating", _question_upsert), row)


def question_report(session: Session) -> list[tuple[str, float, int, int]]:
    """(key, answer-weighted rating, answers, right answers) per key over all workspaces."""
    c = questions.c
    total = func.sum(c.answers)
    rows = session.execute(
        select(c.key, func.sum(c.rating * c.answers) / total, total, func.sum(c.correct))
        .group_by(c.key)
        .having(total > 0)
        .order_by(c.key)
    )
    return [(r[0], float(r[1]), int(r[2]), int(r[3])) for r in rows]
