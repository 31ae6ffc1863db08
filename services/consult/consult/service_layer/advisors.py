"""Advisor profiles: created from identity's `staff.registered`, or seeded by email and reconciled
when identity's id becomes known; their languages, skills and schedule edited by staff."""

import uuid
from typing import Any

from consult.domain.availability import (
    overrides_as_json,
    parse_overrides,
    parse_weekly,
    weekly_as_json,
    zone,
)
from consult.domain.model import Advisor, check_languages, check_skills, normalize_email
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.events.contracts import StaffRegistered
from vitrine_shared.problems import Forbidden, NotFound, Unprocessable


def on_staff_registered(event: StaffRegistered, uow: ConsultUnitOfWork) -> None:
    """Consumer handler: a new staff member with the advisor role gets a profile (both
    languages, no skills and no hours yet: not bookable until they or ops set their schedule).
    A profile seeded by email before the event arrived is claimed by that email, so seed and
    event meet in one row whichever comes first."""
    if "advisor" not in event.roles:
        return
    ensure_advisor(uow, staff_id=event.staff_id, email=event.email, display_name=event.display_name)


def ensure_advisor(
    uow: ConsultUnitOfWork,
    *,
    email: str,
    display_name: str,
    staff_id: uuid.UUID | None = None,
    defaults: dict[str, Any] | None = None,
) -> tuple[Advisor, str]:
    """Idempotent: returns the profile and what happened (created, linked, exists). Runs inside
    the caller's unit of work (the consumer commits it)."""
    address = normalize_email(email)
    advisor = uow.advisors.by_staff_id(staff_id) if staff_id else None
    if advisor is None:
        advisor = uow.advisors.by_email(address)
    if advisor is None:
        advisor = Advisor(email=address, display_name=display_name, staff_id=staff_id)
        for key, value in (defaults or {}).items():
            setattr(advisor, key, value)
        advisor.schedule()  # refuse a malformed default before it is stored
        uow.advisors.add(advisor)
        return advisor, "created"
    if staff_id is not None and advisor.staff_id != staff_id:
        advisor.staff_id = staff_id
        advisor.email = address
        return advisor, "linked"
    return advisor, "exists"


def list_advisors(uow: ConsultUnitOfWork) -> list[Advisor]:
    with uow:
        return uow.advisors.all()


def get_advisor(uow: ConsultUnitOfWork, advisor_id: uuid.UUID) -> Advisor:
    with uow:
        advisor = uow.advisors.get(advisor_id)
        if advisor is None:
            raise NotFound(f"No advisor {advisor_id}.")
        return advisor


def advisor_for_principal(uow: ConsultUnitOfWork, principal: Principal) -> Advisor | None:
    try:
        staff_id = uuid.UUID(principal.subject)
    except ValueError:
        return None
    with uow:
        return uow.advisors.by_staff_id(staff_id)


def update_advisor(
    uow: ConsultUnitOfWork, principal: Principal, advisor_id: uuid.UUID, changes: dict[str, Any]
) -> Advisor:
    """An advisor edits their own profile; ops and admin edit anyone's."""
    with uow:
        advisor = uow.advisors.get(advisor_id)
        if advisor is None:
            raise NotFound(f"No advisor {advisor_id}.")
        may_edit_others = principal.has_any_role(frozenset({Role.OPS, Role.ADMIN}))
        if not may_edit_others and str(advisor.staff_id) != principal.subject:
            raise Forbidden("An advisor may edit only their own profile.")
        apply_changes(advisor, changes)
        uow.commit()
        return advisor


def apply_changes(advisor: Advisor, changes: dict[str, Any]) -> None:
    if "languages" in changes:
        advisor.languages = check_languages(changes["languages"])
    if "skills" in changes:
        advisor.skills = check_skills(changes["skills"])
    if "time_zone" in changes:
        zone(changes["time_zone"])
        advisor.time_zone = changes["time_zone"]
    if "weekly" in changes:
        advisor.weekly_hours = weekly_as_json(parse_weekly(changes["weekly"]))
    if "overrides" in changes:
        advisor.date_overrides = overrides_as_json(parse_overrides(changes["overrides"]))
    for key in ("store", "display_name", "slot_minutes", "buffer_minutes", "max_per_day", "active"):
        if key in changes:
            setattr(advisor, key, changes[key])
    if advisor.slot_minutes <= 0:
        raise Unprocessable("slot_minutes", "must be positive")
