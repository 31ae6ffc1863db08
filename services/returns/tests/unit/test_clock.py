"""The development clock's rules: forward only, bounded steps, bounded distance from real time;
an offset clock adds whatever offset it reads at each call."""

from datetime import UTC, datetime, timedelta

import pytest

from returns.config import Settings
from returns.domain.clock import MAX_OFFSET, MAX_STEP, MovableClock, OffsetClock, advanced_offset
from returns.entrypoints.routers.dev_clock import development_routers
from vitrine_shared.problems import Unprocessable
from vitrine_shared.settings import Environment


def test_time_moves_forward_by_the_step() -> None:
    assert advanced_offset(timedelta(0), timedelta(hours=1)) == timedelta(hours=1)
    assert advanced_offset(timedelta(hours=1), timedelta(hours=24)) == timedelta(hours=25)
    assert advanced_offset(timedelta(0), timedelta(seconds=1)) == timedelta(seconds=1)


@pytest.mark.parametrize("step", [timedelta(0), timedelta(seconds=-1), -timedelta(hours=24)])
def test_time_never_moves_back(step: timedelta) -> None:
    with pytest.raises(Unprocessable) as refused:
        advanced_offset(timedelta(hours=5), step)
    assert refused.value.extensions["errors"][0]["field"] == "seconds"


def test_one_move_is_bounded() -> None:
    assert advanced_offset(timedelta(0), MAX_STEP) == MAX_STEP
    with pytest.raises(Unprocessable):
        advanced_offset(timedelta(0), MAX_STEP + timedelta(seconds=1))


def test_the_clock_stays_within_its_distance_from_real_time() -> None:
    assert advanced_offset(MAX_OFFSET - timedelta(hours=1), timedelta(hours=1)) == MAX_OFFSET
    with pytest.raises(Unprocessable):
        advanced_offset(MAX_OFFSET - timedelta(hours=1), timedelta(hours=1, seconds=1))


def test_an_offset_clock_reads_its_offset_at_every_call() -> None:
    base = MovableClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    offsets = [timedelta(0)]
    clock = OffsetClock(base, lambda: offsets[-1])
    assert clock.now() == datetime(2026, 3, 1, 12, tzinfo=UTC)
    offsets.append(timedelta(hours=24))  # another process moved it
    assert clock.now() == datetime(2026, 3, 2, 12, tzinfo=UTC)
    base.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2026, 3, 2, 12, 5, tzinfo=UTC)


def test_the_clock_routes_exist_only_in_development() -> None:
    assert development_routers(Settings(environment=Environment.DEVELOPMENT))
    # Tests and production alike: no clock to move (production is built in test_dev_clock.py).
    assert development_routers(Settings(environment=Environment.TEST)) == []
