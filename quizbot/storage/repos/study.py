"""Study state per ask: interview answers until the self-rating, and hints taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from quizbot.storage.models import AskHint, TypedAnswer
from quizbot.storage.repos._sql import Scoped, dialect_insert, prepared, table_of

typed = table_of(TypedAnswer)
hints = table_of(AskHint)

_GET = select(typed.c.text, typed.c.covered, typed.c.total, typed.c.stuffed).where(
    typed.c.workspace_id == bindparam("ws"),
    typed.c.ask_id == bindparam("ask"),
    typed.c.player_id == bindparam("player"),
)


@dataclass(frozen=True, slots=True)
class TypedRec:
    text: str
    covered: int
    total: int
    stuffed: bool


def _upsert(dialect: str) -> object:
    ins = dialect_insert(dialect, typed)
    return ins.on_conflict_do_update(
        index_elements=[typed.c.ask_id, typed.c.player_id],
        set_={
            "text": ins.excluded.text,
            "covered": ins.excluded.covered,
            "total": ins.excluded.total,
            "stuffed": ins.excluded.stuffed,
            "typed_at": ins.excluded.typed_at,
        },
        where=typed.c.workspace_id == ins.excluded.workspace_id,
    )


class TypedAnswerRepo(Scoped):
    def put(self, ask_id: str, player_id: int, rec: TypedRec, at: datetime) -> None:
        """Keep the latest typed answer to an ask (typing again before rating replaces it)."""
        row = {
            "ask_id": ask_id,
            "player_id": player_id,
            "workspace_id": self.ws,
            "text": rec.text,
            "covered": rec.covered,
            "total": rec.total,
            "stuffed": rec.stuffed,
            "typed_at": at,
        }
        self.session.execute(prepared(self.session, "typed_answer", _upsert), row)

    def get(self, ask_id: str, player_id: int) -> TypedRec | None:
        params = {"ws": self.ws, "ask": ask_id, "player": player_id}
        row = self.session.execute(_GET, params).first()
        return TypedRec(row.text, row.covered, row.total, bool(row.stuffed)) if row else None


_HINTED = select(hints.c.ask_id).where(
    hints.c.workspace_id == bindparam("ws"),
    hints.c.ask_id == bindparam("ask"),
    hints.c.player_id == bindparam("player"),
)


def _hint_insert(dialect: str) -> object:
    ins = dialect_insert(dialect, hints)
    return ins.on_conflict_do_nothing(index_elements=[hints.c.ask_id, hints.c.player_id])


class HintRepo(Scoped):
    def take(self, ask_id: str, player_id: int, at: datetime) -> None:
        """Note that the player took a hint on the ask (taking it again changes nothing)."""
        row = {"ask_id": ask_id, "player_id": player_id, "workspace_id": self.ws, "hinted_at": at}
        self.session.execute(prepared(self.session, "ask_hint", _hint_insert), row)

    def taken(self, ask_id: str, player_id: int) -> bool:
        params = {"ws": self.ws, "ask": ask_id, "player": player_id}
        return self.session.execute(_HINTED, params).first() is not None
