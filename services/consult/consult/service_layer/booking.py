"""Booking: free slots, book, reschedule, cancel, reminders. Listing and booking run the same
availability check (`availability.refusal`); booking runs it under row locks on the matching
advisors, and the database's exclusion constraint is the last line of defence."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from consult.domain import availability
from consult.domain.availability import Busy, Refusal
from consult.domain.model import (
    LANGUAGES,
    MODES,
    Advisor,
    Booking,
    check_phone,
    normalize_email,
)
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.events.contracts import (
    BookingCancelled,
    BookingCreated,
    BookingReminderDue,
    BookingRescheduled,
)
from vitrine_shared.problems import Conflict, NotFound, Unprocessable

MIN_NOTICE = timedelta(minutes=30)


@dataclass(frozen=True)
class SlotQuery:
    start: datetime
    end: datetime
    mode: str = "video"
    language: str | None = None
    category: str | None = None
    advisor_id: uuid.UUID | None = None
    store: str | None = None


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    advisor_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class ShopperDetails:
    name: str
    email: str
    phone: str | None = None
    time_zone: str = "America/Montreal"


@dataclass(frozen=True)
class BookingReceipt:
    booking: Booking
    token: str
    advisor: Advisor


def _check_query(query: SlotQuery, *, listing: bool = True) -> None:
    if query.mode not in MODES:
        raise Unprocessable("mode", f"one of {', '.join(MODES)}")
    if query.language is not None and query.language not in LANGUAGES:
        raise Unprocessable("language", f"one of {', '.join(LANGUAGES)}")
    if not listing:
        return
    if query.end <= query.start:
        raise Unprocessable("to", "must be after 'from'")
    if query.end - query.start > timedelta(days=availability.MAX_LISTING_DAYS):
        raise Unprocessable("to", f"at most {availability.MAX_LISTING_DAYS} days after 'from'")


def _candidates(uow: ConsultUnitOfWork, query: SlotQuery) -> list[Advisor]:
    return [
        advisor
        for advisor in uow.advisors.all(active_only=True)
        if advisor.matches(language=query.language, category=query.category)
        and (query.advisor_id is None or advisor.id == query.advisor_id)
        and (query.store is None or query.mode != "in_store" or advisor.store == query.store)
    ]


def _busy_by_advisor(
    uow: ConsultUnitOfWork, advisors: list[Advisor], start: datetime, end: datetime, *, ignore: uuid.UUID | None = None
) -> dict[uuid.UUID, list[Busy]]:
    # A day's margin either side: buffers and the per-day cap look past the window's edges.
    rows = uow.bookings.confirmed_between([a.id for a in advisors], start - timedelta(days=1), end + timedelta(days=1))
    busy: dict[uuid.UUID, list[Busy]] = {a.id: [] for a in advisors}
    for row in rows:
        if row.id != ignore:
            busy[row.advisor_id].append(row.busy())
    return busy


def list_slots(uow: ConsultUnitOfWork, query: SlotQuery, *, now: datetime | None = None) -> list[Slot]:
    _check_query(query)
    now = now or datetime.now(UTC)
    start = max(query.start, now)
    with uow:
        advisors = _candidates(uow, query)
        busy = _busy_by_advisor(uow, advisors, start, query.end)
        by_start: dict[datetime, list[uuid.UUID]] = {}
        ends: dict[datetime, datetime] = {}
        for advisor in advisors:
            schedule = advisor.schedule()
            for slot in availability.free_slots(
                schedule, busy[advisor.id], start, query.end, now=now, min_notice=MIN_NOTICE
            ):
                by_start.setdefault(slot, []).append(advisor.id)
                ends[slot] = max(ends.get(slot, slot), slot + schedule.duration)
    return [Slot(s, ends[s], tuple(by_start[s])) for s in sorted(by_start)]


def _pick(
    uow: ConsultUnitOfWork,
    query: SlotQuery,
    starts_at: datetime,
    now: datetime,
    *,
    prefer: uuid.UUID | None = None,
    ignore: uuid.UUID | None = None,
) -> Advisor:
    """Lock the matching advisors, then take the least recently booked one who is free at
    `starts_at`; refuse with the most telling reason otherwise."""
    candidates = _candidates(uow, query)
    if not candidates:
        raise Unprocessable("advisor_id" if query.advisor_id else "category", "no advisor matches this request")
    locked = uow.advisors.lock([a.id for a in candidates])
    busy = _busy_by_advisor(uow, locked, starts_at, starts_at, ignore=ignore)
    epoch = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(locked, key=lambda a: (a.id != prefer, a.last_booked_at or epoch, str(a.id)))
    reasons = []
    for advisor in ordered:
        reason = availability.refusal(advisor.schedule(), busy[advisor.id], starts_at, now=now, min_notice=MIN_NOTICE)
        if reason is None:
            return advisor
        reasons.append(reason)
    if Refusal.IN_THE_PAST in reasons:
        raise Unprocessable("starts_at", "is in the past or too soon (book at least 30 minutes ahead)")
    if all(r == Refusal.OUTSIDE_HOURS for r in reasons):
        raise Unprocessable("starts_at", "is not a slot any matching advisor offers")
    raise Conflict("This slot was just taken; choose another.", reason=Refusal.TAKEN)


def book(
    uow: ConsultUnitOfWork,
    query: SlotQuery,
    *,
    starts_at: datetime,
    shopper: ShopperDetails,
    now: datetime | None = None,
) -> BookingReceipt:
    _check_query(query, listing=False)
    if query.language is None:
        raise Unprocessable("language", "required to book (fr or en)")
    email = normalize_email(shopper.email, "shopper.email")
    phone = check_phone(shopper.phone) if query.mode == "phone" else shopper.phone
    availability.zone(shopper.time_zone, "time_zone")
    now = now or datetime.now(UTC)
    starts_at = starts_at.astimezone(UTC)
    capability = new_capability()
    with uow:
        advisor = _pick(uow, query, starts_at, now)
        booking = Booking(
            advisor_id=advisor.id,
            mode=query.mode,
            language=query.language,
            category=query.category,
            store=advisor.store if query.mode == "in_store" else None,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=advisor.slot_minutes),
            buffer_until=starts_at + timedelta(minutes=advisor.slot_minutes + advisor.buffer_minutes),
            shopper_name=shopper.name.strip()[:200] or email,
            shopper_email=email,
            shopper_phone=phone,
            shopper_time_zone=shopper.time_zone,
            token_digest=capability.digest,
        )
        uow.bookings.add(booking)
        advisor.last_booked_at = now
        uow.publish(
            BookingCreated(
                booking_id=booking.id,
                advisor_id=advisor.id,
                mode=booking.mode,  # type: ignore[arg-type]
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                language=booking.language,  # type: ignore[arg-type]
            )
        )
        _commit_or_conflict(uow)
        return BookingReceipt(booking=booking, token=capability.token, advisor=advisor)


def _commit_or_conflict(uow: ConsultUnitOfWork) -> None:
    try:
        uow.commit()
    except IntegrityError as exc:
        # The exclusion constraint: another transaction took the slot (a path that skipped the
        # advisor locks, or a stale buffer). A clear 409, never a 500.
        uow.rollback()
        raise Conflict("This slot was just taken; choose another.", reason=Refusal.TAKEN) from exc


def get_booking(uow: ConsultUnitOfWork, booking_id: uuid.UUID, token: str) -> tuple[Booking, Advisor]:
    """The shopper's own booking, by its capability token; any mismatch is a plain 404."""
    with uow:
        booking = uow.bookings.by_token(booking_id, capability_digest(token))
        if booking is None:
            raise NotFound("No booking with this id and token.")
        advisor = uow.advisors.get(booking.advisor_id)
        assert advisor is not None
        return booking, advisor


