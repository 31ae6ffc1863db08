"""The messaging machinery against the real PostgreSQL and RabbitMQ: outbox -> relay -> broker ->
consumer, duplicates, poison messages, and a broker outage."""

import json
import threading
import time
import uuid

import pytest

from vitrine_shared.context import bind_correlation_id, current_correlation_id, reset_correlation_id
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import ProbeSent
from vitrine_shared.messaging import dead_letters
from vitrine_shared.testing import wait_until
from vitrine_shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration


def test_outbox_events_reach_the_consumer_once_each(messaging) -> None:
    messaging.declare_queue()
    probe = uuid.uuid4()
    messaging.publish_probes(probe, range(120))
    messaging.start_relay()
    messaging.start_consumer()
    wait_until(lambda: len(messaging.effects(probe)) >= 120, timeout=30, what="120 probe effects")
    time.sleep(0.5)  # anything doubled would land now
    assert messaging.effects(probe) == list(range(120))
    assert messaging.unsent() == 0


def test_rolled_back_work_publishes_nothing(messaging) -> None:
    before = messaging.unsent()
    with messaging.uow() as uow:
        uow.publish(ProbeSent(probe_id=uuid.uuid4()))
        uow.rollback()
    with messaging.uow() as uow:
        uow.publish(ProbeSent(probe_id=uuid.uuid4()))  # never committed: leaving the block rolls back
    assert messaging.unsent() == before


def test_a_message_delivered_twice_has_one_effect(messaging) -> None:
    messaging.declare_queue()
    probe = uuid.uuid4()
    envelope = Envelope.wrap(ProbeSent(probe_id=probe, sequence=7), producer="test", correlation_id="dup")
    body = envelope.model_dump_json().encode()
    messaging.publish_raw(body, str(envelope.id))
    messaging.publish_raw(body, str(envelope.id))
    messaging.start_consumer()
    wait_until(lambda: messaging.effects(probe) == [7], timeout=15, what="the first effect")
    time.sleep(1.0)
    assert messaging.effects(probe) == [7]


def test_a_consumer_that_always_fails_dead_letters_after_the_delivery_limit(messaging) -> None:
    attempts: list[int] = []

    def always_fails(event: ProbeSent, uow: UnitOfWork) -> None:
        attempts.append(event.sequence)
        raise RuntimeError("this handler never succeeds")

    messaging.declare_queue(delivery_limit=3)
    probe, envelope = messaging.publish_probe(sequence=1, correlation_id="poison")
    messaging.start_consumer(handler=always_fails, delivery_limit=3)
    wait_until(lambda: messaging.dead_letter_count() == 1, timeout=30, what="the message in the dead-letter queue")
    properties, body = messaging.take_dead_letter()
    assert json.loads(body)["id"] == str(envelope.id)
    assert properties.headers["x-first-death-reason"] == "delivery_limit"
    assert len(attempts) == 4  # the first delivery and three redeliveries
    assert messaging.effects(probe) == []


def test_an_outage_longer_than_the_quick_redeliveries_costs_time_not_the_message(messaging) -> None:
    attempts: list[float] = []

    def fails_for_a_while(event: ProbeSent, uow: UnitOfWork) -> None:
        attempts.append(time.monotonic())
        if len(attempts) <= 6:  # the first delivery, its 3 redeliveries, then 2 more after parking
            raise RuntimeError("the database is restarting")
        messaging.record_probe(event, uow)

    messaging.declare_queue(delivery_limit=3)
    probe, _ = messaging.publish_probe(sequence=3, correlation_id="outage")
    messaging.start_consumer(handler=fails_for_a_while, delivery_limit=3, max_parks=5, park_seconds=1.0)
    wait_until(lambda: messaging.effects(probe) == [3], timeout=45, what="the effect once the outage is over")
    assert len(attempts) == 7
    assert attempts[4] - attempts[3] >= 0.9, "the fifth attempt came before the parked copy's wait was over"
    assert messaging.dead_letter_count() == 0


