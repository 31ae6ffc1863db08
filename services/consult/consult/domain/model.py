"""Advisors and bookings, and the rules about them. No I/O here."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from consult.domain.availability import Busy, Schedule, parse_overrides, parse_weekly
from vitrine_shared.problems import IllegalTransition, Unprocessable

LANGUAGES = ("fr", "en")
MODES = ("video", "in_store", "phone")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9 ().-]{7,20}$")
_SKILL = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


def normalize_email(email: str, field_name: str = "email") -> str:
    candidate = email.strip().lower()
    if not _EMAIL.match(candidate):
        raise Unprocessable(field_name, "not an email address")
    return candidate


def check_phone(phone: str | None, field_name: str = "shopper.phone") -> str:
    if not phone or not _PHONE.match(phone.strip()):
        raise Unprocessable(field_name, "a phone callback needs a phone number (digits, +, spaces)")
    return phone.strip()


def check_languages(languages: list[str]) -> list[str]:
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise Unprocessable("languages", f"at least one of {', '.join(LANGUAGES)}")
    return sorted(set(languages))


def check_skills(skills: list[str]) -> list[str]:
    for skill in skills:
        if not _SKILL.match(skill):
            raise Unprocessable("skills", f"'{skill[:50]}' is not a category slug (lowercase, digits, dashes)")
    return sorted(set(skills))


@dataclass
class Advisor:
    """A staff member with the advisor role, as consult knows them. `staff_id` is identity's id
    (the subject of their access token); it is unknown for a profile seeded by email until
    identity's `staff.registered` event (or the seed's look-up) reconciles it."""

    email: str
    display_name: str
    staff_id: uuid.UUID | None = None
    languages: list[str] = field(default_factory=lambda: ["fr", "en"])
    skills: list[str] = field(default_factory=list)
    store: str = "montreal-centre"
    time_zone: str = "America/Montreal"
    weekly_hours: dict[str, Any] = field(default_factory=dict)
    date_overrides: dict[str, Any] = field(default_factory=dict)
    slot_minutes: int = 30
    buffer_minutes: int = 10
    max_per_day: int = 8
    active: bool = True
    last_booked_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None

    def schedule(self) -> Schedule:
        return Schedule(
            time_zone=self.time_zone,
            weekly=parse_weekly(self.weekly_hours),
            overrides=parse_overrides(self.date_overrides),
            slot_minutes=self.slot_minutes,
            buffer_minutes=self.buffer_minutes,
            max_per_day=self.max_per_day,
        )

    def matches(self, *, language: str | None, category: str | None) -> bool:
        return (
            self.active
            and (language is None or language in self.languages)
            and (category is None or category in self.skills)
        )


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass
class Booking:
    advisor_id: uuid.UUID
    mode: str
    language: str
    starts_at: datetime
    ends_at: datetime
    buffer_until: datetime  # ends_at + the advisor's buffer: what the exclusion constraint guards
    shopper_name: str
    shopper_email: str
    token_digest: str
    shopper_time_zone: str = "America/Montreal"
    shopper_phone: str | None = None
    category: str | None = None
    store: str | None = None
    status: str = BookingStatus.CONFIRMED
    cancel_reason: str | None = None
    sequence: int = 0  # bumped on every change; the .ics SEQUENCE
    reminder_published_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None

    def busy(self) -> Busy:
        return Busy(self.starts_at, self.ends_at)

    def move(self, *, advisor: Advisor, starts_at: datetime) -> None:
        self.check_can_change("reschedule")
        self.advisor_id = advisor.id
        self.starts_at = starts_at
        self.ends_at = starts_at + timedelta(minutes=advisor.slot_minutes)
        self.buffer_until = self.ends_at + timedelta(minutes=advisor.buffer_minutes)
        self.store = advisor.store if self.mode == "in_store" else None
        self.reminder_published_at = None
        self.sequence += 1

    def cancel(self, reason: str) -> None:
        self.check_can_change("cancel")
        self.status = BookingStatus.CANCELLED
        self.cancel_reason = reason
        self.sequence += 1

    def check_can_change(self, action: str) -> None:
        if self.status != BookingStatus.CONFIRMED:
            raise IllegalTransition(f"A {self.status} booking cannot {action}.", current_state=self.status)
        if self.starts_at <= datetime.now(UTC):
            raise IllegalTransition(f"A booking that has started cannot {action}.", current_state="started")
