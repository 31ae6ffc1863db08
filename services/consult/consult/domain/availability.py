"""When an advisor can be booked: weekly hours and date overrides in the advisor's own time zone,
turned into real instants (UTC), minus what is already booked (with the buffer), capped per day.

The one availability check, `refusal`, serves both the slot listing and the booking, so a slot
that is listed is exactly a slot that can be booked. Slots step through real time from each
window's start, so daylight-saving days have as many slots as they have hours: a spring-forward
day loses the slots of the missing hour, a fall-back day gains the repeated one.
"""

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from vitrine_shared.problems import Unprocessable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
MAX_LISTING_DAYS = 31


def zone(name: str, field_name: str = "time_zone") -> ZoneInfo:
    if name not in _zones():
        raise Unprocessable(field_name, f"'{name[:60]}' is not an IANA time zone (e.g. America/Montreal)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Unprocessable(field_name, f"'{name[:60]}' is not an IANA time zone") from exc


_ZONES: frozenset[str] = frozenset()


def _zones() -> frozenset[str]:
    global _ZONES
    if not _ZONES:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def parse_clock(value: str, field_name: str) -> time | None:
    """'09:30' -> 09:30; '24:00' -> None, meaning the end of the day."""
    if not isinstance(value, str) or not _HHMM.match(value):
        raise Unprocessable(field_name, f"'{str(value)[:10]}' is not a time of day HH:MM")
    if value == "24:00":
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Window:
    """Local opening hours on one day: [start, end); end None means midnight at the day's end."""

    start: time
    end: time | None

    @classmethod
    def parse(cls, pair: Sequence[str], field_name: str) -> "Window":
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise Unprocessable(field_name, 'a time range is a pair ["HH:MM", "HH:MM"]')
        start = parse_clock(pair[0], field_name)
        end = parse_clock(pair[1], field_name)
        if start is None or (end is not None and end <= start):
            raise Unprocessable(field_name, f"{pair[0]}-{pair[1]} does not end after it starts")
        return cls(start, end)

    def as_pair(self) -> list[str]:
        return [self.start.strftime("%H:%M"), self.end.strftime("%H:%M") if self.end else "24:00"]


def parse_windows(pairs: Sequence[Sequence[str]], field_name: str) -> list[Window]:
    if not isinstance(pairs, list | tuple) or len(pairs) > 8:
        raise Unprocessable(field_name, "a day has a list of at most 8 time ranges")
    windows = sorted((Window.parse(pair, field_name) for pair in pairs), key=lambda w: w.start)
    for earlier, later in itertools.pairwise(windows):
        if earlier.end is None or later.start < earlier.end:
            raise Unprocessable(field_name, "time ranges of one day overlap")
    return windows


def local_instant(day: date, clock: time | None, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None when that time does not exist (the hour
    skipped when clocks spring forward). An ambiguous time (fall back) means its first occurrence."""
    if clock is None:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    wall = datetime.combine(day, clock, tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return instant


@dataclass(frozen=True)
class Busy:
    """An existing booking of the advisor."""

    starts_at: datetime
    ends_at: datetime


@dataclass
class Schedule:
    time_zone: str
    weekly: Mapping[int, list[Window]]  # 0 = Monday
    overrides: Mapping[date, list[Window]] = field(default_factory=dict)  # replaces the weekly hours
    slot_minutes: int = 30
    buffer_minutes: int = 10
    max_per_day: int = 8

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def windows_on(self, day: date) -> list[Window]:
        if day in self.overrides:
            return list(self.overrides[day])
        return list(self.weekly.get(day.weekday(), []))

    def real_windows_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's windows as UTC instants. A window edge in the skipped hour moves to the
        first instant after the gap."""
        tz = self.tz
        result = []
        for window in self.windows_on(day):
            start = local_instant(day, window.start, tz) or _after_gap(day, window.start, tz)
            end = local_instant(day, window.end, tz) or _after_gap(day, window.end, tz)
            if end > start:
                result.append((start, end))
        return result

    def starts_between(self, from_utc: datetime, to_utc: datetime) -> Iterable[datetime]:
        """Every slot start in [from_utc, to_utc) the weekly hours and overrides allow."""
        tz = self.tz
        day = from_utc.astimezone(tz).date() - timedelta(days=1)
        last = to_utc.astimezone(tz).date()
        while day <= last:
            for start, end in self.real_windows_on(day):
                slot = start
                while slot + self.duration <= end:
                    if from_utc <= slot < to_utc:
                        yield slot
                    slot += self.duration
            day += timedelta(days=1)

    def offers_slot(self, starts_at: datetime) -> bool:
        day = starts_at.astimezone(self.tz).date()
        for candidate_day in (day - timedelta(days=1), day):
            for start, end in self.real_windows_on(candidate_day):
                offset = starts_at - start
                if start <= starts_at and starts_at + self.duration <= end and offset % self.duration == timedelta(0):
                    return True
        return False

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


class Refusal:
    OUTSIDE_HOURS = "outside-availability"
    IN_THE_PAST = "in-the-past"
    TAKEN = "slot-taken"
    DAY_FULL = "day-full"


def refusal(
    schedule: Schedule, busy: Sequence[Busy], starts_at: datetime, *, now: datetime, min_notice: timedelta
) -> str | None:
    """Why `starts_at` cannot be booked with this advisor, or None when it can. THE check: the
    slot listing filters with it and booking runs it again under the advisor's row lock."""
    if starts_at < now + min_notice:
        return Refusal.IN_THE_PAST
    if not schedule.offers_slot(starts_at):
        return Refusal.OUTSIDE_HOURS
    ends_at = starts_at + schedule.duration
    buffer = timedelta(minutes=schedule.buffer_minutes)
    for other in busy:
        if starts_at < other.ends_at + buffer and other.starts_at < ends_at + buffer:
            return Refusal.TAKEN
    day = schedule.local_day(starts_at)
    if sum(1 for other in busy if schedule.local_day(other.starts_at) == day) >= schedule.max_per_day:
        return Refusal.DAY_FULL
    return None


def free_slots(
    schedule: Schedule,
    busy: Sequence[Busy],
    from_utc: datetime,
    to_utc: datetime,
    *,
    now: datetime,
    min_notice: timedelta,
) -> list[datetime]:
    return [
        start
        for start in schedule.starts_between(from_utc, to_utc)
        if refusal(schedule, busy, start, now=now, min_notice=min_notice) is None
    ]


def _after_gap(day: date, clock: time | None, tz: ZoneInfo) -> datetime:
    # A wall time inside a spring-forward gap: the first real minute after it.
    probe = datetime.combine(day, clock or time(0), tzinfo=tz)
    for minutes in range(1, 181):
        candidate = local_instant(day, (probe + timedelta(minutes=minutes)).time(), tz)
        if candidate is not None:
            return candidate
    return probe.astimezone(UTC)


def parse_weekly(raw: Mapping[str, Sequence[Sequence[str]]]) -> dict[int, list[Window]]:
    weekly: dict[int, list[Window]] = {}
    for key, pairs in raw.items():
        if key not in WEEKDAYS:
            raise Unprocessable("weekly", f"'{str(key)[:10]}' is not a weekday ({', '.join(WEEKDAYS)})")
        weekly[WEEKDAYS.index(key)] = parse_windows(pairs, f"weekly.{key}")
    return weekly


def parse_overrides(raw: Mapping[str, Sequence[Sequence[str]]]) -> dict[date, list[Window]]:
    overrides: dict[date, list[Window]] = {}
    if len(raw) > 400:
        raise Unprocessable("overrides", "at most 400 date overrides")
    for key, pairs in raw.items():
        try:
            day = date.fromisoformat(key)
        except (TypeError, ValueError) as exc:
            raise Unprocessable("overrides", f"'{str(key)[:12]}' is not a date YYYY-MM-DD") from exc
        overrides[day] = parse_windows(pairs, f"overrides.{key}")
    return overrides


def weekly_as_json(weekly: Mapping[int, list[Window]]) -> dict[str, list[list[str]]]:
    return {WEEKDAYS[day]: [w.as_pair() for w in windows] for day, windows in sorted(weekly.items())}


def overrides_as_json(overrides: Mapping[date, list[Window]]) -> dict[str, list[list[str]]]:
    return {day.isoformat(): [w.as_pair() for w in windows] for day, windows in sorted(overrides.items())}
