"""Schedule parsing (with helpful errors) and local time -> UTC across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from quizbot.drops.schedule import (
    DropSpec,
    format_weekdays,
    local_to_utc,
    next_due,
    occurrences,
    parse_reveal,
    parse_time,
    parse_timezone,
    parse_weekdays,
    reveal_time,
)
from quizbot.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("text", "expected"), [("09:30", time(9, 30)), ("7:05", time(7, 5))])
def test_parse_time_accepts_24_hour_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9.30", "9:3", "nine", "", "12:60", "9am"])
def test_parse_time_rejects_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_time(text)
    assert "Use 24-hour HH:MM, e.g. 09:30" in err.value.message


@pytest.mark.parametrize("text", ["Europe/Berlln", "CEST+2", "", "../etc/passwd", "Mars/Olympus"])
def test_parse_timezone_rejects_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_timezone(text)
    assert "Use an IANA timezone like Europe/Berlin" in err.value.message


def test_parse_timezone_accepts_iana_names() -> None:
    assert parse_timezone(" America/New_York ") == "America/New_York"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        (None, (0, 1, 2, 3, 4)),
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("mon,wed,fri", (0, 2, 4)),
        ("daily", (0, 1, 2, 3, 4, 5, 6)),
        ("weekends", (5, 6)),
        ("Friday-Monday", (0, 4, 5, 6)),
        ("tue, thu", (1, 3)),
    ],
)
def test_parse_weekdays(text: str | None, days: tuple[int, ...]) -> None:
    assert parse_weekdays(text) == days


def test_parse_weekdays_rejects_with_an_example() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_weekdays("mon-wed-fri")
    assert '"mon-fri"' in err.value.message


def test_weekdays_round_trip_through_their_short_form() -> None:
    for text in ("mon-fri", "daily", "weekends", "mon,wed,fri"):
        assert format_weekdays(parse_weekdays(text)) == text


@pytest.mark.parametrize(
    ("given", "minutes"),
    [(None, 240), ("", 240), ("90m", 90), ("2h", 120), ("1h30m", 90), (45, 45), ("next", None)],
)
def test_parse_reveal(given: str | int | None, minutes: int | None) -> None:
    assert parse_reveal(given) == minutes


@pytest.mark.parametrize("given", ["soon", "-5", "9999h", 7 * 24 * 60 + 1, -3])
def test_parse_reveal_rejects_with_an_example(given: str | int) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_reveal(given)
    assert "e.g. 4h or 90m" in err.value.message


def _fires(spec: DropSpec, start: datetime, days: int) -> list[tuple[date, datetime]]:
    return list(occurrences(spec, start, start + timedelta(days=days)))


@pytest.mark.parametrize(
    ("first_day", "offsets"),
    [
        (date(2026, 3, 27), (1, 1, 2, 2, 2)),  # spring forward on Sunday 29 March
        (date(2026, 10, 23), (2, 2, 1, 1, 1)),  # fall back on Sunday 25 October
    ],
)
def test_nine_am_berlin_fires_once_a_day_at_nine_local_across_dst(
    first_day: date, offsets: tuple[int, ...]
) -> None:
    spec = DropSpec(time(9, 0), "Europe/Berlin", (0, 1, 2, 3, 4, 5, 6))
    start = datetime.combine(first_day, time(0, 0), BERLIN)
    fires = _fires(spec, start, 5)
    assert [d for d, _ in fires] == [first_day + timedelta(days=i) for i in range(5)]
    for (day, due), offset in zip(fires, offsets, strict=True):
        assert due.astimezone(BERLIN).time() == time(9, 0)
        assert due == datetime.combine(day, time(9 - offset, 0), UTC)


def test_time_in_the_spring_gap_fires_once_when_the_clocks_jump() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026 (02:00 -> 03:00 CEST = 01:00 UTC).
    assert local_to_utc(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    spec = DropSpec(time(2, 30), "Europe/Berlin", (0, 1, 2, 3, 4, 5, 6))
    fires = _fires(spec, datetime(2026, 3, 28, tzinfo=UTC), 3)
    assert [d.day for d, _ in fires] == [28, 29, 30]


def test_ambiguous_autumn_time_fires_once_at_its_first_occurrence() -> None:
    # 02:30 happens twice in Berlin on 25 October 2026: first at 00:30 UTC (CEST).
    due = local_to_utc(date(2026, 10, 25), time(2, 30), BERLIN)
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    spec = DropSpec(time(2, 30), "Europe/Berlin", (0, 1, 2, 3, 4, 5, 6))
    fires = _fires(spec, datetime(2026, 10, 24, tzinfo=UTC), 3)
    assert [d.day for d, _ in fires] == [24, 25, 26]


def test_weekdays_only_fire_on_their_days() -> None:
    spec = DropSpec(time(9, 0), "Europe/Berlin")  # mon-fri
    fires = _fires(spec, datetime(2026, 11, 21, tzinfo=UTC), 7)  # from a Saturday
    assert [d.weekday() for d, _ in fires] == [0, 1, 2, 3, 4]


def test_next_due_is_strictly_after() -> None:
    spec = DropSpec(time(9, 0), "UTC", (0, 1, 2, 3, 4, 5, 6))
    at_nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert next_due(spec, at_nine) == (date(2026, 11, 24), at_nine + timedelta(days=1))
    assert next_due(DropSpec(time(9, 0), "UTC", ()), at_nine) is None


def test_reveal_after_a_delay_or_at_the_next_drop() -> None:
    spec = DropSpec(time(9, 0), "Europe/Berlin")  # mon-fri
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert reveal_time(spec, friday, 240) == friday + timedelta(hours=4)
    assert reveal_time(spec, friday, None) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday
