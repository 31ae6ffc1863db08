"""Outbox -> relay -> broker -> idempotent consumer, against raw pika doing the same trip.

Baseline (same run, same broker): a publisher with confirms and persistent messages into a quorum
queue, a consumer with manual acks; no database. Ours: each event committed in its own
transaction with the outbox, published by the relay, consumed with the inbox and a handler that
writes one row. Figures: throughput for a burst (producer included), the relay and consumer
draining a committed backlog, and end-to-end latency one event at a time.
"""

import os
import statistics
import threading
import time
import uuid

import pika
from sqlalchemy import Column, Integer, MetaData, Table, func, select
from sqlalchemy.dialects.postgresql import UUID

from bench.results import write_result
from bench.support import percentile
from vitrine_shared.db import make_engine, make_session_factory
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import ProbeSent
from vitrine_shared.messaging.connection import connect
from vitrine_shared.messaging.consumer import EventConsumer, Subscription
from vitrine_shared.messaging.relay import OutboxRelay
from vitrine_shared.messaging.tables import messaging_metadata
from vitrine_shared.messaging.topology import declare_consumer_queue
from vitrine_shared.unit_of_work import UnitOfWork

DATABASE_URL = os.environ.get(
    "VITRINE_TEST_DATABASE_URL", "postgresql+psycopg://vitrine_test:vitrine_test@127.0.0.1:55432/vitrine_test"
)
AMQP_URL = os.environ.get("VITRINE_TEST_AMQP_URL", "amqp://vitrine:vitrine@127.0.0.1:5672/%2F")
BURST = int(os.environ.get("BENCH_MESSAGING_BURST", "2000"))
LATENCY_SAMPLES = int(os.environ.get("BENCH_MESSAGING_SAMPLES", "100"))
TIME_LIMIT_S = 180

