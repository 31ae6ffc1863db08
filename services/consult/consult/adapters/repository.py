"""Reading and writing consult's aggregates."""

import uuid
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from consult.adapters.orm import queue_entries, signal_messages
from consult.domain.model import Advisor, Booking, BookingStatus
from consult.domain.session import CallSession, QueueEntry, QueueStatus


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


class QueueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: QueueEntry) -> None:
        self.session.add(entry)

    def by_token(self, entry_id: uuid.UUID, digest: str, *, for_update: bool = False) -> QueueEntry | None:
        query = select(QueueEntry).where(QueueEntry.id == entry_id, QueueEntry.token_digest == digest)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def waiting(self, fresh_since: datetime) -> list[QueueEntry]:
        query = (
            select(QueueEntry)
            .where(QueueEntry.status == QueueStatus.WAITING, QueueEntry.last_seen_at >= fresh_since)  # type: ignore[arg-type]
            .order_by(QueueEntry.joined_at, QueueEntry.id)  # type: ignore[arg-type]
        )
        return list(self.session.scalars(query))

    def next_for(self, *, languages: list[str], skills: list[str], fresh_since: datetime) -> QueueEntry | None:
        """The longest-waiting shopper this advisor can serve, claimed with SKIP LOCKED so two
        advisors clicking at once get two different shoppers."""
        query = (
            select(QueueEntry)
            .where(
                QueueEntry.status == QueueStatus.WAITING,  # type: ignore[arg-type]
                QueueEntry.last_seen_at >= fresh_since,  # type: ignore[arg-type]
                QueueEntry.language.in_(languages),  # type: ignore[attr-defined]
                or_(QueueEntry.category.is_(None), QueueEntry.category.in_(skills)),  # type: ignore[attr-defined]
            )
            .order_by(QueueEntry.joined_at, QueueEntry.id)  # type: ignore[arg-type]
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return self.session.scalars(query).one_or_none()

    def expire_stale(self, stale_before: datetime) -> int:
        result = self.session.execute(
            update(queue_entries)
            .where(queue_entries.c.status == QueueStatus.WAITING, queue_entries.c.last_seen_at < stale_before)
            .values(status=QueueStatus.LEFT)
        )
        return result.rowcount or 0


class SessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, call: CallSession) -> None:
        self.session.add(call)

    def get(self, session_id: uuid.UUID, *, for_update: bool = False) -> CallSession | None:
        query = select(CallSession).where(CallSession.id == session_id)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query.execution_options(populate_existing=True)).one_or_none()

    def by_booking(self, booking_id: uuid.UUID) -> CallSession | None:
        return self.session.scalars(select(CallSession).where(CallSession.booking_id == booking_id)).one_or_none()  # type: ignore[arg-type]

    def relayed_on(self, instance: str) -> int:
        """Relayed calls this instance carries: not ended, and someone still connected (a call
        everybody walked away from without hanging up does not hold a place forever)."""
        return (
            self.session.scalar(
                select(func.count())
                .select_from(CallSession)
                .where(
                    CallSession.owner_instance == instance,  # type: ignore[arg-type]
                    CallSession.topology == "relay",  # type: ignore[arg-type]
                    CallSession.status != "ended",  # type: ignore[arg-type]
                    or_(
                        CallSession.shopper_connection.is_not(None),  # type: ignore[attr-defined]
                        CallSession.advisor_connection.is_not(None),  # type: ignore[attr-defined]
                        CallSession.guest_connection.is_not(None),  # type: ignore[attr-defined]
                    ),
                )
            )
            or 0
        )

    def append_message(self, session_id: uuid.UUID, sender: str, recipient: str, kind: str, payload: dict) -> int:
        return self.session.execute(
            insert(signal_messages)
            .values(session_id=session_id, sender=sender, recipient=recipient, type=kind, payload=payload)
            .returning(signal_messages.c.seq)
        ).scalar_one()

    def messages_for(self, session_id: uuid.UUID, recipient: str, after_seq: int, limit: int = 200) -> list[dict]:
        rows = self.session.execute(
            select(signal_messages.c.seq, signal_messages.c.sender, signal_messages.c.type, signal_messages.c.payload)
            .where(
                signal_messages.c.session_id == session_id,
                signal_messages.c.recipient == recipient,
                signal_messages.c.seq > after_seq,
            )
            .order_by(signal_messages.c.seq)
            .limit(limit)
        ).all()
        return [{**row.payload, "type": row.type, "seq": row.seq, "from": row.sender} for row in rows]
