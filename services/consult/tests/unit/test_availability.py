"""The availability rules: windows in the advisor's zone, real-time slot stepping across DST,
buffers, the per-day cap, overrides, and the one check shared by listing and booking."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from consult.domain.availability import (
    Busy,
    Refusal,
    Schedule,
    free_slots,
    local_instant,
    parse_overrides,
    parse_weekly,
    refusal,
)
from vitrine_shared.problems import Unprocessable

NOW = datetime(2026, 1, 1, tzinfo=UTC)
NOTICE = timedelta(minutes=30)


def schedule(tz: str, weekly: dict, overrides: dict | None = None, **kwargs) -> Schedule:
    return Schedule(tz, parse_weekly(weekly), parse_overrides(overrides or {}), **kwargs)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def day_slots(s: Schedule, day: date, busy: list[Busy] | None = None) -> list[datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(hours=14)
    return [
        slot
        for slot in free_slots(s, busy or [], start, start + timedelta(hours=52), now=NOW, min_notice=NOTICE)
        if s.local_day(slot) == day
    ]


def test_montreal_hours_map_to_utc_by_the_offset_of_that_date() -> None:
    s = schedule("America/Montreal", {"fri": [["09:00", "10:00"]], "mon": [["09:00", "10:00"]]})
    # Friday 6 March 2026 is EST (UTC-5); Monday 9 March, after spring forward on the 8th, EDT (UTC-4).
    assert day_slots(s, date(2026, 3, 6)) == [utc(2026, 3, 6, 14), utc(2026, 3, 6, 14, 30)]
    assert day_slots(s, date(2026, 3, 9)) == [utc(2026, 3, 9, 13), utc(2026, 3, 9, 13, 30)]


def test_paris_hours_follow_the_european_change_three_weeks_later() -> None:
    s = schedule("Europe/Paris", {"fri": [["10:00", "11:00"]], "mon": [["10:00", "11:00"]]})
    # 27 March 2026 is CET (UTC+1); 30 March, after the change on the 29th, CEST (UTC+2).
    assert day_slots(s, date(2026, 3, 27))[0] == utc(2026, 3, 27, 9)
    assert day_slots(s, date(2026, 3, 30))[0] == utc(2026, 3, 30, 8)
    # Autumn: 23 Oct CEST, 26 Oct (after the 25th) CET.
    s2 = schedule("Europe/Paris", {"fri": [["10:00", "11:00"]], "mon": [["10:00", "11:00"]]})
    assert day_slots(s2, date(2026, 10, 23))[0] == utc(2026, 10, 23, 8)
    assert day_slots(s2, date(2026, 10, 26))[0] == utc(2026, 10, 26, 9)


def test_spring_forward_night_has_no_slot_in_the_missing_hour() -> None:
    s = schedule("America/Montreal", {"sun": [["01:00", "04:00"]]}, slot_minutes=30, buffer_minutes=0)
    slots = day_slots(s, date(2026, 3, 8))
    local = [slot.astimezone(s.tz).strftime("%H:%M") for slot in slots]
    # 01:00-04:00 local on that night is two real hours: 01:00, 01:30, then 03:00, 03:30.
    assert local == ["01:00", "01:30", "03:00", "03:30"]
    assert all(b - a == timedelta(minutes=30) for a, b in itertools.pairwise(slots))


def test_fall_back_night_offers_the_repeated_hour_twice() -> None:
    s = schedule("America/Montreal", {"sun": [["01:00", "03:00"]]}, slot_minutes=30, buffer_minutes=0)
    slots = day_slots(s, date(2026, 11, 1))
    # 01:00-03:00 local on that night is three real hours: the 01:xx hour happens twice.
    assert len(slots) == 6
    assert [slot.astimezone(s.tz).strftime("%H:%M") for slot in slots] == [
        "01:00", "01:30", "01:00", "01:30", "02:00", "02:30",
    ]  # fmt: skip


def test_paris_spring_forward_night_likewise() -> None:
    s = schedule("Europe/Paris", {"sun": [["01:00", "04:00"]]}, slot_minutes=60, buffer_minutes=0)
    local = [slot.astimezone(s.tz).strftime("%H:%M") for slot in day_slots(s, date(2026, 3, 29))]
    assert local == ["01:00", "03:00"]


def test_local_instant_says_none_for_a_time_that_does_not_exist() -> None:
    from zoneinfo import ZoneInfo

    assert local_instant(date(2026, 3, 8), datetime(2026, 3, 8, 2, 30).time(), ZoneInfo("America/Montreal")) is None
    assert local_instant(date(2026, 3, 29), datetime(2026, 3, 29, 2, 30).time(), ZoneInfo("Europe/Paris")) is None


def test_buffer_blocks_the_slots_next_to_a_booking() -> None:
    s = schedule("America/Montreal", {"tue": [["09:00", "12:00"]]}, slot_minutes=30, buffer_minutes=10)
    day = date(2026, 1, 6)
    booked = Busy(utc(2026, 1, 6, 15), utc(2026, 1, 6, 15, 30))  # 10:00-10:30 local
    local = [slot.astimezone(s.tz).strftime("%H:%M") for slot in day_slots(s, day, [booked])]
    # 09:30 would end at 10:00, inside the 10-minute buffer before 10:00; 10:30 starts inside the buffer after.
    assert local == ["09:00", "11:00", "11:30"]


def test_max_per_day_counts_the_advisors_local_day() -> None:
    s = schedule("America/Montreal", {"tue": [["09:00", "12:00"]]}, max_per_day=2, buffer_minutes=0)
    day = date(2026, 1, 6)
    busy = [Busy(utc(2026, 1, 6, 14), utc(2026, 1, 6, 14, 30)), Busy(utc(2026, 1, 6, 15), utc(2026, 1, 6, 15, 30))]
    assert day_slots(s, day, busy) == []
    assert refusal(s, busy, utc(2026, 1, 6, 16), now=NOW, min_notice=NOTICE) == Refusal.DAY_FULL


def test_an_override_closes_a_day_or_replaces_its_hours() -> None:
    s = schedule(
        "America/Montreal",
        {"fri": [["09:00", "17:00"]]},
        {"2026-12-25": [], "2026-12-18": [["10:00", "11:00"]]},
    )
    assert day_slots(s, date(2026, 12, 25)) == []
    assert len(day_slots(s, date(2026, 12, 18))) == 2
    assert len(day_slots(s, date(2026, 12, 11))) == 16


def test_the_shared_check_refuses_misaligned_past_and_outside_times() -> None:
    s = schedule("America/Montreal", {"tue": [["09:00", "12:00"]]})
    assert refusal(s, [], utc(2026, 1, 6, 14), now=NOW, min_notice=NOTICE) is None
    assert refusal(s, [], utc(2026, 1, 6, 14, 10), now=NOW, min_notice=NOTICE) == Refusal.OUTSIDE_HOURS
    assert refusal(s, [], utc(2026, 1, 6, 22), now=NOW, min_notice=NOTICE) == Refusal.OUTSIDE_HOURS
    assert refusal(s, [], utc(2026, 1, 6, 14), now=utc(2026, 1, 6, 13, 45), min_notice=NOTICE) == Refusal.IN_THE_PAST
    # The last slot must end by closing time.
    assert refusal(s, [], utc(2026, 1, 6, 16, 30), now=NOW, min_notice=NOTICE) is None  # 11:30-12:00 local
    assert refusal(s, [], utc(2026, 1, 6, 16, 45), now=NOW, min_notice=NOTICE) == Refusal.OUTSIDE_HOURS


def test_every_listed_slot_passes_the_booking_check_and_no_other_does() -> None:
    s = schedule("Europe/Paris", {"sun": [["00:30", "05:00"]], "mon": [["09:00", "18:00"]]}, buffer_minutes=5)
    busy = [Busy(utc(2026, 3, 30, 9), utc(2026, 3, 30, 9, 30))]
    start, end = utc(2026, 3, 28), utc(2026, 3, 31)
    listed = set(free_slots(s, busy, start, end, now=NOW, min_notice=NOTICE))
    minute = start
    while minute < end:
        assert (refusal(s, busy, minute, now=NOW, min_notice=NOTICE) is None) == (minute in listed), minute
        minute += timedelta(minutes=5)


@pytest.mark.parametrize(
    ("weekly", "field"),
    [
        ({"monday": [["09:00", "10:00"]]}, "weekly"),
        ({"mon": [["9h", "10:00"]]}, "weekly.mon"),
        ({"mon": [["10:00", "09:00"]]}, "weekly.mon"),
        ({"mon": [["09:00", "11:00"], ["10:00", "12:00"]]}, "weekly.mon"),
        ({"mon": [["09:00"]]}, "weekly.mon"),
    ],
)
def test_malformed_hours_are_refused_naming_the_field(weekly: dict, field: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        parse_weekly(weekly)
    assert refused.value.extensions["errors"][0]["field"] == field


def test_malformed_override_date_is_refused() -> None:
    with pytest.raises(Unprocessable):
        parse_overrides({"25/12/2026": []})


def test_peer_to_peer_is_overdue_only_for_an_active_unconnected_p2p_call() -> None:
    import uuid

    from consult.domain.session import CallSession, Role
    from consult.service_layer.sessions import p2p_overdue

    call = CallSession(advisor_id=uuid.uuid4(), shopper_token_digest="x", owner_instance="i")
    start = utc(2026, 5, 1, 12)
    call.attach(Role.SHOPPER, "a", start)
    assert not p2p_overdue(call, timedelta(seconds=15), start + timedelta(minutes=5))  # still waiting
    call.attach(Role.ADVISOR, "b", start)
    assert not p2p_overdue(call, timedelta(seconds=15), start + timedelta(seconds=10))
    assert p2p_overdue(call, timedelta(seconds=15), start + timedelta(seconds=16))
    call.p2p_connected_at = start + timedelta(seconds=1)
    assert not p2p_overdue(call, timedelta(seconds=15), start + timedelta(seconds=16))


def test_the_wait_estimate_grows_by_rounds_of_advisors() -> None:
    from consult.domain.session import estimated_wait

    call = timedelta(minutes=8)
    assert estimated_wait(0, 2, call) == timedelta(0)
    assert estimated_wait(1, 2, call) == estimated_wait(2, 2, call) == timedelta(minutes=4)
    assert estimated_wait(3, 2, call) == timedelta(minutes=12)
    assert estimated_wait(1, 0, call) == timedelta(minutes=4)  # nobody on duty counts as one
