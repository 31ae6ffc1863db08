"""Consult's command line: `python -m consult.entrypoints.cli <command>`."""

import argparse
import sys
import uuid

import httpx

from consult.bootstrap import Container, bootstrap
from consult.service_layer.advisors import ensure_advisor

WEEKDAYS_9_TO_5 = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
DEMO_ADVISORS = [
    (
        "camille@vitrine.test",
        "Camille Tremblay",
        {
            "languages": ["en", "fr"],
            "skills": ["women", "dresses", "accessories"],
            "store": "montreal-centre",
            "time_zone": "America/Montreal",
            "weekly_hours": {**WEEKDAYS_9_TO_5, "sat": [["10:00", "16:00"]]},
            "date_overrides": {"2026-12-25": [], "2027-01-01": []},
        },
    ),
    (
        "noah@vitrine.test",
        "Noah Gagnon",
        {
            "languages": ["en", "fr"],
            "skills": ["men", "shoes", "outerwear"],
            "store": "montreal-centre",
            "time_zone": "America/Montreal",
            "weekly_hours": {
                "mon": [["12:00", "20:00"]],
                "tue": [["12:00", "20:00"]],
                "wed": [["12:00", "20:00"]],
                "thu": [["12:00", "21:00"]],
                "fri": [["12:00", "21:00"]],
            },
            "date_overrides": {"2026-12-25": [], "2026-12-24": [["10:00", "14:00"]]},
            "buffer_minutes": 15,
        },
    ),
    (
        "lea@vitrine.test",
        "Léa Roy",
        {
            "languages": ["fr"],
            "skills": ["women", "beauty", "accessories"],
            "store": "paris-marais",
            "time_zone": "Europe/Paris",
            "weekly_hours": {
                day: [["09:30", "12:30"], ["14:00", "18:00"]] for day in ("tue", "wed", "thu", "fri", "sat")
            },
            "date_overrides": {"2026-12-25": []},
            "max_per_day": 6,
        },
    ),
]


def _identity_staff_ids(container: Container) -> dict[str, uuid.UUID]:
    """The demo advisors' identity ids, read with the demo admin account (development only).
    Without them the profiles are keyed by email and linked when `staff.registered` arrives."""
    settings = container.settings
    base = settings.identity_url.rstrip("/")
    try:
        login = httpx.post(
            f"{base}/api/identity/tokens",
            json={"email": settings.seed_admin_email, "password": settings.seed_admin_password},
            timeout=5,
        )
        login.raise_for_status()
        staff = httpx.get(
            f"{base}/api/identity/staff",
            headers={"Authorization": f"Bearer {login.json()['access_token']}"},
            timeout=5,
        )
        staff.raise_for_status()
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        print(f"consult: identity not reachable for staff ids ({exc.__class__.__name__}); linking by email later")
        return {}
    return {member["email"]: uuid.UUID(member["id"]) for member in staff.json() if "advisor" in member["roles"]}


def seed() -> int:
    container = bootstrap()
    if not container.settings.is_development:
        print("consult: demo advisors exist only in development; nothing seeded.", file=sys.stderr)
        return 1
    staff_ids = _identity_staff_ids(container)
    for index, (email, name, profile) in enumerate(DEMO_ADVISORS, start=1):
        with container.uow() as uow:
            advisor, outcome = ensure_advisor(
                uow, email=email, display_name=name, staff_id=staff_ids.get(email), defaults=profile
            )
            if outcome != "created" and not advisor.skills:
                # Created from identity's event with the defaults: give it the demo profile once.
                for key, value in profile.items():
                    setattr(advisor, key, value)
                outcome += ", demo profile applied"
            uow.commit()
        linked = "linked to identity" if advisor.staff_id else "awaiting identity id"
        print(f"consult: advisor {index}/{len(DEMO_ADVISORS)} {email} ({advisor.time_zone}) {outcome}; {linked}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine-consult")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="create the demo advisor profiles and schedules (development only)")
    args = parser.parse_args(argv)
    if args.command == "seed":
        return seed()
    return 2


if __name__ == "__main__":
    sys.exit(main())
