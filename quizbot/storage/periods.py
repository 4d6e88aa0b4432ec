"""Leaderboard period keys of an instant, in a workspace's timezone."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ALL = "all"


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; unknown names fall back to UTC rather than fail an answer."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(zone(tz)).date()


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"w{year}-{week:02d}"


def month_key(day: date) -> str:
    return f"m{day.year}-{day.month:02d}"


def period_keys(at: datetime, tz: str) -> tuple[str, str, str]:
    """("all", ISO week, month) the instant `at` falls in, seen from timezone `tz`."""
    day = local_day(at, tz)
    return ALL, week_key(day), month_key(day)
