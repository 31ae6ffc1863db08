"""Advisor profiles and schedules (staff), and a public directory for shoppers."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from consult.entrypoints.dependencies import ContainerDep
from consult.service_layer import advisors as advisor_service
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.dependencies import Staff
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import public_router, staff_router
from vitrine_shared.problems import Forbidden, NotFound

router = staff_router(Role.ADVISOR, Role.OPS, prefix="/advisors", tags=["advisors"])
directory = public_router(prefix="/directory", tags=["advisors"])

TimeRanges = list[list[str]]


class AdvisorPublic(BaseModel):
    id: uuid.UUID
    display_name: str
    languages: list[str]
    skills: list[str]
    store: str
    time_zone: str


class AdvisorStaffView(AdvisorPublic):
    email: str
    staff_id: uuid.UUID | None
    weekly_hours: dict[str, TimeRanges]
    date_overrides: dict[str, TimeRanges]
    slot_minutes: int
    buffer_minutes: int
    max_per_day: int
    active: bool
    last_booked_at: datetime | None


class AdvisorUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    languages: list[Literal["fr", "en"]] | None = Field(default=None, min_length=1, max_length=2)
    skills: list[str] | None = Field(default=None, max_length=50)
    store: str | None = Field(default=None, min_length=1, max_length=100)
    time_zone: str | None = Field(default=None, max_length=64)
    weekly: dict[str, TimeRanges] | None = Field(default=None, description='{"mon": [["09:00", "17:00"]], ...}')
    overrides: dict[str, TimeRanges] | None = Field(
        default=None, description='{"2026-12-25": []} closes a day; ranges replace that day\'s hours'
    )
    slot_minutes: int | None = Field(default=None, ge=10, le=240)
    buffer_minutes: int | None = Field(default=None, ge=0, le=120)
    max_per_day: int | None = Field(default=None, ge=1, le=48)
    active: bool | None = None


class BookingStaffView(BaseModel):
    id: uuid.UUID
    advisor_id: uuid.UUID
    mode: str
    language: str
    category: str | None
    starts_at: datetime
    ends_at: datetime
    status: str
    shopper_name: str
    shopper_email: str
    shopper_phone: str | None


def _view(advisor: Any) -> AdvisorStaffView:
    return AdvisorStaffView.model_validate(advisor, from_attributes=True)


@directory.get("", response_model=list[AdvisorPublic])
def list_directory(container: ContainerDep) -> list[AdvisorPublic]:
    """Active advisors as shoppers see them (no email, no schedule)."""
    return [
        AdvisorPublic.model_validate(a, from_attributes=True)
        for a in advisor_service.list_advisors(container.uow())
        if a.active
    ]


@router.get("", response_model=list[AdvisorStaffView])
def list_advisors(container: ContainerDep) -> list[AdvisorStaffView]:
    return [_view(a) for a in advisor_service.list_advisors(container.uow())]


@router.get("/me", response_model=AdvisorStaffView)
def read_my_profile(principal: Staff, container: ContainerDep) -> AdvisorStaffView:
    advisor = advisor_service.advisor_for_principal(container.uow(), principal)
    if advisor is None:
        raise NotFound("You have no advisor profile (yet): it is created when identity registers you.")
    return _view(advisor)


@router.patch("/{advisor_id}", response_model=AdvisorStaffView)
def update_advisor(
    advisor_id: uuid.UUID, body: AdvisorUpdate, principal: Staff, container: ContainerDep
) -> AdvisorStaffView:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return _view(advisor_service.update_advisor(container.uow(), principal, advisor_id, changes))


@router.get("/{advisor_id}/bookings", response_model=list[BookingStaffView])
def list_advisor_bookings(
    advisor_id: uuid.UUID, principal: Staff, container: ContainerDep, days: int = 14
) -> list[BookingStaffView]:
    """An advisor sees their own agenda; ops see anyone's."""
    uow: ConsultUnitOfWork = container.uow()
    advisor = advisor_service.get_advisor(uow, advisor_id)
    if not principal.has_any_role(frozenset({Role.OPS})) and str(advisor.staff_id) != principal.subject:
        raise Forbidden("An advisor sees only their own bookings.")
    now = datetime.now(UTC)
    with uow:
        rows = uow.bookings.for_advisor(advisor_id, now - timedelta(days=1), now + timedelta(days=min(days, 62)))
    return [BookingStaffView.model_validate(b, from_attributes=True) for b in rows]
