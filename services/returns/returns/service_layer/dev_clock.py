"""The development clock: read, move forward, reset. Only the development app exposes these
(see `entrypoints/routers/dev_clock.py`); the offset lives in the database so every process of
the service (api instances, worker) reads the same time."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from returns.domain.clock import advanced_offset
from returns.domain.model import Actor
from returns.service_layer.unit_of_work import ReturnsUnitOfWork


@dataclass(frozen=True)
class DevClockState:
    offset: timedelta
    changed_at: datetime | None
    changed_by: str | None


def clock_offset(uow: ReturnsUnitOfWork) -> timedelta:
    """What the `OffsetClock` adds to real time (read on every call: another process may move it)."""
    with uow:
        return uow.dev_clock.offset()


def read(uow: ReturnsUnitOfWork) -> DevClockState:
    with uow:
        return DevClockState(uow.dev_clock.offset(), *uow.dev_clock.last_change())


def advance(uow: ReturnsUnitOfWork, *, by: timedelta, actor: Actor, real_now: datetime) -> DevClockState:
    with uow:
        # Locked: two moves at the same moment both count, in one order.
        offset = advanced_offset(uow.dev_clock.offset(lock=True), by)
        uow.dev_clock.change(offset, at=real_now, by=actor.subject)
        uow.commit()
    return DevClockState(offset, real_now, actor.subject)


def reset(uow: ReturnsUnitOfWork, *, actor: Actor, real_now: datetime) -> DevClockState:
    with uow:
        uow.dev_clock.offset(lock=True)
        uow.dev_clock.change(timedelta(0), at=real_now, by=actor.subject)
        uow.commit()
    return DevClockState(timedelta(0), real_now, actor.subject)
