"""Booking against the real database: slots, booking, round robin, concurrency, DST, refusals,
reminders."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from consult.service_layer import booking as booking_service
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration


def future_slot(days: int = 3, hour: int = 15) -> datetime:
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def booking_body(category: str, starts_at: datetime, **extra) -> dict:
    return {
        "starts_at": starts_at.isoformat(),
        "mode": "video",
        "language": "fr",
        "category": category,
        "time_zone": "America/Montreal",
        "shopper": {"name": "Marie Client", "email": f"marie-{uuid.uuid4().hex[:6]}@example.test"},
        **extra,
    }


def test_slots_list_in_the_shoppers_zone_and_a_listed_slot_books(client: TestClient, make_advisor) -> None:
    advisor = make_advisor(weekly_hours={d: [["10:00", "12:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    category = advisor.skills[0]
    start = future_slot(days=2, hour=0)
    listed = client.get(
        "/api/consult/slots",
        params={
            "category": category,
            "time_zone": "Europe/Paris",
            "from": start.isoformat(),
            "to": (start + timedelta(days=7)).isoformat(),
        },
    )
    assert listed.status_code == 200, listed.text
    slots = listed.json()["slots"]
    assert len(slots) == 5 * 4  # five weekdays, four half hours each
    first = slots[0]
    assert first["local_starts_at"].endswith("+01:00")  # Paris in winter
    created = client.post(
        "/api/consult/bookings", json=booking_body(category, datetime.fromisoformat(first["starts_at"]))
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["advisor_id"] == str(advisor.id) and body["token"]
    again = client.get(
        "/api/consult/slots",
        params={"category": category, "from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()},
    )
    assert first["starts_at"] not in [s["starts_at"] for s in again.json()["slots"]]
    with client.app.state.container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == "consult.booking.created")).all()
    assert any(row.envelope["data"]["booking_id"] == body["id"] for row in rows)


def test_fifty_concurrent_bookings_of_one_slot_one_wins_the_rest_get_409(live_url: str, make_advisor) -> None:
    advisor = make_advisor()
    starts_at = future_slot(days=4, hour=16)
    body = booking_body(advisor.skills[0], starts_at)

    def attempt(_: int) -> int:
        with httpx.Client(base_url=live_url, timeout=60) as http:
            return http.post("/api/consult/bookings", json=body).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(attempt, range(50)))
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 49, statuses


def test_the_exclusion_constraint_refuses_an_overlap_even_past_the_locks(container, make_advisor) -> None:
    from consult.domain.model import Booking

    advisor = make_advisor()
    starts_at = future_slot(days=5)
    rows = []
    for _ in range(2):
        rows.append(
            Booking(
                advisor_id=advisor.id,
                mode="video",
                language="fr",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=30),
                buffer_until=starts_at + timedelta(minutes=30),
                shopper_name="x",
                shopper_email="x@example.test",
                token_digest=uuid.uuid4().hex,
            )
        )
    from sqlalchemy.exc import IntegrityError

    with container.uow() as uow:
        uow.bookings.add(rows[0])
        uow.commit()
    with container.uow() as uow, pytest.raises(IntegrityError, match="ex_bookings_no_overlap"):
        uow.bookings.add(rows[1])
        uow.commit()


def test_round_robin_gives_the_slot_to_the_least_recently_booked(container, make_advisor) -> None:
    category = f"rr-{uuid.uuid4().hex[:8]}"
    first, second = make_advisor(skills=[category]), make_advisor(skills=[category])
    query = booking_service.SlotQuery(start=future_slot(), end=future_slot(), language="en", category=category)
    shopper = booking_service.ShopperDetails(name="S", email="s@example.test")
    assigned = []
    for hour in (14, 15, 16, 17):
        receipt = booking_service.book(
            container.uow(), query, starts_at=future_slot(days=3, hour=hour), shopper=shopper
        )
        assigned.append(receipt.advisor.id)
    assert set(assigned[:2]) == {first.id, second.id}
    assert assigned[2] == assigned[0] and assigned[3] == assigned[1]
    # Two bookings at the same time go to the two advisors; the third is a clean 409.
    both = future_slot(days=3, hour=20)
    a = booking_service.book(container.uow(), query, starts_at=both, shopper=shopper)
    b = booking_service.book(container.uow(), query, starts_at=both, shopper=shopper)
    assert {a.advisor.id, b.advisor.id} == {first.id, second.id}
    from vitrine_shared.problems import Conflict

    with pytest.raises(Conflict):
        booking_service.book(container.uow(), query, starts_at=both, shopper=shopper)


def test_booking_across_the_montreal_spring_change(client: TestClient, make_advisor) -> None:
    advisor = make_advisor(weekly_hours={"fri": [["10:00", "11:00"]], "mon": [["10:00", "11:00"]]})
    category = advisor.skills[0]
    # 14 March 2027: Montreal springs forward. 10:00 local is 15:00 UTC on Friday, 14:00 on Monday.
    friday = client.post("/api/consult/bookings", json=booking_body(category, datetime(2027, 3, 12, 15, tzinfo=UTC)))
    monday_wrong = client.post(
        "/api/consult/bookings", json=booking_body(category, datetime(2027, 3, 15, 15, 30, tzinfo=UTC))
    )
    monday = client.post(
        "/api/consult/bookings",
        json=booking_body(category, datetime.fromisoformat("2027-03-15T10:00:00-04:00")),
    )
    assert friday.status_code == 201, friday.text
    assert monday_wrong.status_code == 422  # 11:30 local: after closing
    assert monday.status_code == 201, monday.text
    assert monday.json()["local_starts_at"] == "2027-03-15T10:00:00-04:00"
    # Seen from Paris (which changes two weeks later), the gap between the zones shrinks to 5 hours.
    listed = client.get(
        "/api/consult/slots",
        params={
            "category": category,
            "time_zone": "Europe/Paris",
            "from": "2027-03-12T00:00:00Z",
            "to": "2027-03-17T00:00:00Z",
        },
    ).json()["slots"]
    local = [s["local_starts_at"] for s in listed]
    assert local == ["2027-03-12T16:30:00+01:00", "2027-03-15T15:30:00+01:00"]


def test_booking_across_the_paris_autumn_change(client: TestClient, make_advisor) -> None:
    advisor = make_advisor(
        time_zone="Europe/Paris", weekly_hours={"sat": [["09:00", "10:00"]], "mon": [["09:00", "10:00"]]}
    )
    category = advisor.skills[0]
    listed = client.get(
        "/api/consult/slots",
        params={
            "category": category,
            "time_zone": "America/Montreal",
            "from": "2027-10-29T00:00:00Z",
            "to": "2027-11-02T00:00:00Z",
        },
    ).json()["slots"]
    # 31 October 2027 Paris falls back; Montreal only on 7 November: 09:00 Paris is 03:00 then 04:00 in Montreal.
    assert [s["starts_at"] for s in listed][::2] == ["2027-10-30T07:00:00Z", "2027-11-01T08:00:00Z"]
    assert [s["local_starts_at"] for s in listed][::2] == ["2027-10-30T03:00:00-04:00", "2027-11-01T04:00:00-04:00"]


def test_reschedule_and_cancel_need_the_bookings_own_token(client: TestClient, make_advisor) -> None:
    advisor = make_advisor()
    category = advisor.skills[0]
    mine = client.post("/api/consult/bookings", json=booking_body(category, future_slot(days=6, hour=14))).json()
    theirs = client.post("/api/consult/bookings", json=booking_body(category, future_slot(days=6, hour=16))).json()
    # Another shopper's token never reaches my booking: a plain 404, no hint it exists.
    stolen = client.get(f"/api/consult/bookings/{mine['id']}", headers={"X-Booking-Token": theirs["token"]})
    assert stolen.status_code == 404
    assert client.get(f"/api/consult/bookings/{mine['id']}").status_code == 422  # no token at all
    assert (
        client.post(
            f"/api/consult/bookings/{mine['id']}/cancel", headers={"X-Booking-Token": theirs["token"]}
        ).status_code
        == 404
    )
    headers = {"X-Booking-Token": mine["token"]}
    moved = client.post(
        f"/api/consult/bookings/{mine['id']}/reschedule",
        json={"starts_at": future_slot(days=6, hour=18).isoformat()},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"].startswith(future_slot(days=6, hour=18).strftime("%Y-%m-%dT%H"))
    # Onto the other booking's time: taken.
    clash = client.post(
        f"/api/consult/bookings/{mine['id']}/reschedule",
        json={"starts_at": theirs["starts_at"]},
        headers=headers,
    )
    assert clash.status_code == 409
    cancelled = client.post(f"/api/consult/bookings/{mine['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    twice = client.post(f"/api/consult/bookings/{mine['id']}/cancel", headers=headers)
    assert twice.status_code == 409 and twice.json()["current_state"] == "cancelled"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mode": "carrier-pigeon"}, "mode"),
        ({"starts_at": "2020-01-01T10:00:00Z"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),  # no offset: ambiguous
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"mode": "phone"}, "shopper.phone"),
        ({"shopper": {"name": "x", "email": "not-an-email"}}, "shopper.email"),
        ({"language": "de"}, "language"),
    ],
)
def test_bad_booking_input_is_422_naming_the_field(client: TestClient, make_advisor, change: dict, field: str) -> None:
    advisor = make_advisor()
    body = {**booking_body(advisor.skills[0], future_slot(days=2)), **change}
    response = client.post("/api/consult/bookings", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_a_time_outside_availability_is_refused(client: TestClient, make_advisor) -> None:
    advisor = make_advisor(weekly_hours={"mon": [["10:00", "11:00"]]})
    day = future_slot(days=8)
    response = client.post(
        "/api/consult/bookings", json=booking_body(advisor.skills[0], day.replace(hour=3, minute=17))
    )
    assert response.status_code == 422
    assert "not a slot" in response.json()["errors"][0]["message"]


def test_staff_routes_refuse_shoppers_and_other_advisors(client: TestClient, make_advisor, staff_token) -> None:
    advisor = make_advisor()
    assert client.get("/api/consult/advisors").status_code == 401
    shopper = staff_token("shopper")
    assert client.get("/api/consult/advisors", headers={"Authorization": f"Bearer {shopper}"}).status_code == 403
    other = staff_token("advisor")
    edit = client.patch(
        f"/api/consult/advisors/{advisor.id}", json={"buffer_minutes": 5}, headers={"Authorization": f"Bearer {other}"}
    )
    assert edit.status_code == 403
    agenda = client.get(f"/api/consult/advisors/{advisor.id}/bookings", headers={"Authorization": f"Bearer {other}"})
    assert agenda.status_code == 403
    own = staff_token("advisor", subject=str(advisor.staff_id))
    mine = client.patch(
        f"/api/consult/advisors/{advisor.id}",
        json={"buffer_minutes": 5, "overrides": {"2027-12-25": []}, "weekly": {"mon": [["09:00", "12:00"]]}},
        headers={"Authorization": f"Bearer {own}"},
    )
    assert mine.status_code == 200, mine.text
    assert mine.json()["weekly_hours"] == {"mon": [["09:00", "12:00"]]}
    bad = client.patch(
        f"/api/consult/advisors/{advisor.id}",
        json={"weekly": {"mon": [["12:00", "09:00"]]}},
        headers={"Authorization": f"Bearer {own}"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "weekly.mon"


def test_reminders_are_published_once_for_bookings_starting_soon(container, make_advisor) -> None:
    advisor = make_advisor()
    query = booking_service.SlotQuery(start=future_slot(), end=future_slot(), language="en", category=advisor.skills[0])
    soon = (datetime.now(UTC) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    receipt = booking_service.book(
        container.uow(), query, starts_at=soon, shopper=booking_service.ShopperDetails(name="S", email="s@example.test")
    )
    booking_service.publish_due_reminders(container.uow())
    booking_service.publish_due_reminders(container.uow())
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == "consult.booking.reminder_due")).all()
    assert sum(1 for row in rows if row.envelope["data"]["booking_id"] == str(receipt.booking.id)) == 1
