"""Fixtures for the shared library's tests. Integration tests use the real PostgreSQL and RabbitMQ
of the local run, in a database of their own (`vitrine_test`) and queues with unique names."""

import os
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pika
import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, func, select
from sqlalchemy.dialects.postgresql import UUID

from vitrine_shared.db import make_engine, make_session_factory
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import ProbeSent
from vitrine_shared.messaging.connection import connect
from vitrine_shared.messaging.consumer import EventConsumer, Handler, Subscription
from vitrine_shared.messaging.relay import OutboxRelay
from vitrine_shared.messaging.tables import messaging_metadata, outbox
from vitrine_shared.messaging.topology import (
    EVENTS_EXCHANGE,
    dead_letter_queue_name,
    declare_consumer_queue,
    parked_queue_name,
)
from vitrine_shared.unit_of_work import UnitOfWork

REPO = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get(
    "VITRINE_TEST_DATABASE_URL", "postgresql+psycopg://vitrine_test:vitrine_test@127.0.0.1:55432/vitrine_test"
)
AMQP_URL = os.environ.get("VITRINE_TEST_AMQP_URL", "amqp://vitrine:vitrine@127.0.0.1:5672/%2F")

effects_metadata = MetaData()
# No unique constraint on purpose: a doubled effect must show up as a second row.
probe_effects = Table(
    "probe_effects",
    effects_metadata,
    Column("probe_id", UUID(as_uuid=True), nullable=False),
    Column("sequence", Integer, nullable=False),
)


def record_probe(event: ProbeSent, uow: UnitOfWork) -> None:
    uow.session.execute(probe_effects.insert().values(probe_id=event.probe_id, sequence=event.sequence))


class Messaging:
    """One test's view of the real broker and database: a unique queue, background threads that
    stop with the test, and the probes' effects."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = make_session_factory(engine)
        self.queue = f"test.{uuid.uuid4().hex[:12]}"
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, producer="shared-tests")

    record_probe = staticmethod(record_probe)
    amqp_url = AMQP_URL

    # --- broker ----------------------------------------------------------------------------

    def declare_queue(self, delivery_limit: int = 3) -> None:
        connection = connect(AMQP_URL, name="test-declare")
        declare_consumer_queue(connection.channel(), self.queue, [ProbeSent.event_type], delivery_limit=delivery_limit)
        connection.close()

    def publish_raw(self, body: bytes, message_id: str = "raw") -> None:
        connection = connect(AMQP_URL, name="test-raw-publish")
        channel = connection.channel()
        channel.confirm_delivery()
        properties = pika.BasicProperties(delivery_mode=2, message_id=message_id, content_type="application/json")
        channel.basic_publish(EVENTS_EXCHANGE, ProbeSent.event_type, body, properties)
        connection.close()

    def publish_probe(self, *, sequence: int, correlation_id: str) -> tuple[uuid.UUID, Envelope]:
        """One probe event straight to the broker (no outbox): its probe id and envelope."""
        probe = uuid.uuid4()
        envelope = Envelope.wrap(
            ProbeSent(probe_id=probe, sequence=sequence), producer="test", correlation_id=correlation_id
        )
        self.publish_raw(envelope.model_dump_json().encode(), str(envelope.id))
        return probe, envelope

    def dead_letter_count(self) -> int:
        connection = connect(AMQP_URL, name="test-peek")
        try:
            declared = connection.channel().queue_declare(dead_letter_queue_name(self.queue), passive=True)
            return declared.method.message_count
        finally:
            connection.close()

    def take_dead_letter(self) -> tuple[pika.BasicProperties, bytes]:
        connection = connect(AMQP_URL, name="test-dead-letters")
        try:
            method, properties, body = connection.channel().basic_get(dead_letter_queue_name(self.queue), auto_ack=True)
            assert method is not None, f"no message in {dead_letter_queue_name(self.queue)}"
            return properties, body
        finally:
            connection.close()

    @staticmethod
    def rabbitmqctl(*args: str) -> None:
        subprocess.run([str(REPO / "ops" / "rabbitmqctl"), *args], check=True, capture_output=True, timeout=120)

    # --- workers ---------------------------------------------------------------------------

    def start_relay(self) -> None:
        relay = OutboxRelay(
            engine=self.engine, amqp_url=AMQP_URL, name="shared-tests", batch_size=50, poll_interval=0.2
        )
        self._start(relay.run)

    def start_consumer(
        self, handler: Handler = record_probe, delivery_limit: int = 3, *, max_parks: int = 0, park_seconds: float = 0.5
    ) -> None:
        consumer = EventConsumer(
            Subscription(queue=self.queue, handlers={ProbeSent.event_type: handler}),
            uow_factory=self.uow,
            amqp_url=AMQP_URL,
            prefetch=20,
            delivery_limit=delivery_limit,
            park_seconds=park_seconds,
            max_parks=max_parks,
        )
        self._start(consumer.run)

    def _start(self, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=target, args=(self.stop,), daemon=True)
        thread.start()
        self.threads.append(thread)

    # --- database --------------------------------------------------------------------------

    def publish_probes(self, probe_id: uuid.UUID, sequences: range) -> None:
        with self.uow() as uow:
            for sequence in sequences:
                uow.publish(ProbeSent(probe_id=probe_id, sequence=sequence))
            uow.commit()

    def effects(self, probe_id: uuid.UUID) -> list[int]:
        with self.engine.connect() as db:
            rows = db.execute(select(probe_effects.c.sequence).where(probe_effects.c.probe_id == probe_id))
            return sorted(row.sequence for row in rows)

    def unsent(self) -> int:
        with self.engine.connect() as db:
            query = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            return db.execute(query).scalar_one()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)
        connection = connect(AMQP_URL, name="test-cleanup")
        channel = connection.channel()
        for queue in (self.queue, dead_letter_queue_name(self.queue), parked_queue_name(self.queue)):
            channel.queue_delete(queue)
        connection.close()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    engine = make_engine(DATABASE_URL, application_name="shared-tests")
    messaging_metadata.drop_all(engine)
    effects_metadata.drop_all(engine)
    messaging_metadata.create_all(engine)
    effects_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def messaging(engine: Engine) -> Iterator[Messaging]:
    harness = Messaging(engine)
    yield harness
    harness.close()
