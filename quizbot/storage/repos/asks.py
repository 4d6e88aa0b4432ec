"""Asks (each persisted with its frozen spec) and the append-only answer log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError

from quizbot.asking.spec import AskSpec
from quizbot.storage.models import Answer, Ask
from quizbot.storage.records import AnswerRec, AnswerTally, AskRec, RecentAsk
from quizbot.storage.repos._sql import Scoped, dialect_insert, prepared, table_of

asks = table_of(Ask)
answers = table_of(Answer)


_RECENT = (
    select(
        asks.c.id,
        asks.c.kind,
        asks.c.concept_id,
        asks.c.question_id,
        asks.c.root_ask_id,
        asks.c.depth,
        asks.c.retry_of.is_not(None),
        asks.c.created_at,
    )
    .where(asks.c.workspace_id == bindparam("ws"), asks.c.player_id == bindparam("player"))
    .order_by(asks.c.created_at.desc(), asks.c.id.desc())
    .limit(bindparam("limit"))
)


_ASK_INSERT = asks.insert()  # built once; the row's values are bound per call
_GET_ASK = select(asks).where(asks.c.workspace_id == bindparam("ws"), asks.c.id == bindparam("id"))


def _answer_insert(dialect: str) -> Any:
    return (
        dialect_insert(dialect, answers)
        .on_conflict_do_nothing(index_elements=[answers.c.ask_id, answers.c.player_id])
        .returning(answers.c.id)
    )


class AskRepo(Scoped):
    def add(self, ask: AskRec) -> None:
        if ask.workspace_id != self.ws:
            raise ValueError("ask belongs to another workspace")
        row = {
            "id": ask.id,
            "workspace_id": self.ws,
            "player_id": ask.player_id,
            "kind": ask.spec.kind.value,
            "concept_id": ask.spec.concept_id,
            "question_id": ask.spec.question_id,
            "spec_json": ask.spec.to_json(),
            "concept_path": ask.path_json(),
            "follow_up_of": ask.follow_up_of,
            "retry_of": ask.retry_of,
            "root_ask_id": ask.root_ask_id,
            "depth": ask.depth,
            "drop_id": ask.drop_id,
            "created_at": ask.created_at,
            "closes_at": ask.closes_at,
        }
        self.session.execute(_ASK_INSERT, row)

    def get(self, ask_id: str) -> AskRec | None:
        row = self.session.execute(_GET_ASK, {"ws": self.ws, "id": ask_id}).first()
        if row is None:
            return None
        return AskRec(
            id=row.id,
            workspace_id=row.workspace_id,
            player_id=row.player_id,
            spec=AskSpec.from_json(row.spec_json),
            concept_path=tuple(json.loads(row.concept_path)),
            follow_up_of=row.follow_up_of,
            root_ask_id=row.root_ask_id,
            depth=row.depth,
            created_at=row.created_at,
            drop_id=row.drop_id,
            closes_at=row.closes_at,
            retry_of=row.retry_of,
        )

    def recent(self, player_id: int, limit: int) -> list[RecentAsk]:
        """The player's latest private asks, newest first (served by ix_asks_player_created)."""
        params = {"ws": self.ws, "player": player_id, "limit": limit}
        # The columns are RecentAsk's fields in order (rows unpack faster than attributes).
        return [RecentAsk(*row) for row in self.session.execute(_RECENT, params).all()]


class AnswerRepo(Scoped):
    def record(
        self,
        *,
        ask_id: str,
        player_id: int,
        team_id: int | None,
        concept_id: str,
        response: str,
        correct: bool | None,
        points: int,
        at: datetime,
    ) -> int | None:
        """Append an answer; None when this player already answered this ask.

        The UNIQUE(ask_id, player_id) constraint decides, so racing workers score once.
        """
        row = {
            "ask_id": ask_id,
            "workspace_id": self.ws,
            "player_id": player_id,
            "team_id": team_id,
            "concept_id": concept_id,
            "response": response,
            "correct": correct,
            "points": points,
            "answered_at": at,
        }
        try:
            stmt = prepared(self.session, "answer", _answer_insert)
            return self.session.execute(stmt, row).scalar_one_or_none()
        except IntegrityError:
            return None

    def get(self, ask_id: str, player_id: int) -> AnswerRec | None:
        row = (
            self.session.execute(
                select(answers).where(
                    answers.c.workspace_id == self.ws,
                    answers.c.ask_id == ask_id,
                    answers.c.player_id == player_id,
                )
            )
        ).first()
        if row is None:
            return None
        return AnswerRec(
            id=row.id,
            ask_id=row.ask_id,
            player_id=row.player_id,
            team_id=row.team_id,
            response=row.response,
            correct=row.correct,
            points=row.points,
            answered_at=row.answered_at,
        )

    def last_ask(self, player_id: int) -> str | None:
        """The ask the player answered last (served by ix_answers_player)."""
        return self.session.execute(
            select(answers.c.ask_id)
            .where(answers.c.workspace_id == self.ws, answers.c.player_id == player_id)
            .order_by(answers.c.answered_at.desc(), answers.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def graded_since(self, player_id: int, since: datetime) -> list[tuple[datetime, bool]]:
        """(answered at, right) of the player's graded answers since `since`, oldest first."""
        rows = self.session.execute(
            select(answers.c.answered_at, answers.c.correct)
            .where(
                answers.c.workspace_id == self.ws,
                answers.c.player_id == player_id,
                answers.c.answered_at >= since,
                answers.c.correct.is_not(None),
            )
            .order_by(answers.c.answered_at)
        )
        return [(at, bool(right)) for at, right in rows]

    def totals(self, player_id: int) -> tuple[int, int]:
        """(graded answers, correct answers) of a player; self-rated flashcards excluded."""
        graded = answers.c.correct.is_not(None)
        row = (
            self.session.execute(
                select(
                    func.count(case((graded, 1))),
                    func.count(case((answers.c.correct.is_(True), 1))),
                ).where(answers.c.workspace_id == self.ws, answers.c.player_id == player_id)
            )
        ).one()
        return int(row[0]), int(row[1])

    def tally(self, ask_id: str) -> AnswerTally:
        """Answers and correct answers to one ask, and its earliest correct answer (2 queries)."""
        mine = and_(answers.c.workspace_id == self.ws, answers.c.ask_id == ask_id)
        answered, correct = self.session.execute(
            select(func.count(), func.count(case((answers.c.correct.is_(True), 1)))).where(mine)
        ).one()
        first = self.session.execute(
            select(answers.c.id, answers.c.player_id)
            .where(mine, answers.c.correct.is_(True))
            .order_by(answers.c.answered_at, answers.c.id)
            .limit(1)
        ).first()
        return AnswerTally(
            int(answered),
            int(correct),
            first.id if first else None,
            first.player_id if first else None,
        )

    def for_ask(self, ask_id: str) -> list[AnswerRec]:
        """All answers to one ask (a drop's answers, for its reveal), oldest first."""
        rows = self.session.execute(
            select(answers)
            .where(answers.c.workspace_id == self.ws, answers.c.ask_id == ask_id)
            .order_by(answers.c.answered_at, answers.c.id)
        )
        return [
            AnswerRec(
                r.id,
                r.ask_id,
                r.player_id,
                r.team_id,
                r.response,
                r.correct,
                r.points,
                r.answered_at,
            )
            for r in rows
        ]
