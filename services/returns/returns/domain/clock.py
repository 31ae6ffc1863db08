"""Time as a dependency: the service asks a clock, tests move one instead of sleeping.

In development the running service reads an `OffsetClock`: real time plus an offset that staff
move forward (+1 h, +24 h...) to see a quarantine end without waiting. The rules on that offset
live here; where it is kept (the database, so api and worker agree) is the adapters' business.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from vitrine_shared.problems import Unprocessable

# One move at most a month (enough to pass any quarantine or SLA, or the 30-day return window),
# and never further than a quarter from real time, so a forgotten offset stays recognisable.
MAX_STEP = timedelta(days=31)
MAX_OFFSET = timedelta(days=92)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until told to move (tests, demos)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment


class OffsetClock:
    """Another clock's time plus an offset read at every call (the offset may be moved by another
    process at any moment, so it is never cached)."""

    def __init__(self, base: Clock, offset: Callable[[], timedelta]) -> None:
        self._base = base
        self._offset = offset

    def now(self) -> datetime:
        return self._base.now() + self._offset()


def advanced_offset(current: timedelta, step: timedelta) -> timedelta:
    """The offset after moving time forward by `step`. Only forward: entries already written
    keep their order; going back means a reset to real time."""
    if step <= timedelta(0):
        raise Unprocessable("seconds", "time only moves forward (reset to go back to real time)")
    if step > MAX_STEP:
        raise Unprocessable("seconds", f"at most {int(MAX_STEP.total_seconds())} seconds in one move")
    moved = current + step
    if moved > MAX_OFFSET:
        raise Unprocessable(
            "seconds", f"the clock may run at most {int(MAX_OFFSET.total_seconds())} seconds ahead of real time"
        )
    return moved
