"""Advisor profiles from identity's event, and the seed's email-keyed profiles reconciled with it."""

import uuid

import pytest

from consult.service_layer.advisors import ensure_advisor, on_staff_registered
from vitrine_shared.events.contracts import StaffRegistered
from vitrine_shared.events.envelope import Envelope
from vitrine_shared.messaging.consumer import EventConsumer, Outcome, Subscription

pytestmark = pytest.mark.integration


def registered(email: str, roles: list[str], staff_id: uuid.UUID | None = None) -> StaffRegistered:
    return StaffRegistered(staff_id=staff_id or uuid.uuid4(), email=email, display_name="Test Advisor", roles=roles)


def test_event_creates_a_profile_only_for_advisors(container) -> None:
    tag = uuid.uuid4().hex[:8]
    with container.uow() as uow:
        on_staff_registered(registered(f"a-{tag}@vitrine.test", ["advisor"]), uow)
        on_staff_registered(registered(f"o-{tag}@vitrine.test", ["ops"]), uow)
        uow.commit()
    with container.uow() as uow:
        created = uow.advisors.by_email(f"a-{tag}@vitrine.test")
        assert created is not None and uow.advisors.by_email(f"o-{tag}@vitrine.test") is None
        # Not bookable until someone sets their hours and skills.
        assert created.weekly_hours == {} and created.skills == []
        created.active = False  # keep the development database's listings to the demo advisors
        uow.commit()


def test_a_profile_seeded_by_email_is_linked_when_the_event_arrives(container) -> None:
    email = f"seeded-{uuid.uuid4().hex[:8]}@vitrine.test"
    with container.uow() as uow:
        seeded, outcome = ensure_advisor(uow, email=email, display_name="Seeded", defaults={"skills": ["shoes"]})
        uow.commit()
    assert outcome == "created" and seeded.staff_id is None
    staff_id = uuid.uuid4()
    with container.uow() as uow:
        on_staff_registered(registered(email.upper(), ["advisor"], staff_id), uow)
        uow.commit()
    with container.uow() as uow:
        linked = uow.advisors.by_staff_id(staff_id)
        assert linked is not None and linked.id == seeded.id and linked.skills == ["shoes"]
        # The seed running again finds the same row by email or id; nothing is duplicated.
        again, outcome = ensure_advisor(uow, email=email, display_name="Seeded", staff_id=staff_id)
        assert again.id == seeded.id and outcome == "exists"
        again.active = False
        uow.commit()


def test_the_consumer_applies_a_redelivered_event_once(container) -> None:
    email = f"dup-{uuid.uuid4().hex[:8]}@vitrine.test"
    consumer = EventConsumer(
        Subscription(queue="consult.advisors-test", handlers={StaffRegistered.event_type: on_staff_registered}),
        uow_factory=container.uow,
        amqp_url=container.settings.amqp_url,
    )
    body = Envelope.wrap(registered(email, ["advisor"]), producer="identity", correlation_id="t").model_dump_json()
    assert consumer.handle(body.encode()) is Outcome.ACK
    assert consumer.handle(body.encode()) is Outcome.ACK
    with container.uow() as uow:
        created = uow.advisors.by_email(email)
        assert created is not None
        created.active = False
        uow.commit()
