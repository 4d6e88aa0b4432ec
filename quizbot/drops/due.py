"""What a drop sweep plans and reports: the drops due per channel and day, claims, outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from quizbot.api import ChannelRef
from quizbot.drops.schedule import occurrences
from quizbot.storage.records import AskRec
from quizbot.storage.repos.drop_schedules import ScheduleRec
from quizbot.storage.repos.drops import Channel

LOOKBACK = timedelta(hours=24)  # how far back a sweep looks for missed drops

Key = tuple[int, str, date]


class ClaimLost(Exception):
    """Another worker took the claim over (it had gone stale); it posts the drop instead."""


@dataclass
class SweepReport:
    """What one sweep did: drop ids posted, skipped (too late) and failed (retried later)."""

    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Due:
    schedule: ScheduleRec
    local_date: date
    due_at: datetime
    requested: bool  # a "drop now" request rather than the schedule's time

    @property
    def key(self) -> Key:
        return (self.schedule.workspace_id, self.schedule.channel_id, self.local_date)

    @property
    def channel(self) -> Channel:
        return (self.schedule.workspace_id, self.schedule.channel_id)

    @property
    def ref(self) -> ChannelRef:
        sch = self.schedule
        return ChannelRef(sch.platform, sch.workspace, sch.channel_id)


@dataclass(frozen=True, slots=True)
class Claimed:
    drop_id: str
    channel: ChannelRef
    ask: AskRec
    resumed: bool = False  # taken over from a dead worker, which may have posted it already


def plan(schedules: list[ScheduleRec], platforms: set[str], now: datetime) -> dict[Key, Due]:
    """Drops due by `now` per (workspace, channel, local date), earliest due time per date."""
    found: dict[Key, Due] = {}
    for sch in schedules:
        if sch.platform not in platforms:
            continue  # another process serves that platform
        dues: list[Due] = []
        if sch.active:
            # Only times after the schedule was last set: a new 09:00 set at 10:00 starts tomorrow.
            start = max(now - LOOKBACK, sch.updated_at)
            end = now + timedelta(microseconds=1)
            dues += [Due(sch, d, at, False) for d, at in occurrences(sch.spec, start, end)]
        if sch.requested_at is not None and sch.requested_at <= now:
            day = sch.requested_at.astimezone(ZoneInfo(sch.timezone)).date()
            dues.append(Due(sch, day, sch.requested_at, True))
        for due in dues:
            if due.key not in found or due.due_at < found[due.key].due_at:
                found[due.key] = due
    return found