metadata = MetaData()
effects = Table(
    "bench_effects",
    metadata,
    Column("probe_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
)


def sample_body(sequence: int) -> bytes:
    envelope = Envelope.wrap(ProbeSent(probe_id=uuid.uuid4(), sequence=sequence), producer="bench", correlation_id="b")
    return envelope.model_dump_json().encode()


class RawPika:
    """The baseline: publish with confirms, consume with manual acks, nothing else."""

    def __init__(self) -> None:
        self.queue = f"bench.raw.{uuid.uuid4().hex[:8]}"
        connection = connect(AMQP_URL, name="bench-raw-setup")
        connection.channel().queue_declare(self.queue, durable=True, arguments={"x-queue-type": "quorum"})
        connection.close()

    def consume(self, count: int, done: threading.Event, stamps: dict[int, float]) -> None:
        connection = connect(AMQP_URL, name="bench-raw-consumer")
        channel = connection.channel()
        channel.basic_qos(prefetch_count=50)
        received = 0

        def on_message(ch, method, properties, body) -> None:  # noqa: ANN001
            nonlocal received
            stamps[int(properties.message_id)] = time.perf_counter()
            ch.basic_ack(method.delivery_tag)
            received += 1
            if received >= count:
                ch.stop_consuming()

        channel.basic_consume(self.queue, on_message)
        done.set()
        channel.start_consuming()
        connection.close()

    def run(self, count: int, *, one_at_a_time: bool) -> tuple[float, list[float]]:
        stamps: dict[int, float] = {}
        ready = threading.Event()
        consumer = threading.Thread(target=self.consume, args=(count, ready, stamps), daemon=True)
        consumer.start()
        ready.wait(10)
        connection = connect(AMQP_URL, name="bench-raw-publisher")
        channel = connection.channel()
        channel.confirm_delivery()
        sent: dict[int, float] = {}
        started = time.perf_counter()
        for sequence in range(count):
            sent[sequence] = time.perf_counter()
            channel.basic_publish(
                "", self.queue, sample_body(sequence), pika.BasicProperties(delivery_mode=2, message_id=str(sequence))
            )
            if one_at_a_time:
                while sequence not in stamps:
                    time.sleep(0.0005)
        consumer.join(TIME_LIMIT_S)
        elapsed = time.perf_counter() - started
        connection.close()
        return elapsed, [stamps[s] - sent[s] for s in sent if s in stamps]

    def close(self) -> None:
        connection = connect(AMQP_URL, name="bench-raw-cleanup")
        connection.channel().queue_delete(self.queue)
        connection.close()


class Pipeline:
    """Ours: outbox in the producer's transaction, relay, consumer with inbox and a handler."""

    def __init__(self) -> None:
        self.engine = make_engine(DATABASE_URL, application_name="bench")
        messaging_metadata.create_all(self.engine)
        metadata.create_all(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.queue = f"bench.pipeline.{uuid.uuid4().hex[:8]}"
        connection = connect(AMQP_URL, name="bench-setup")
        declare_consumer_queue(connection.channel(), self.queue, [ProbeSent.event_type], delivery_limit=5)
        connection.close()
        self.stop = threading.Event()
        relay = OutboxRelay(engine=self.engine, amqp_url=AMQP_URL, name="bench", poll_interval=1.0)
        consumer = EventConsumer(
            Subscription(queue=self.queue, handlers={ProbeSent.event_type: self.record}),
            uow_factory=self.uow,
            amqp_url=AMQP_URL,
            prefetch=50,
        )
        self.threads = [threading.Thread(target=w.run, args=(self.stop,), daemon=True) for w in (relay, consumer)]
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # connected

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, producer="bench")

    @staticmethod
    def record(event: ProbeSent, uow: UnitOfWork) -> None:
        uow.session.execute(effects.insert().values(probe_id=event.probe_id, sequence=event.sequence))

    def count(self, probe: uuid.UUID) -> int:
        with self.engine.connect() as db:
            return db.execute(select(func.count()).select_from(effects).where(effects.c.probe_id == probe)).scalar_one()

    def drain(self, count: int) -> float:
        """Relay and consumer alone: `count` events committed in one transaction, then the time
        until every effect is written."""
        probe = uuid.uuid4()
        with self.uow() as uow:
            for sequence in range(count):
                uow.publish(ProbeSent(probe_id=probe, sequence=sequence))
            uow.commit()
        started = time.perf_counter()
        deadline = started + TIME_LIMIT_S
        while self.count(probe) < count and time.perf_counter() < deadline:
            time.sleep(0.01)
        return time.perf_counter() - started

    def run(self, count: int, *, one_at_a_time: bool) -> tuple[float, list[float]]:
        probe = uuid.uuid4()
        latencies: list[float] = []
        started = time.perf_counter()
        deadline = started + TIME_LIMIT_S
        for sequence in range(count):
            sent = time.perf_counter()
            with self.uow() as uow:
                uow.publish(ProbeSent(probe_id=probe, sequence=sequence))
                uow.commit()
            if one_at_a_time:
                while self.count(probe) <= sequence and time.perf_counter() < deadline:
                    time.sleep(0.0005)
                latencies.append(time.perf_counter() - sent)
        while self.count(probe) < count and time.perf_counter() < deadline:
            time.sleep(0.01)
        return time.perf_counter() - started, latencies

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(10)
        connection = connect(AMQP_URL, name="bench-cleanup")
        for queue in (self.queue, f"{self.queue}.dead"):
            connection.channel().queue_delete(queue)
        connection.close()
        self.engine.dispose()


def main() -> None:
    raw, ours = RawPika(), Pipeline()
    try:
        print(f"messaging: burst of {BURST}, raw pika ...", flush=True)
        raw_burst_s, _ = raw.run(BURST, one_at_a_time=False)
        print(f"messaging: burst of {BURST}, outbox pipeline ...", flush=True)
        ours_burst_s, _ = ours.run(BURST, one_at_a_time=False)
        print(f"messaging: {BURST} committed at once, relay and consumer draining ...", flush=True)
        drain_s = ours.drain(BURST)
        print(f"messaging: {LATENCY_SAMPLES} one at a time, raw pika ...", flush=True)
        _, raw_latency = raw.run(LATENCY_SAMPLES, one_at_a_time=True)
        print(f"messaging: {LATENCY_SAMPLES} one at a time, outbox pipeline ...", flush=True)
        _, ours_latency = ours.run(LATENCY_SAMPLES, one_at_a_time=True)
    finally:
        raw.close()
        ours.close()
    figures = {
        "raw_msgs_per_s": BURST / raw_burst_s,
        "pipeline_msgs_per_s": BURST / ours_burst_s,
        "pipeline_drain_msgs_per_s": BURST / drain_s,
        "raw_latency_p50_ms": statistics.median(raw_latency) * 1000,
        "raw_latency_p95_ms": percentile(raw_latency, 0.95) * 1000,
        "pipeline_latency_p50_ms": statistics.median(ours_latency) * 1000,
        "pipeline_latency_p95_ms": percentile(ours_latency, 0.95) * 1000,
    }
    ratios = {
        "throughput_pipeline_over_raw": figures["pipeline_msgs_per_s"] / figures["raw_msgs_per_s"],
        "drain_pipeline_over_raw": figures["pipeline_drain_msgs_per_s"] / figures["raw_msgs_per_s"],
        "latency_p95_pipeline_over_raw": figures["pipeline_latency_p95_ms"] / figures["raw_latency_p95_ms"],
    }
    targets = {
        "throughput_pipeline_over_raw": {"min": 0.25},
        "drain_pipeline_over_raw": {"min": 0.5},
        "latency_p95_pipeline_over_raw": {"max": 10.0},
    }
    path = write_result(
        "messaging",
        inputs={"burst": BURST, "latency_samples": LATENCY_SAMPLES, "events_per_transaction": 1},
        figures=figures,
        ratios=ratios,
        targets=targets,
    )
    for key, value in {**figures, **ratios}.items():
        print(f"  {key:34} {value:10.2f}")
    print(f"messaging: wrote {path}")


if __name__ == "__main__":
    main()
