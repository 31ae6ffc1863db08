"""Confirmation and reminder emails over real SMTP into the local sink, read back from its .eml
files: both languages, and a valid .ics invitation."""

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from consult.service_layer import booking as booking_service
from consult.service_layer.notifications import notifier_handlers
from vitrine_shared.events.contracts import BookingCreated, BookingReminderDue
from vitrine_shared.settings import VAR_DIR
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration
MAILDIR = VAR_DIR / "mail"


def find_mail(booking_id: uuid.UUID, kind: str) -> EmailMessage | None:
    marker = f"X-Vitrine-Booking: {booking_id}".encode()
    for path in sorted(Path(MAILDIR).glob("*.eml"), reverse=True)[:400]:
        raw = path.read_bytes()
        if marker in raw and f"X-Vitrine-Kind: {kind}".encode() in raw:
            return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]
    return None


def parse_ics(text: str) -> dict[str, str]:
    """A strict little reader: CRLF lines, unfolded, one VEVENT inside one VCALENDAR."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields[name.split(";")[0]] = value
    return fields


def book(container, make_advisor, *, starts_at: datetime, language: str = "fr"):
    advisor = make_advisor()
    query = booking_service.SlotQuery(
        start=starts_at, end=starts_at, mode="in_store", language=language, category=advisor.skills[0]
    )
    shopper = booking_service.ShopperDetails(
        name="Zoé", email=f"zoe-{uuid.uuid4().hex[:6]}@example.test", time_zone="Europe/Paris"
    )
    return booking_service.book(container.uow(), query, starts_at=starts_at, shopper=shopper)


def test_confirmation_and_reminder_arrive_with_a_valid_ics(container, make_advisor) -> None:
    starts_at = (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    receipt = book(container, make_advisor, starts_at=starts_at)
    b = receipt.booking
    handlers = notifier_handlers(container.mailer)
    for event in (
        BookingCreated(
            booking_id=b.id,
            advisor_id=b.advisor_id,
            mode="in_store",
            starts_at=b.starts_at,
            ends_at=b.ends_at,
            language="fr",
        ),
        BookingReminderDue(booking_id=b.id, starts_at=b.starts_at, mode="in_store"),
    ):
        with container.uow() as uow:
            handlers[event.event_type](event, uow)
            uow.commit()
    wait_until(lambda: find_mail(b.id, "reminder") is not None, timeout=10, what="the reminder .eml")
    confirmation = find_mail(b.id, "confirmation")
    assert confirmation is not None
    assert confirmation["To"] == b.shopper_email
    assert confirmation["Subject"] == "Rendez-vous confirmé / Appointment confirmed"
    text = confirmation.get_body(("plain",)).get_content()
    assert text.index("est confirmé") < text.index("is confirmed")  # the booking's language first
    assert "15 h 00 (Europe/Paris)" in text  # 14:00 UTC in Paris, winter
    [attachment] = [part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar"]
    ics = parse_ics(attachment.get_payload(decode=True).decode())
    assert ics["UID"] == f"{b.id}@consult.vitrine.test"
    assert ics["DTSTART"] == starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert ics["DTEND"] == (starts_at + timedelta(minutes=30)).strftime("%Y%m%dT%H%M%SZ")
    assert ics["METHOD"] == "REQUEST" and ics["STATUS"] == "CONFIRMED"
    assert ics["ATTENDEE"] == f"mailto:{b.shopper_email}"
    reminder = find_mail(b.id, "reminder")
    assert reminder is not None and reminder["Subject"].startswith("Rappel de rendez-vous")


def test_the_running_worker_mails_a_cancellation_from_the_outbox(container, make_advisor) -> None:
    """End to end: the outbox relay, the broker, the notifier consumer and SMTP of the running stack."""
    starts_at = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    receipt = book(container, make_advisor, starts_at=starts_at, language="en")
    booking_service.cancel(container.uow(), receipt.booking.id, receipt.token)
    wait_until(
        lambda: find_mail(receipt.booking.id, "cancelled") is not None,
        timeout=30,
        what="the cancellation mail sent by the consult worker",
    )
    mail = find_mail(receipt.booking.id, "cancelled")
    assert mail is not None and mail["Subject"] == "Appointment cancelled / Rendez-vous annulé"
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    ics = parse_ics(attachment.get_payload(decode=True).decode())
    assert ics["METHOD"] == "CANCEL" and ics["SEQUENCE"] == "1"
