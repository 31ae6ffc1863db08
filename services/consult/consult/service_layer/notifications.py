"""The notifier: consult's own booking events become emails to the shopper (both languages, the
booking's own first) with an .ics invitation. Events carry ids, not addresses; the address is
read here from consult's database."""

import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from consult.adapters.orm import sent_emails
from consult.domain.calendar import booking_ics
from consult.domain.model import Advisor, Booking
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.events.contracts import BookingCancelled, BookingCreated, BookingReminderDue, BookingRescheduled

SENDER = "Vitrine <conseil@vitrine.test>"
ORGANIZER = "conseil@vitrine.test"

MODE_TEXT = {
    "video": {"fr": "appel vidéo", "en": "video call"},
    "in_store": {"fr": "rendez-vous en magasin", "en": "in-store appointment"},
    "phone": {"fr": "rappel téléphonique", "en": "phone callback"},
}
SUBJECTS = {
    "confirmation": {"fr": "Rendez-vous confirmé", "en": "Appointment confirmed"},
    "rescheduled": {"fr": "Rendez-vous déplacé", "en": "Appointment rescheduled"},
    "cancelled": {"fr": "Rendez-vous annulé", "en": "Appointment cancelled"},
    "reminder": {"fr": "Rappel de rendez-vous", "en": "Appointment reminder"},
}
INTRO = {
    "confirmation": {
        "fr": "Votre {mode} avec {advisor} est confirmé.",
        "en": "Your {mode} with {advisor} is confirmed.",
    },
    "rescheduled": {
        "fr": "Votre {mode} avec {advisor} a été déplacé.",
        "en": "Your {mode} with {advisor} has moved.",
    },
    "cancelled": {
        "fr": "Votre {mode} avec {advisor} est annulé.",
        "en": "Your {mode} with {advisor} is cancelled.",
    },
    "reminder": {
        "fr": "Rappel : votre {mode} avec {advisor} approche.",
        "en": "Reminder: your {mode} with {advisor} is coming up.",
    },
}
WHEN = {"fr": "Quand : {when}", "en": "When: {when}"}


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def _when(instant: datetime, time_zone: str, language: str) -> str:
    local = instant.astimezone(ZoneInfo(time_zone))
    if language == "fr":
        return local.strftime("%Y-%m-%d %H h %M") + f" ({time_zone})"
    return local.strftime("%Y-%m-%d %I:%M %p") + f" ({time_zone})"


def compose(booking: Booking, advisor: Advisor, kind: str) -> EmailMessage:
    first = booking.language
    languages = [first, "en" if first == "fr" else "fr"]
    paragraphs = []
    for language in languages:
        mode = MODE_TEXT[booking.mode][language]
        paragraphs.append(
            "\n".join(
                [
                    INTRO[kind][language].format(mode=mode, advisor=advisor.display_name),
                    WHEN[language].format(when=_when(booking.starts_at, booking.shopper_time_zone, language)),
                ]
            )
        )
    message = EmailMessage()
    message["To"] = booking.shopper_email
    message["Subject"] = f"{SUBJECTS[kind][languages[0]]} / {SUBJECTS[kind][languages[1]]}"
    message["Message-ID"] = make_msgid(domain="vitrine.test")
    message["X-Vitrine-Booking"] = str(booking.id)
    message["X-Vitrine-Kind"] = kind
    message["Content-Language"] = ", ".join(languages)
    message.set_content("\n\n---\n\n".join(paragraphs) + "\n")
    location = {
        "video": "Vitrine video / vidéo",
        "in_store": f"Vitrine {booking.store or advisor.store}",
        "phone": booking.shopper_phone or "phone",
    }[booking.mode]
    ics = booking_ics(
        uid=f"{booking.id}@consult.vitrine.test",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"Vitrine: {MODE_TEXT[booking.mode][first]} ({advisor.display_name})",
        description=paragraphs[0],
        location=location,
        organizer_email=ORGANIZER,
        attendee_email=booking.shopper_email,
        sequence=booking.sequence,
        cancelled=kind == "cancelled",
    )
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    message.add_attachment(
        ics.encode(), maintype="text", subtype="calendar", filename="vitrine.ics", params={"method": method}
    )
    return message


def send_booking_email(uow: ConsultUnitOfWork, mailer: Mailer, booking_id: uuid.UUID, kind: str) -> None:
    booking = uow.bookings.get(booking_id)
    if booking is None:
        return  # nothing to tell anyone about
    if kind == "reminder" and booking.status != "confirmed":
        return
    advisor = uow.advisors.get(booking.advisor_id)
    assert advisor is not None
    message = compose(booking, advisor, kind)
    mailer.send(message)
    uow.session.execute(
        insert(sent_emails).values(
            id=uuid.uuid4(),
            booking_id=booking.id,
            kind=kind,
            recipient=booking.shopper_email,
            message_id=str(message["Message-ID"]),
        )
    )


def notifier_handlers(mailer: Mailer) -> dict[str, Callable[[object, ConsultUnitOfWork], None]]:
    """event type -> handler, for the worker's `consult.notifier` subscription. At-least-once:
    a crash between sending and committing resends the mail, never loses it."""

    def handle(kind: str) -> Callable[[object, ConsultUnitOfWork], None]:
        def handler(event: object, uow: ConsultUnitOfWork) -> None:
            send_booking_email(uow, mailer, event.booking_id, kind)  # type: ignore[attr-defined]

        return handler

    return {
        BookingCreated.event_type: handle("confirmation"),
        BookingRescheduled.event_type: handle("rescheduled"),
        BookingCancelled.event_type: handle("cancelled"),
        BookingReminderDue.event_type: handle("reminder"),
    }
