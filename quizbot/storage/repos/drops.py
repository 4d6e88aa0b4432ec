"""Drop schedules and drops: the claim (insert / stale take-over), state changes, choice inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from quizbot.drops.schedule import DropSpec, parse_time
from quizbot.drops.tables import Drop, DropSchedule, DropStatus
from quizbot.storage.models import Answer, Mastery, Workspace
from quizbot.storage.repos._sql import insert_for, table_of

schedules = table_of(DropSchedule)
drops = table_of(Drop)
workspaces = table_of(Workspace)
mastery = table_of(Mastery)
answers = table_of(Answer)

Channel = tuple[int, str]  # (workspace id, channel id)
DropKey = tuple[int, str, date]  # (workspace id, channel id, local date)


@dataclass(frozen=True, slots=True)
class ScheduleRec:
    id: int
    workspace_id: int
    workspace: str  # the platform's workspace id
    platform: str
    channel_id: str
    local_time: str
    timezone: str
    weekdays: tuple[int, ...]
    reveal_after_minutes: int | None
    active: bool
    updated_at: datetime
    requested_at: datetime | None

    @property
    def spec(self) -> DropSpec:
        return DropSpec(parse_time(self.local_time), self.timezone, self.weekdays)


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


@dataclass(frozen=True, slots=True)
class MasterySums:
    """Summed p_known per concept over `players` players (a channel's or a workspace's)."""

    players: int
    sums: dict[str, tuple[float, int]]  # concept -> (sum of p_known, players with a row)

    def average(self, default: float) -> dict[str, float]:
        """Per-concept mean over all `players`; a player without a row counts `default`."""
        if self.players <= 0:
            return {}
        n = self.players
        return {c: (total + default * (n - rows)) / n for c, (total, rows) in self.sums.items()}


def _schedule(r: Any) -> ScheduleRec:
    """A row of the schedule columns plus the workspace's external id."""
    return ScheduleRec(
        id=r.id,
        workspace_id=r.workspace_id,
        workspace=r.external_id,
        platform=r.platform,
        channel_id=r.channel_id,
        local_time=r.local_time,
        timezone=r.timezone,
        weekdays=tuple(int(d) for d in r.weekdays.split(",") if d),
        reveal_after_minutes=r.reveal_after_minutes,
        active=r.active,
        updated_at=r.updated_at,
        requested_at=r.requested_at,
    )


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


def _in_channels(wanted: set[Channel]) -> Any:
    """Rows of drops in one of the (workspace, channel) pairs (prefilter; callers re-check)."""
    return and_(
        drops.c.workspace_id.in_({w for w, _ in wanted}),
        drops.c.channel_id.in_({c for _, c in wanted}),
    )


_SCHEDULE_COLS = (*schedules.c, workspaces.c.external_id)


