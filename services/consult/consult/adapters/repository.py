"""Reading and writing consult's aggregates."""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from consult.domain.model import Advisor, Booking, BookingStatus


class AdvisorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, advisor: Advisor) -> None:
        self.session.add(advisor)

    def get(self, advisor_id: uuid.UUID) -> Advisor | None:
        return self.session.get(Advisor, advisor_id)

    def by_staff_id(self, staff_id: uuid.UUID) -> Advisor | None:
        return self.session.scalars(select(Advisor).where(Advisor.staff_id == staff_id)).one_or_none()  # type: ignore[arg-type]

    def by_email(self, email: str) -> Advisor | None:
        return self.session.scalars(select(Advisor).where(Advisor.email == email)).one_or_none()  # type: ignore[arg-type]

    def all(self, *, active_only: bool = False) -> list[Advisor]:
        query = select(Advisor).order_by(Advisor.email)  # type: ignore[arg-type]
        if active_only:
            query = query.where(Advisor.active.is_(True))  # type: ignore[attr-defined]
        return list(self.session.scalars(query))

    def lock(self, advisor_ids: list[uuid.UUID]) -> list[Advisor]:
        """Lock these advisors' rows in id order (one order for every transaction: no deadlock),
        so that checking a slot and taking it happen as one step per advisor."""
        query = (
            select(Advisor)
            .where(Advisor.id.in_(advisor_ids))  # type: ignore[attr-defined]
            .order_by(Advisor.id)  # type: ignore[arg-type]
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query))


class BookingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, booking: Booking) -> None:
        self.session.add(booking)

    def get(self, booking_id: uuid.UUID) -> Booking | None:
        return self.session.get(Booking, booking_id)

    def by_token(self, booking_id: uuid.UUID, digest: str, *, for_update: bool = False) -> Booking | None:
        query = select(Booking).where(Booking.id == booking_id, Booking.token_digest == digest)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def confirmed_between(self, advisor_ids: list[uuid.UUID], start: datetime, end: datetime) -> list[Booking]:
        query = select(Booking).where(
            Booking.advisor_id.in_(advisor_ids),  # type: ignore[attr-defined]
            Booking.status == BookingStatus.CONFIRMED,  # type: ignore[arg-type]
            Booking.starts_at < end,  # type: ignore[arg-type]
            Booking.ends_at > start,  # type: ignore[arg-type]
        )
        return list(self.session.scalars(query))

    def for_advisor(self, advisor_id: uuid.UUID | None, start: datetime, end: datetime) -> list[Booking]:
        query = select(Booking).where(Booking.starts_at >= start, Booking.starts_at < end).order_by(Booking.starts_at)  # type: ignore[arg-type]
        if advisor_id is not None:
            query = query.where(Booking.advisor_id == advisor_id)  # type: ignore[arg-type]
        return list(self.session.scalars(query))

    def reminders_due(self, until: datetime, now: datetime, limit: int = 100) -> list[Booking]:
        query = (
            select(Booking)
            .where(
                Booking.status == BookingStatus.CONFIRMED,  # type: ignore[arg-type]
                Booking.reminder_published_at.is_(None),  # type: ignore[attr-defined]
                Booking.starts_at > now,  # type: ignore[arg-type]
                Booking.starts_at <= until,  # type: ignore[arg-type]
            )
            .order_by(Booking.starts_at)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(query))
