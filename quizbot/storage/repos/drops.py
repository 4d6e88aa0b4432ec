"""Drops: the claim (insert / stale take-over), leases, state changes and the reveal's close."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from quizbot.drops.tables import Drop, DropStatus
from quizbot.storage.models import Workspace
from quizbot.storage.repos._sql import insert_for, rare, table_of

drops = table_of(Drop)
workspaces = table_of(Workspace)

Channel = tuple[int, str]  # (workspace id, channel id)
UNPOSTED = (DropStatus.CLAIMED, DropStatus.POSTING)  # held by a worker until marked posted
DropKey = tuple[int, str, date]  # (workspace id, channel id, local date)


@dataclass(frozen=True, slots=True)
class DropRec:
    id: str
    schedule_id: int | None
    workspace_id: int
    platform: str
    channel_id: str
    local_date: date
    due_at: datetime
    status: str
    ask_id: str | None
    claimed_by: str | None
    claimed_at: datetime | None
    message_ref: str | None
    reveal_at: datetime | None
    revealed_at: datetime | None
    reveal_posted_at: datetime | None


def _drop(r: Any) -> DropRec:
    return DropRec(
        id=r.id,
        schedule_id=r.schedule_id,
        workspace_id=r.workspace_id,
        platform=r.platform,
        channel_id=r.channel_id,
        local_date=r.local_date,
        due_at=r.due_at,
        status=r.status,
        ask_id=r.ask_id,
        claimed_by=r.claimed_by,
        claimed_at=r.claimed_at,
        message_ref=r.message_ref,
        reveal_at=r.reveal_at,
        revealed_at=r.revealed_at,
        reveal_posted_at=r.reveal_posted_at,
    )


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


def in_channels(wanted: set[Channel]) -> Any:
    """Rows of drops in one of the (workspace, channel) pairs (prefilter; callers re-check)."""
    return and_(
        drops.c.workspace_id.in_({w for w, _ in wanted}),
        drops.c.channel_id.in_({c for _, c in wanted}),
    )


class DropRepo:
    """Queries on the drops table; drops span workspaces, so this repo is not scoped."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- the claim ------------------------------------------------------------------------

    def drops_on(self, keys: Iterable[DropKey]) -> dict[DropKey, DropRec]:
        """Existing drops for (workspace_id, channel_id, local_date) keys."""
        wanted = set(keys)
        if not wanted:
            return {}
        days = sorted({k[2] for k in wanted})
        rows = self.session.execute(
            select(drops).where(
                in_channels({(w, c) for w, c, _ in wanted}), drops.c.local_date.in_(days)
            )
        )
        found = {}
        for r in rows:
            key = (r.workspace_id, r.channel_id, r.local_date)
            if key in wanted:
                found[key] = _drop(r)
        return found

    def get(self, drop_id: str) -> DropRec | None:
        row = self.session.execute(select(drops).where(drops.c.id == drop_id)).first()
        return _drop(row) if row else None

    def insert_drops(self, rows: list[dict[str, object]]) -> set[str]:
        """Insert many drop rows in one statement; returns the ids that won their unique key."""
        if not rows:
            return set()
        stmt = (
            insert_for(self.session, drops)
            .values(rows)
            .on_conflict_do_nothing(
                index_elements=[drops.c.workspace_id, drops.c.channel_id, drops.c.local_date]
            )
            .returning(drops.c.id)
        )
        return set(self.session.execute(stmt).scalars())

    def retake(self, drop: DropRec, worker: str, now: datetime, *, status: str) -> bool:
        """Compare-and-set a stale claim (as read in `drop`) to `worker` with `status`."""
        cond = and_(
            drops.c.id == drop.id,
            drops.c.status == drop.status,
            drops.c.claimed_at == drop.claimed_at,
            drops.c.claimed_by == drop.claimed_by,
        )
        result = self.session.execute(
            update(drops).where(cond).values(status=status, claimed_by=worker, claimed_at=now)
        )
        return _count(result) == 1

    def _mine(self, drop_id: str, worker: str) -> Any:
        return and_(
            drops.c.id == drop_id,
            drops.c.status.in_(UNPOSTED),
            drops.c.claimed_by == worker,
        )

    def set_ask(self, drop_id: str, worker: str, ask_id: str, question_key: str) -> bool:
        result = self.session.execute(
            update(drops)
            .where(self._mine(drop_id, worker))
            .values(ask_id=ask_id, question_key=question_key)
        )
        return _count(result) == 1

    def begin_post(self, drop_id: str, worker: str, now: datetime) -> bool:
        """Record that `worker` is about to send the card (and renew its lease), committed
        before the platform is called: from here a takeover finishes the post, however late.

        False when the drop is no longer claimed by `worker`.
        """
        result = self.session.execute(
            update(drops)
            .where(self._mine(drop_id, worker))
            .values(status=DropStatus.POSTING, claimed_at=now)
        )
        return _count(result) == 1

    def mark_posted(self, drop_id: str, worker: str, message_ref: str, now: datetime) -> bool:
        result = self.session.execute(
            update(drops)
            .where(self._mine(drop_id, worker))
            .values(status=DropStatus.POSTED, message_ref=message_ref, posted_at=now)
        )
        return _count(result) == 1

    def stale_posting(self, platforms: Iterable[str], cutoff: datetime) -> list[DropRec]:
        """Drops whose card a worker began to send and whose lease ran out before `cutoff`."""
        rows = self.session.execute(
            select(drops).where(
                rare(self.session, drops.c.status == DropStatus.POSTING),
                drops.c.claimed_at <= cutoff,
                drops.c.platform.in_(set(platforms)),
            )
        )
        return [_drop(r) for r in rows]

    # --- the reveal -----------------------------------------------------------------------

    def reveal_candidates(self, now: datetime, stale: timedelta) -> list[DropRec]:
        """Posted drops past their reveal time, and revealed ones whose reveal post went missing.

        A suspended (uninstalled) workspace's reveals wait for its reinstall.
        """
        suspended = select(workspaces.c.id).where(workspaces.c.suspended_at.is_not(None))
        rows = self.session.execute(
            select(drops).where(
                drops.c.workspace_id.not_in(suspended),
                or_(
                    and_(
                        rare(self.session, drops.c.status == DropStatus.POSTED),
                        drops.c.reveal_at <= now,
                    ),
                    and_(
                        rare(self.session, drops.c.status == DropStatus.REVEALED),
                        drops.c.reveal_posted_at.is_(None),
                        drops.c.claimed_at <= now - stale,
                    ),
                ),
            )
        )
        return [_drop(r) for r in rows]

    def next_reveal(self, platforms: Iterable[str], after: datetime) -> datetime | None:
        """The first reveal time after `after` of a posted drop on one of `platforms`."""
        found = self.session.execute(
            select(func.min(drops.c.reveal_at)).where(
                rare(self.session, drops.c.status == DropStatus.POSTED),
                drops.c.reveal_at > after,
                drops.c.platform.in_(set(platforms)),
            )
        ).scalar()
        return found if isinstance(found, datetime) else None

    def close_drop(self, drop: DropRec, worker: str, now: datetime) -> bool:
        """posted -> revealed, once, leased to `worker` until its reveal post is recorded.

        A revealed drop whose reveal post went missing is re-taken by its stale lease.
        """
        lease = {"claimed_by": worker, "claimed_at": now}
        if drop.status == DropStatus.POSTED:
            cond = and_(drops.c.id == drop.id, drops.c.status == DropStatus.POSTED)
            values = {"status": DropStatus.REVEALED, "revealed_at": now, **lease}
        else:
            cond = and_(
                drops.c.id == drop.id,
                drops.c.status == DropStatus.REVEALED,
                drops.c.reveal_posted_at.is_(None),
                drops.c.claimed_at == drop.claimed_at,
                drops.c.claimed_by == drop.claimed_by,
            )
            values = lease
        return _count(self.session.execute(update(drops).where(cond).values(**values))) == 1

    def renew_leases(self, worker: str, drop_ids: list[str], now: datetime) -> int:
        """Renew `worker`'s live leases (claims being posted, reveals being posted)."""
        in_flight = or_(
            drops.c.status.in_(UNPOSTED),
            and_(drops.c.status == DropStatus.REVEALED, drops.c.reveal_posted_at.is_(None)),
        )
        result = self.session.execute(
            update(drops)
            .where(drops.c.id.in_(drop_ids), drops.c.claimed_by == worker, in_flight)
            .values(claimed_at=now)
        )
        return _count(result)

    def workspace_info(self, workspace_id: int) -> tuple[str, str]:
        """(platform workspace id, timezone) of a workspace."""
        row = self.session.execute(
            select(workspaces.c.external_id, workspaces.c.timezone).where(
                workspaces.c.id == workspace_id
            )
        ).one()
        return str(row.external_id), str(row.timezone)

    def mark_reveal_posted(self, drop_id: str, now: datetime) -> None:
        self.session.execute(
            update(drops).where(drops.c.id == drop_id).values(reveal_posted_at=now)
        )
