"""The throughput series' buckets: hourly up to 48 h, daily beyond, in the viewer's zone."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from returns.domain.throughput import SERIES_OF_KIND, bucket_for, bucket_starts

MONTREAL = ZoneInfo("America/Montreal")


def test_hours_up_to_two_days_then_days() -> None:
    assert bucket_for(timedelta(hours=24)) == "hour"
    assert bucket_for(timedelta(hours=48)) == "hour"
    assert bucket_for(timedelta(hours=49)) == "day"


def test_hourly_buckets_cover_the_span_up_to_the_current_hour() -> None:
    now = datetime(2026, 3, 2, 15, 20, tzinfo=UTC)
    starts = bucket_starts(now, timedelta(hours=48), MONTREAL)
    assert len(starts) == 49  # the partial first hour and the current one
    assert starts[0] == datetime(2026, 2, 28, 15, tzinfo=UTC) and starts[-1] == datetime(2026, 3, 2, 15, tzinfo=UTC)
    assert all(later - earlier == timedelta(hours=1) for earlier, later in pairwise(starts))


def test_hours_are_the_zones_hours_even_off_the_hour_of_utc() -> None:
    starts = bucket_starts(datetime(2026, 3, 2, 15, 20, tzinfo=UTC), timedelta(hours=3), ZoneInfo("America/St_Johns"))
    assert {start.astimezone(ZoneInfo("America/St_Johns")).minute for start in starts} == {0}
    assert {start.astimezone(UTC).minute for start in starts} == {30}


def test_days_are_local_days_across_a_change_of_hour() -> None:
    # Montreal springs forward on 2026-03-08: that day has 23 hours, the buckets still start at midnight.
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    starts = bucket_starts(now, timedelta(days=4), MONTREAL)
    assert [s.astimezone(MONTREAL).strftime("%m-%d %H:%M") for s in starts] == [
        "03-06 00:00",
        "03-07 00:00",
        "03-08 00:00",
        "03-09 00:00",
        "03-10 00:00",
    ]
    assert starts[3].astimezone(UTC) - starts[2].astimezone(UTC) == timedelta(hours=23)


def test_received_restocked_and_the_three_dispositions_count() -> None:
    assert sorted(set(SERIES_OF_KIND.values())) == ["disposed", "received", "restocked"]
    assert {kind for kind, series in SERIES_OF_KIND.items() if series == "disposed"} == {
        "refurbished",
        "donated",
        "destroyed",
    }