class DropRepo:
    """Every query on the drop tables; drops span workspaces, so this repo is not scoped."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- schedules ------------------------------------------------------------------------

    def list_schedules(
        self, *, workspace_id: int | None = None, runnable_only: bool = False
    ) -> list[ScheduleRec]:
        """Schedules (of one workspace, or all); `runnable_only`: active or with a request."""
        stmt = select(*_SCHEDULE_COLS).join(workspaces, workspaces.c.id == schedules.c.workspace_id)
        if workspace_id is not None:
            stmt = stmt.where(schedules.c.workspace_id == workspace_id)
        if runnable_only:
            stmt = stmt.where(
                or_(schedules.c.active.is_(True), schedules.c.requested_at.is_not(None))
            )
        rows = self.session.execute(stmt.order_by(schedules.c.workspace_id, schedules.c.channel_id))
        return [_schedule(r) for r in rows]

    def get_schedule(self, workspace_id: int, channel_id: str) -> ScheduleRec | None:
        stmt = (
            select(*_SCHEDULE_COLS)
            .join(workspaces, workspaces.c.id == schedules.c.workspace_id)
            .where(schedules.c.workspace_id == workspace_id, schedules.c.channel_id == channel_id)
        )
        row = self.session.execute(stmt).first()
        return _schedule(row) if row else None

    def upsert_schedule(self, values: dict[str, object]) -> None:
        """Insert or replace the schedule of (workspace_id, channel_id)."""
        stmt = insert_for(self.session, schedules).values(**values)
        keep = {k: stmt.excluded[k] for k in values if k not in {"workspace_id", "channel_id"}}
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[schedules.c.workspace_id, schedules.c.channel_id], set_=keep
            )
        )

    def set_active(
        self, workspace_id: int, channel_id: str | None, active: bool, now: datetime
    ) -> int:
        """Pause or resume one channel (or every channel of the workspace); rows changed."""
        stmt = update(schedules).where(
            schedules.c.workspace_id == workspace_id, schedules.c.active.is_(not active)
        )
        if channel_id is not None:
            stmt = stmt.where(schedules.c.channel_id == channel_id)
        return _count(self.session.execute(stmt.values(active=active, updated_at=now)))

    def request_now(self, schedule_id: int, now: datetime) -> None:
        self.session.execute(
            update(schedules).where(schedules.c.id == schedule_id).values(requested_at=now)
        )

    def clear_request(self, schedule_id: int, requested_at: datetime) -> None:
        self.session.execute(
            update(schedules)
            .where(schedules.c.id == schedule_id, schedules.c.requested_at == requested_at)
            .values(requested_at=None)
        )

    # --- the claim ------------------------------------------------------------------------

    def drops_on(self, keys: Iterable[DropKey]) -> dict[DropKey, DropRec]:
        """Existing drops for (workspace_id, channel_id, local_date) keys."""
        wanted = set(keys)
        if not wanted:
            return {}
        days = sorted({k[2] for k in wanted})
        rows = self.session.execute(
            select(drops).where(
                _in_channels({(w, c) for w, c, _ in wanted}), drops.c.local_date.in_(days)
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
        """Compare-and-set a stale claim to `worker` (status CLAIMED) or to SKIPPED."""
        cond = and_(
            drops.c.id == drop.id,
            drops.c.status == DropStatus.CLAIMED,
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
            drops.c.status == DropStatus.CLAIMED,
            drops.c.claimed_by == worker,
        )

    def set_ask(self, drop_id: str, worker: str, ask_id: str, question_key: str) -> bool:
        result = self.session.execute(
            update(drops)
            .where(self._mine(drop_id, worker))
            .values(ask_id=ask_id, question_key=question_key)
        )
        return _count(result) == 1

    def renew_claim(self, drop_id: str, worker: str, now: datetime) -> bool:
        """Refresh `worker`'s live claim; False when the drop is no longer claimed by it."""
        result = self.session.execute(
            update(drops).where(self._mine(drop_id, worker)).values(claimed_at=now)
        )
        return _count(result) == 1

    def mark_posted(self, drop_id: str, worker: str, message_ref: str, now: datetime) -> bool:
        result = self.session.execute(
            update(drops)
            .where(self._mine(drop_id, worker))
            .values(status=DropStatus.POSTED, message_ref=message_ref, posted_at=now)
        )
        return _count(result) == 1

    # --- what a channel's next drop is chosen from ----------------------------------------

    def recent_keys_many(
        self, channels: Iterable[Channel], since: datetime
    ) -> dict[Channel, dict[str, date]]:
        """Question keys dropped in each channel since `since`, with their last local date."""
        wanted = set(channels)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(
                drops.c.workspace_id, drops.c.channel_id, drops.c.question_key, drops.c.local_date
            ).where(
                _in_channels(wanted),
                drops.c.due_at >= since,
                drops.c.question_key.is_not(None),
            )
        )
        out: dict[Channel, dict[str, date]] = {k: {} for k in wanted}
        for ws, channel, key, day in rows:
            seen = out.get((ws, channel))
            if seen is not None:
                seen[key] = max(day, seen.get(key, day))
        return out

    def channel_mastery_many(
        self, channels: Iterable[Channel], since: datetime
    ) -> dict[Channel, MasterySums]:
        """Each channel's mastery sums over the players who answered its drops since `since`.

        A channel nobody answered in yet gets its workspace's sums over every player with a
        mastery row. Three grouped queries per call, whatever the number of channels.
        """
        wanted = set(channels)
        if not wanted:
            return {}
        # Drops reach their answers through drops.ask_id (answers are keyed by ask): no scan
        # of asks, whatever the planner statistics say.
        who = (
            select(drops.c.workspace_id, drops.c.channel_id, answers.c.player_id)
            .distinct()
            .select_from(drops.join(answers, answers.c.ask_id == drops.c.ask_id))
            .where(_in_channels(wanted), drops.c.due_at >= since)
            .subquery()
        )
        players: dict[Channel, int] = {}
        for ws, channel, n in self.session.execute(
            select(who.c.workspace_id, who.c.channel_id, func.count()).group_by(
                who.c.workspace_id, who.c.channel_id
            )
        ):
            if (ws, channel) in wanted:
                players[ws, channel] = n
        sums: dict[Channel, dict[str, tuple[float, int]]] = {k: {} for k in players}
        if players:
            rows = self.session.execute(
                select(
                    who.c.workspace_id,
                    who.c.channel_id,
                    mastery.c.concept_id,
                    func.sum(mastery.c.p_known),
                    func.count(),
                )
                .select_from(
                    who.join(
                        mastery,
                        and_(
                            mastery.c.player_id == who.c.player_id,
                            mastery.c.workspace_id == who.c.workspace_id,
                        ),
                    )
                )
                .group_by(who.c.workspace_id, who.c.channel_id, mastery.c.concept_id)
            )
            for ws, channel, concept, total, n in rows:
                if (ws, channel) in sums:
                    sums[ws, channel][concept] = (float(total), int(n))
        out = {k: MasterySums(players[k], sums[k]) for k in players}
        fallback = {w for w, c in wanted if (w, c) not in players}
        for ws, whole in self._workspace_sums(fallback).items():
            for w, c in wanted:
                if w == ws and (w, c) not in out:
                    out[w, c] = whole
        return {k: out.get(k, MasterySums(0, {})) for k in wanted}

    def _workspace_sums(self, workspace_ids: set[int]) -> dict[int, MasterySums]:
        if not workspace_ids:
            return {}
        scope = mastery.c.workspace_id.in_(workspace_ids)
        counts: dict[int, int] = dict(
            self.session.execute(  # type: ignore[arg-type]
                select(mastery.c.workspace_id, func.count(mastery.c.player_id.distinct()))
                .where(scope)
                .group_by(mastery.c.workspace_id)
            ).all()
        )
        sums: dict[int, dict[str, tuple[float, int]]] = {w: {} for w in counts}
        for ws, concept, total, n in self.session.execute(
            select(
                mastery.c.workspace_id,
                mastery.c.concept_id,
                func.sum(mastery.c.p_known),
                func.count(),
            )
            .where(scope)
            .group_by(mastery.c.workspace_id, mastery.c.concept_id)
        ):
            sums[ws][concept] = (float(total), int(n))
        return {w: MasterySums(int(counts[w]), sums[w]) for w in counts}

    # --- the reveal -----------------------------------------------------------------------

    def reveal_candidates(self, now: datetime, stale: timedelta) -> list[DropRec]:
        """Posted drops past their reveal time, and revealed ones whose reveal post went missing."""
        rows = self.session.execute(
            select(drops).where(
                or_(
                    and_(drops.c.status == DropStatus.POSTED, drops.c.reveal_at <= now),
                    and_(
                        drops.c.status == DropStatus.REVEALED,
                        drops.c.reveal_posted_at.is_(None),
                        drops.c.claimed_at <= now - stale,
                    ),
                )
            )
        )
        return [_drop(r) for r in rows]

    def next_reveal(self, platforms: Iterable[str], after: datetime) -> datetime | None:
        """The first reveal time after `after` of a posted drop on one of `platforms`."""
        found = self.session.execute(
            select(func.min(drops.c.reveal_at)).where(
                drops.c.status == DropStatus.POSTED,
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
            drops.c.status == DropStatus.CLAIMED,
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
