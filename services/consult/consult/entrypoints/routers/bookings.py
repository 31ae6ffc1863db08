"""Shoppers: free slots, book, and manage their own booking with its token (public routes)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import Query
from pydantic import AwareDatetime, BaseModel, Field

from consult.domain.availability import zone
from consult.domain.model import Advisor, Booking
from consult.entrypoints.dependencies import BookingToken, ContainerDep
from consult.service_layer import booking as booking_service
from consult.service_layer import commerce
from vitrine_shared.http import public_router

router = public_router(tags=["booking"])

Mode = Literal["video", "in_store", "phone"]
Language = Literal["fr", "en"]


class SlotPublic(BaseModel):
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime = Field(description="The start in the shopper's time zone.")
    local_ends_at: datetime
    advisors_available: int


class SlotList(BaseModel):
    time_zone: str
    mode: Mode
    slots: list[SlotPublic]


class ShopperIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=30)


class BookingCreate(BaseModel):
    starts_at: AwareDatetime
    mode: Mode
    language: Language
    category: str | None = Field(default=None, max_length=50)
    advisor_id: uuid.UUID | None = None
    store: str | None = Field(default=None, max_length=100)
    time_zone: str = Field(default="America/Montreal", max_length=64)
    shopper: ShopperIn


class BookingReschedule(BaseModel):
    starts_at: AwareDatetime


class BookingPublic(BaseModel):
    id: uuid.UUID
    status: str
    mode: Mode
    language: Language
    category: str | None
    store: str | None
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    time_zone: str
    advisor_name: str
    advisor_id: uuid.UUID


class BookingCreated(BookingPublic):
    token: str = Field(description="Shown once: keep it to reschedule, cancel or join the call.")


def _public(booking: Booking, advisor: Advisor) -> BookingPublic:
    return BookingPublic(
        id=booking.id,
        status=booking.status,
        mode=booking.mode,  # type: ignore[arg-type]
        language=booking.language,  # type: ignore[arg-type]
        category=booking.category,
        store=booking.store,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        local_starts_at=booking.starts_at.astimezone(ZoneInfo(booking.shopper_time_zone)),
        time_zone=booking.shopper_time_zone,
        advisor_name=advisor.display_name,
        advisor_id=advisor.id,
    )


@router.get("/slots", response_model=SlotList)
def list_slots(
    container: ContainerDep,
    mode: Mode = "video",
    language: Language | None = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    advisor_id: uuid.UUID | None = None,
    store: Annotated[str | None, Query(max_length=100)] = None,
    time_zone: Annotated[str, Query(max_length=64)] = "America/Montreal",
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> SlotList:
    """Free slots (default: the next 7 days) for the filters, shown in the shopper's time zone."""
    tz = zone(time_zone)
    start = start or datetime.now(UTC)
    end = end or start + timedelta(days=7)
    slots = booking_service.list_slots(
        container.uow(),
        booking_service.SlotQuery(
            start=start, end=end, mode=mode, language=language, category=category, advisor_id=advisor_id, store=store
        ),
    )
    return SlotList(
        time_zone=time_zone,
        mode=mode,
        slots=[
            SlotPublic(
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                local_starts_at=s.starts_at.astimezone(tz),
                local_ends_at=s.ends_at.astimezone(tz),
                advisors_available=len(s.advisor_ids),
            )
            for s in slots
        ],
    )


@router.post("/bookings", response_model=BookingCreated, status_code=201)
def create_booking(body: BookingCreate, container: ContainerDep) -> BookingCreated:
    receipt = booking_service.book(
        container.uow(),
        booking_service.SlotQuery(
            start=body.starts_at,
            end=body.starts_at + timedelta(minutes=1),
            mode=body.mode,
            language=body.language,
            category=body.category,
            advisor_id=body.advisor_id,
            store=body.store,
        ),
        starts_at=body.starts_at,
        shopper=booking_service.ShopperDetails(
            name=body.shopper.name, email=body.shopper.email, phone=body.shopper.phone, time_zone=body.time_zone
        ),
    )
    return BookingCreated(**_public(receipt.booking, receipt.advisor).model_dump(), token=receipt.token)


@router.get("/bookings/{booking_id}", response_model=BookingPublic)
def read_booking(booking_id: uuid.UUID, token: BookingToken, container: ContainerDep) -> BookingPublic:
    return _public(*booking_service.get_booking(container.uow(), booking_id, token))


@router.post("/bookings/{booking_id}/reschedule", response_model=BookingPublic)
def reschedule_booking(
    booking_id: uuid.UUID, body: BookingReschedule, token: BookingToken, container: ContainerDep
) -> BookingPublic:
    return _public(*booking_service.reschedule(container.uow(), booking_id, token, starts_at=body.starts_at))


@router.delete("/bookings/{booking_id}", status_code=204)
def erase_booking(booking_id: uuid.UUID, token: BookingToken, container: ContainerDep) -> None:
    """The shopper erases their booking's personal data (cancelling it if it is still to come),
    the advisor's notes about the call and its recordings."""
    commerce.erase_shopper_data(container.uow(), booking_id=booking_id, token=token)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingPublic)
def cancel_booking(booking_id: uuid.UUID, token: BookingToken, container: ContainerDep) -> BookingPublic:
    booking_service.cancel(container.uow(), booking_id, token)
    return _public(*booking_service.get_booking(container.uow(), booking_id, token))
