"""Pure drop-schedule rules: parsing admin input and turning local wall times into UTC instants."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quizbot.errors import InvalidInput

DEFAULT_WEEKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
DEFAULT_REVEAL_MINUTES = 240
REVEAL_AT_NEXT_DROP = 0  # as a number of minutes: reveal when the next drop is posted
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_REVEAL_RE = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")
_NAMED_DAYS = {
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "everyday": (0, 1, 2, 3, 4, 5, 6),
    "weekdays": DEFAULT_WEEKDAYS,
    "weekends": (5, 6),
}
_WEEKDAYS_HELP = 'Use days like "mon-fri", "mon,wed,fri", "daily" or "weekends".'


@dataclass(frozen=True, slots=True)
class DropSpec:
    """When a channel's drop fires: local time, timezone and weekdays (0 = Monday)."""

    local_time: time
    timezone: str
    weekdays: tuple[int, ...] = DEFAULT_WEEKDAYS

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_time(text: str) -> time:
    """'09:30' -> time(9, 30); anything else raises InvalidInput with an example."""
    match = _TIME_RE.match(text or "")
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise InvalidInput(f'"{text}" is not a time. Use 24-hour HH:MM, e.g. 09:30')


def parse_timezone(text: str) -> str:
    """A valid IANA timezone name (as given), else InvalidInput with an example."""
    name = (text or "").strip()
    if name and ".." not in name and not name.startswith("/"):
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
            pass
    raise InvalidInput(f'"{text}" is not a timezone. Use an IANA timezone like Europe/Berlin')


def parse_weekdays(text: str | None) -> tuple[int, ...]:
    """'mon-fri' (default), 'mon,wed,fri', 'daily', 'weekends', 'fri-mon' -> sorted day numbers."""
    raw = (text or "").strip().lower()
    if not raw:
        return DEFAULT_WEEKDAYS
    if raw in _NAMED_DAYS:
        return _NAMED_DAYS[raw]
    days: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or not all(e[:3] in DAY_NAMES and len(e) >= 3 for e in ends):
            raise InvalidInput(f'"{text}" is not a set of weekdays. {_WEEKDAYS_HELP}')
        first, last = (DAY_NAMES.index(e[:3]) for e in (ends[0], ends[-1]))
        day = first
        days.add(day)
        while day != last:
            day = (day + 1) % 7
            days.add(day)
    return tuple(sorted(days))


def format_weekdays(days: tuple[int, ...]) -> str:
    """Day numbers back to the short form admins type ('mon-fri', 'daily', 'mon,wed')."""
    for name, named in _NAMED_DAYS.items():
        if days == named and name != "everyday":
            return "mon-fri" if name == "weekdays" else name
    return ",".join(DAY_NAMES[d] for d in days)


def parse_reveal(text: str | int | None) -> int | None:
    """Reveal delay in minutes: None/'' -> 4 h; 'next' or 0 -> None (at the next drop); '90m'."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return DEFAULT_REVEAL_MINUTES
    if isinstance(text, int):
        if text == REVEAL_AT_NEXT_DROP:
            return None
        minutes = text
    else:
        raw = text.strip().lower()
        if raw == "0" or raw in {"next", "next drop", "at next drop", "at-next-drop"}:
            return None
        if raw.isdigit():
            minutes = int(raw)
        else:
            match = _REVEAL_RE.match(raw)
            if not match or not any(match.groups()):
                minutes = -1
            else:
                minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not 1 <= minutes <= 7 * 24 * 60:
        raise InvalidInput(
            f'"{text}" is not a reveal delay. Use minutes or hours up to a week, e.g. 4h or 90m, '
            'or "next" to reveal at the next drop'
        )
    return minutes


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone`.

    Ambiguous (autumn) times resolve to their first occurrence. Nonexistent (spring gap)
    times resolve to the first valid instant after them, i.e. the moment the clocks jump.
    """
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    # In a gap: search the UTC interval spanned by both readings for the jump.
    lo, hi = sorted((utc, naive.replace(tzinfo=zone, fold=1).astimezone(UTC)))
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def occurrences(spec: DropSpec, start: datetime, end: datetime) -> Iterator[tuple[date, datetime]]:
    """(local date, UTC due instant) of every drop with start <= due < end, in order."""
    zone = spec.zone
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        if day.weekday() in spec.weekdays:
            due = local_to_utc(day, spec.local_time, zone)
            if start <= due < end:
                yield day, due
        day += timedelta(days=1)


def next_due(spec: DropSpec, after: datetime) -> tuple[date, datetime] | None:
    """The first drop strictly after `after` (None only when no weekday is set)."""
    if not spec.weekdays:
        return None
    start = after + timedelta(microseconds=1)
    return next(occurrences(spec, start, start + timedelta(days=9)), None)


def reveal_time(spec: DropSpec, due: datetime, reveal_after_minutes: int | None) -> datetime:
    """When a drop posted for `due` reveals: after the delay, or at the next drop."""
    if reveal_after_minutes is not None:
        return due + timedelta(minutes=reveal_after_minutes)
    following = next_due(spec, due)
    return following[1] if following else due + timedelta(minutes=DEFAULT_REVEAL_MINUTES)
