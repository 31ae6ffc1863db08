"""The development clock (role ops), mounted only when the service runs in development: staff
move the service's time forward to see a quarantine end or an item fall overdue, then go back to
real time. Absent in production (404), so time there is always the system's."""

from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from returns.config import Settings
from returns.domain.clock import MAX_OFFSET, MAX_STEP
from returns.entrypoints.dependencies import ContainerDep, actor_of
from returns.service_layer import dev_clock
from vitrine_shared.auth.dependencies import Ops
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import staff_router

router = staff_router(Role.OPS, prefix="/ops/dev-clock", tags=["ops", "development"])


def development_routers(settings: Settings) -> list[APIRouter]:
    """The routers that exist only in development (the guard: nothing here reaches production)."""
    return [router] if settings.is_development else []


class AdvanceIn(BaseModel):
    seconds: int = Field(gt=0, le=int(MAX_STEP.total_seconds()), description="How far to move time forward.")


class DevClockOut(BaseModel):
    now: datetime = Field(description="The service's time (real time plus the offset).")
    offset_seconds: int
    changed_at: datetime | None = Field(description="When the offset last changed (real time).")
    changed_by: str | None
    max_step_seconds: int = int(MAX_STEP.total_seconds())
    max_offset_seconds: int = int(MAX_OFFSET.total_seconds())


def _out(state: dev_clock.DevClockState, container: ContainerDep) -> DevClockOut:
    return DevClockOut(
        now=container.clock.now(),
        offset_seconds=int(state.offset.total_seconds()),
        changed_at=state.changed_at,
        changed_by=state.changed_by,
    )


@router.get("", response_model=DevClockOut)
def read_dev_clock(container: ContainerDep) -> DevClockOut:
    return _out(dev_clock.read(container.uow()), container)


@router.post("/advance", response_model=DevClockOut)
def advance_dev_clock(body: AdvanceIn, principal: Ops, container: ContainerDep) -> DevClockOut:
    state = dev_clock.advance(
        container.uow(),
        by=timedelta(seconds=body.seconds),
        actor=actor_of(principal),
        real_now=container.real_clock.now(),
    )
    return _out(state, container)


@router.post("/reset", response_model=DevClockOut)
def reset_dev_clock(principal: Ops, container: ContainerDep) -> DevClockOut:
    state = dev_clock.reset(container.uow(), actor=actor_of(principal), real_now=container.real_clock.now())
    return _out(state, container)
