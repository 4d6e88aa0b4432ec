"""The APScheduler trigger of a schedule: one fire per local day across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from quizbot.drops.runner import DropTrigger
from quizbot.drops.schedule import DropSpec

BERLIN = ZoneInfo("Europe/Berlin")
DAILY = (0, 1, 2, 3, 4, 5, 6)


def _chain(trigger: DropTrigger, now: datetime, count: int) -> list[datetime]:
    """Fire times as APScheduler asks for them: each from the previous fire time."""
    fires: list[datetime] = []
    previous = None
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        fires.append(fire)
        previous = now = fire
    return fires


@pytest.mark.parametrize("first", [date(2026, 3, 27), date(2026, 10, 23)])
def test_nine_am_berlin_fires_once_each_day_across_dst(first: date) -> None:
    trigger = DropTrigger(DropSpec(time(9, 0), "Europe/Berlin", DAILY))
    start = datetime.combine(first, time(0, 0), BERLIN).astimezone(UTC)
    fires = _chain(trigger, start, 5)
    local = [f.astimezone(BERLIN) for f in fires]
    assert [d.date() for d in local] == [first + timedelta(days=i) for i in range(5)]
    assert {d.time() for d in local} == {time(9, 0)}


def test_a_time_in_the_spring_gap_fires_once_at_the_jump() -> None:
    trigger = DropTrigger(DropSpec(time(2, 30), "Europe/Berlin", DAILY))
    fires = _chain(trigger, datetime(2026, 3, 28, tzinfo=UTC), 3)
    assert fires == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:30 does not exist: 03:00 CEST
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),  # 02:30 CEST
    ]


def test_a_fire_time_repeated_by_apscheduler_does_not_fire_twice() -> None:
    trigger = DropTrigger(DropSpec(time(2, 30), "Europe/Berlin", DAILY))
    first = trigger.get_next_fire_time(None, datetime(2026, 10, 25, tzinfo=UTC))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30 (CEST)
    # After it fires, the next one is the following day, not the second 02:30 (CET).
    assert trigger.get_next_fire_time(first, first) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)
