"""The board's throughput series: which moves count as what, and the time buckets of a span
(hours for up to two days, days beyond), in the viewer's time zone so a day is their day."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from returns.domain.model import ItemState

HOURLY_UP_TO = timedelta(hours=48)
MAX_SPAN = timedelta(days=90)

# Ledger entry kind -> series.
SERIES_OF_KIND: dict[str, str] = {
    ItemState.RECEIVED.value: "received",
    ItemState.RESTOCKED.value: "restocked",
    ItemState.REFURBISHED.value: "disposed",
    ItemState.DONATED.value: "disposed",
    ItemState.DESTROYED.value: "disposed",
}
SERIES = ("received", "restocked", "disposed")


def bucket_for(span: timedelta) -> str:
    """`date_trunc` unit: hours for up to 48 h, days for longer spans."""
    return "hour" if span <= HOURLY_UP_TO else "day"


def bucket_starts(now: datetime, span: timedelta, zone: ZoneInfo) -> list[datetime]:
    """The starts of the buckets covering (now - span, now], oldest first, as `date_trunc(unit,
    t, zone)` gives them (local hour or local midnight; daily steps follow the zone's DST)."""
    first = (now - span).astimezone(zone)
    if bucket_for(span) == "hour":
        start = first.replace(minute=0, second=0, microsecond=0)
        count = int((now - start) // timedelta(hours=1)) + 1
        # Absolute hours (a DST change moves whole hours, so local hour starts stay aligned).
        return [(start + timedelta(hours=i)).astimezone(zone) for i in range(count)]
    starts = []
    day = first.date()
    while (start := datetime.combine(day, time(0), tzinfo=zone)) <= now:
        starts.append(start)
        day += timedelta(days=1)
    return starts
