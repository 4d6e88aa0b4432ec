"""Per-player learning state: concept mastery, spaced-repetition cards, daily streaks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from quizbot.storage.models import Mastery, PlayerStreak, ReviewCard
from quizbot.storage.records import MasteryRec, StreakRec
from quizbot.storage.repos._sql import Scoped, insert_for, table_of

mastery = table_of(Mastery)
reviews = table_of(ReviewCard)
streaks = table_of(PlayerStreak)


class MasteryRepo(Scoped):
    def all_for(self, player_id: int) -> dict[str, MasteryRec]:
        rows = self.session.execute(
            select(
                mastery.c.concept_id, mastery.c.p_known, mastery.c.attempts, mastery.c.correct
            ).where(mastery.c.workspace_id == self.ws, mastery.c.player_id == player_id)
        )
        return {
            r.concept_id: MasteryRec(r.concept_id, r.p_known, r.attempts, r.correct) for r in rows
        }

    def put(
        self, player_id: int, concept_id: str, p_known: float, correct: bool | None, now: datetime
    ) -> None:
        """Store the new estimate and count one attempt (a right one when `correct`)."""
        right = 1 if correct else 0
        stmt = insert_for(self.session, mastery).values(
            player_id=player_id,
            concept_id=concept_id,
            workspace_id=self.ws,
            p_known=p_known,
            attempts=1,
            correct=right,
            updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[mastery.c.player_id, mastery.c.concept_id],
            set_={
                "p_known": p_known,
                "attempts": mastery.c.attempts + 1,
                "correct": mastery.c.correct + right,
                "updated_at": now,
            },
            where=mastery.c.workspace_id == self.ws,
        )
        self.session.execute(stmt)


class ReviewRepo(Scoped):
    def card(self, player_id: int, key: str) -> str | None:
        return (
            self.session.execute(
                select(reviews.c.card_json).where(
                    reviews.c.workspace_id == self.ws,
                    reviews.c.player_id == player_id,
                    reviews.c.key == key,
                )
            )
        ).scalar_one_or_none()

    def put(self, player_id: int, key: str, card_json: str, due_at: datetime) -> None:
        stmt = insert_for(self.session, reviews).values(
            player_id=player_id, key=key, workspace_id=self.ws, card_json=card_json, due_at=due_at
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[reviews.c.player_id, reviews.c.key],
            set_={"card_json": card_json, "due_at": due_at},
            where=reviews.c.workspace_id == self.ws,
        )
        self.session.execute(stmt)

    def schedule(self, player_id: int) -> list[tuple[str, datetime]]:
        """(key, due) of every card of a player, soonest due first."""
        rows = self.session.execute(
            select(reviews.c.key, reviews.c.due_at)
            .where(reviews.c.workspace_id == self.ws, reviews.c.player_id == player_id)
            .order_by(reviews.c.due_at, reviews.c.key)
        )
        return [(r.key, r.due_at) for r in rows]

    def due_count(self, player_id: int, now: datetime) -> int:
        return (
            self.session.execute(
                select(func.count()).where(
                    reviews.c.workspace_id == self.ws,
                    reviews.c.player_id == player_id,
                    reviews.c.due_at <= now,
                )
            )
        ).scalar_one()


class StreakRepo(Scoped):
    def get(self, player_id: int) -> StreakRec:
        row = (
            self.session.execute(
                select(streaks.c.last_day, streaks.c.streak, streaks.c.best).where(
                    streaks.c.workspace_id == self.ws, streaks.c.player_id == player_id
                )
            )
        ).first()
        return StreakRec(row.last_day, row.streak, row.best) if row else StreakRec(None, 0, 0)

    def put(self, player_id: int, day: date, streak: int, best: int) -> None:
        stmt = insert_for(self.session, streaks).values(
            player_id=player_id, workspace_id=self.ws, last_day=day, streak=streak, best=best
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[streaks.c.player_id],
            set_={"last_day": day, "streak": streak, "best": best},
            where=streaks.c.workspace_id == self.ws,
        )
        self.session.execute(stmt)