def reschedule(
    uow: ConsultUnitOfWork, booking_id: uuid.UUID, token: str, *, starts_at: datetime, now: datetime | None = None
) -> tuple[Booking, Advisor]:
    """Move a booking; its advisor keeps it when free at the new time, else the next in turn."""
    now = now or datetime.now(UTC)
    starts_at = starts_at.astimezone(UTC)
    with uow:
        booking = uow.bookings.by_token(booking_id, capability_digest(token), for_update=True)
        if booking is None:
            raise NotFound("No booking with this id and token.")
        booking.check_can_change("reschedule")
        query = SlotQuery(
            start=starts_at,
            end=starts_at + timedelta(minutes=1),
            mode=booking.mode,
            language=booking.language,
            category=booking.category,
        )
        previous = booking.starts_at
        advisor = _pick(uow, query, starts_at, now, prefer=booking.advisor_id, ignore=booking.id)
        booking.move(advisor=advisor, starts_at=starts_at)
        advisor.last_booked_at = now
        uow.publish(
            BookingRescheduled(
                booking_id=booking.id,
                advisor_id=advisor.id,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                previous_starts_at=previous,
            )
        )
        _commit_or_conflict(uow)
        return booking, advisor


def cancel(uow: ConsultUnitOfWork, booking_id: uuid.UUID, token: str, *, reason: str = "shopper") -> Booking:
    with uow:
        booking = uow.bookings.by_token(booking_id, capability_digest(token), for_update=True)
        if booking is None:
            raise NotFound("No booking with this id and token.")
        booking.cancel(reason)
        uow.publish(BookingCancelled(booking_id=booking.id, reason=reason))
        uow.commit()
        return booking


def publish_due_reminders(
    uow: ConsultUnitOfWork, *, lead: timedelta = timedelta(hours=24), now: datetime | None = None
) -> int:
    """Periodic job: one `reminder_due` per booking starting within `lead`. Rows are claimed
    with SKIP LOCKED and marked in the same transaction, so concurrent workers never double up."""
    now = now or datetime.now(UTC)
    with uow:
        due = uow.bookings.reminders_due(now + lead, now)
        for booking in due:
            booking.reminder_published_at = now
            uow.publish(
                BookingReminderDue(booking_id=booking.id, starts_at=booking.starts_at, mode=booking.mode)  # type: ignore[arg-type]
            )
        uow.commit()
        return len(due)
