"""Reports of bad questions: one per player and ask, open until an admin clears them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from quizbot.storage.models import QuestionFlag
from quizbot.storage.repos._sql import Scoped, dialect_insert, prepared, table_of

flags = table_of(QuestionFlag)
MAX_REASON = 500
REASONS_SHOWN = 3


@dataclass(frozen=True, slots=True)
class FlagSummary:
    """The reports on one question: open and all-time counts, the latest reasons first."""

    key: str
    open: int
    total: int
    last_at: datetime
    reasons: tuple[str, ...]


def _upsert(dialect: str) -> Any:
    ins = dialect_insert(dialect, flags)
    return ins.on_conflict_do_update(
        index_elements=[flags.c.ask_id, flags.c.player_id],
        set_={
            "reason": case((ins.excluded.reason != "", ins.excluded.reason), else_=flags.c.reason),
            "flagged_at": ins.excluded.flagged_at,
            "cleared_at": None,
        },
    )


def _summaries(session: Session, where: Iterable[Any], open_only: bool) -> list[FlagSummary]:
    is_open = flags.c.cleared_at.is_(None)
    rows = session.execute(
        select(
            flags.c.question_key,
            func.count(case((is_open, 1))),
            func.count(),
            func.max(flags.c.flagged_at),
        )
        .where(*where)
        .group_by(flags.c.question_key)
    ).all()
    wanted = [r for r in rows if r[1] > 0 or not open_only]
    reasons: dict[str, list[str]] = {}
    if wanted:
        for key, reason in session.execute(
            select(flags.c.question_key, flags.c.reason)
            .where(*where, flags.c.reason != "", flags.c.question_key.in_([r[0] for r in wanted]))
            .order_by(flags.c.flagged_at.desc(), flags.c.id.desc())
        ):
            seen = reasons.setdefault(key, [])
            if len(seen) < REASONS_SHOWN and reason not in seen:
                seen.append(reason)
    out = [
        FlagSummary(key, int(n_open), int(n), last, tuple(reasons.get(key, ())))
        for key, n_open, n, last in wanted
    ]
    out.sort(key=lambda s: (-s.open, -s.total, s.key))
    return out


class FlagRepo(Scoped):
    """One workspace's reports (what players and the workspace's admins see)."""

    def flag(self, ask_id: str, player_id: int, key: str, reason: str, at: datetime) -> None:
        """Report the ask's question; flagging again updates the reason and reopens it."""
        row = {
            "workspace_id": self.ws,
            "player_id": player_id,
            "ask_id": ask_id,
            "question_key": key,
            "reason": reason.strip()[:MAX_REASON],
            "flagged_at": at,
            "cleared_at": None,
        }
        self.session.execute(prepared(self.session, "flag_upsert", _upsert), row)

    def summary(self, open_only: bool = True) -> list[FlagSummary]:
        return _summaries(self.session, [flags.c.workspace_id == self.ws], open_only)

    def clear(self, key: str, at: datetime) -> int:
        """Close the open reports on a question; how many were open."""
        stmt = (
            update(flags)
            .where(
                flags.c.workspace_id == self.ws,
                flags.c.question_key == key,
                flags.c.cleared_at.is_(None),
            )
            .values(cleared_at=at)
        )
        return int(self.session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


class FlagAdmin:
    """Reports over every workspace: the operator's list and the drops' exclusions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def summary(self, open_only: bool = True) -> list[FlagSummary]:
        return _summaries(self.session, [], open_only)

    def clear(self, key: str, at: datetime) -> int:
        stmt = (
            update(flags)
            .where(flags.c.question_key == key, flags.c.cleared_at.is_(None))
            .values(cleared_at=at)
        )
        return int(self.session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]

    def open_keys_many(self, workspace_ids: Iterable[int]) -> dict[int, set[str]]:
        """Question keys with an open report, per workspace (drops leave them out)."""
        wanted = set(workspace_ids)
        out: dict[int, set[str]] = {ws: set() for ws in wanted}
        if not wanted:
            return out
        rows = self.session.execute(
            select(flags.c.workspace_id, flags.c.question_key)
            .where(flags.c.workspace_id.in_(wanted), flags.c.cleared_at.is_(None))
            .distinct()
        )
        for ws, key in rows:
            out[ws].add(key)
        return out