def test_a_message_failing_past_its_parks_is_dead_lettered_with_its_id(messaging) -> None:
    attempts: list[int] = []

    def always_fails(event: ProbeSent, uow: UnitOfWork) -> None:
        attempts.append(event.sequence)
        raise RuntimeError("this handler never succeeds")

    messaging.declare_queue(delivery_limit=2)
    _, envelope = messaging.publish_probe(sequence=1, correlation_id="parks")
    messaging.start_consumer(handler=always_fails, delivery_limit=2, max_parks=2, park_seconds=0.3)
    wait_until(lambda: messaging.dead_letter_count() == 1, timeout=45, what="the message in the dead-letter queue")
    properties, body = messaging.take_dead_letter()
    assert json.loads(body)["id"] == str(envelope.id)
    assert properties.message_id == str(envelope.id)
    assert properties.headers["x-vitrine-parks"] == 2
    assert len(attempts) == 9  # three rounds (first + two parks) of the first delivery and two redeliveries


def test_a_malformed_message_is_dead_lettered_at_once(messaging) -> None:
    messaging.declare_queue()
    messaging.publish_raw(b'{"this is": "not an envelope"}')
    messaging.start_consumer()
    wait_until(lambda: messaging.dead_letter_count() == 1, timeout=15, what="the malformed message dead-lettered")
    properties, _ = messaging.take_dead_letter()
    assert properties.headers["x-first-death-reason"] == "rejected"


def test_events_written_while_the_broker_is_stopped_all_arrive_once(messaging) -> None:
    messaging.declare_queue()
    probe = uuid.uuid4()
    messaging.start_relay()
    messaging.start_consumer()
    messaging.publish_probes(probe, range(20))
    wait_until(lambda: len(messaging.effects(probe)) == 20, timeout=30, what="20 effects before the outage")

    messaging.rabbitmqctl("stop_app")
    try:
        for start in range(20, 120, 10):  # ten transactions while the broker is away
            messaging.publish_probes(probe, range(start, start + 10))
        time.sleep(1.0)
        assert messaging.unsent() >= 100, "nothing can have been published to a stopped broker"
    finally:
        messaging.rabbitmqctl("start_app")
        messaging.rabbitmqctl("await_startup")

    wait_until(lambda: len(messaging.effects(probe)) >= 120, timeout=90, what="all 120 effects after the outage")
    time.sleep(1.0)
    assert messaging.effects(probe) == list(range(120))
    wait_until(lambda: messaging.unsent() == 0, timeout=30, what="an empty outbox")


def test_the_correlation_id_travels_from_the_producer_to_the_handler(messaging) -> None:
    seen: list[str | None] = []

    def remember_correlation(event: ProbeSent, uow: UnitOfWork) -> None:
        seen.append(current_correlation_id())

    messaging.declare_queue()
    messaging.start_relay()
    messaging.start_consumer(handler=remember_correlation)
    token = bind_correlation_id("checkout-request-1234")
    try:
        messaging.publish_probes(uuid.uuid4(), range(1))
    finally:
        reset_correlation_id(token)
    wait_until(lambda: len(seen) == 1, timeout=15, what="the handler to run")
    assert seen == ["checkout-request-1234"]


def test_ops_see_a_dead_letter_and_replay_it_once_the_cause_is_fixed(messaging) -> None:
    broken = threading.Event()
    broken.set()

    def fails_while_broken(event: ProbeSent, uow: UnitOfWork) -> None:
        if broken.is_set():
            raise RuntimeError("a bug, fixed later")
        messaging.record_probe(event, uow)

    messaging.declare_queue(delivery_limit=1)
    probe, envelope = messaging.publish_probe(sequence=5, correlation_id="replay")
    messaging.start_consumer(handler=fails_while_broken, delivery_limit=1)
    wait_until(lambda: messaging.dead_letter_count() == 1, timeout=30, what="the message in the dead-letter queue")

    management = dead_letters.DEFAULT_MANAGEMENT_URL
    wait_until(
        lambda: (messaging.queue, 1) in dead_letters.dead_letter_queues(management, messaging.amqp_url),
        timeout=15,
        what="the dead-letter queue listed with its message (management API)",
    )
    [letter] = dead_letters.peek(messaging.amqp_url, messaging.queue, limit=5)
    assert letter.message_id == str(envelope.id)
    assert letter.reason == "delivery_limit" and letter.event_type == ProbeSent.event_type
    assert messaging.dead_letter_count() == 1, "showing a dead letter must leave it in place"

    broken.clear()
    assert dead_letters.replay(messaging.amqp_url, messaging.queue, limit=10) == 1
    wait_until(lambda: messaging.effects(probe) == [5], timeout=15, what="the replayed event's effect")
    assert messaging.dead_letter_count() == 0
    assert dead_letters.replay(messaging.amqp_url, messaging.queue, limit=10) == 0
