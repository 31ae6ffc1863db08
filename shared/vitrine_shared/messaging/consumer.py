"""Idempotent event consumers: manual acks after the consumer's own transaction commits, with the
message id recorded in the inbox in that same transaction so a redelivery has no second effect."""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert

from vitrine_shared.context import bind_correlation_id, reset_correlation_id
from vitrine_shared.events import Envelope, EventData
from vitrine_shared.messaging.connection import close_quietly, connect, keep_connected
from vitrine_shared.messaging.tables import inbox
from vitrine_shared.messaging.topology import declare_consumer_queue, parked_queue_name
from vitrine_shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PARKS_HEADER = "x-vitrine-parks"
# What the broker wrote about earlier deliveries; a copy sent again starts afresh without them.
_BROKER_HEADERS = ("x-death", "x-first-death", "x-last-death", "x-delivery-count")


def fresh_copy(
    properties: BasicProperties, *, parks: int | None = None, expiration_ms: int | None = None
) -> BasicProperties:
    """Properties for sending a received message again (parked, or replayed from the dead
    letters): same message id, so the inbox still sees one event; the broker's delivery history
    dropped; `parks` set, or cleared when None."""
    earlier = properties.headers or {}
    headers = {key: value for key, value in earlier.items() if not key.startswith((*_BROKER_HEADERS, PARKS_HEADER))}
    if parks is not None:
        headers[PARKS_HEADER] = parks
    return BasicProperties(
        content_type=properties.content_type,
        delivery_mode=2,
        message_id=properties.message_id,
        correlation_id=properties.correlation_id,
        type=properties.type,
        headers=headers,
        expiration=str(expiration_ms) if expiration_ms is not None else None,
    )


Handler = Callable[[Any, Any], None]
"""`handler(event_data, uow)`: a plain function; the consumer commits the unit of work after it."""


@dataclass(frozen=True)
class Subscription:
    """One queue of a service and the handler for each event type it receives."""

    queue: str
    handlers: Mapping[str, Handler]


class Outcome(Enum):
    ACK = "ack"  # done, or a duplicate, or nothing to do
    RETRY = "retry"  # failed; redeliver (counts towards the delivery limit)
    DEAD = "dead"  # can never succeed (malformed); dead-letter now


class EventConsumer:
    def __init__(
        self,
        subscription: Subscription,
        *,
        uow_factory: Callable[[], UnitOfWork],
        amqp_url: str,
        prefetch: int = 50,
        delivery_limit: int = 5,
        park_seconds: float = 30.0,
        max_parks: int = 20,
    ) -> None:
        self.subscription = subscription
        self.uow_factory = uow_factory
        self.amqp_url = amqp_url
        self.prefetch = prefetch
        self.delivery_limit = delivery_limit
        self.park_seconds = park_seconds
        self.max_parks = max_parks

    @property
    def queue(self) -> str:
        return self.subscription.queue

    def handle(self, body: bytes) -> Outcome:
        """Process one message body; pure of pika, so tests can drive it directly."""
        try:
            envelope = Envelope.model_validate_json(body)
        except ValidationError as exc:
            log.error("malformed envelope; dead-lettering", extra={"queue": self.queue, "error": str(exc)[:500]})
            return Outcome.DEAD
        handler = self.subscription.handlers.get(envelope.type)
        if handler is None:
            log.info("no handler for event type; acking", extra={"queue": self.queue, "event_type": envelope.type})
            return Outcome.ACK
        try:
            data: EventData = envelope.payload()
        except (LookupError, ValidationError) as exc:
            log.error(
                "event data does not match its schema; dead-lettering",
                extra={"queue": self.queue, "event_id": str(envelope.id), "error": str(exc)[:500]},
            )
            return Outcome.DEAD
        token = bind_correlation_id(envelope.correlation_id)
        try:
            with self.uow_factory() as uow:
                uow.causation_id = str(envelope.id)
                recorded = uow.session.execute(
                    insert(inbox)
                    .values(consumer=self.queue, message_id=envelope.id, event_type=envelope.type)
                    .on_conflict_do_nothing()
                    .returning(inbox.c.message_id)
                ).first()
                if recorded is None:
                    log.info("duplicate event ignored", extra={"queue": self.queue, "event_id": str(envelope.id)})
                    return Outcome.ACK
                handler(data, uow)
                uow.commit()
            return Outcome.ACK
        except Exception:
            log.exception("event handler failed", extra={"queue": self.queue, "event_id": str(envelope.id)})
            return Outcome.RETRY
        finally:
            reset_correlation_id(token)

    def run(self, stop: threading.Event) -> None:
        keep_connected(stop, self._consume_until_stopped, name=self.queue)

    def _consume_until_stopped(self, stop: threading.Event) -> None:
        connection = connect(self.amqp_url, name=f"{self.queue}-consumer")
        try:
            channel = connection.channel()
            channel.confirm_delivery()  # a parked copy is confirmed before its original is acked
            declare_consumer_queue(
                channel, self.queue, sorted(self.subscription.handlers), delivery_limit=self.delivery_limit
            )
            channel.basic_qos(prefetch_count=self.prefetch)
            channel.basic_consume(self.queue, on_message_callback=self._on_message, auto_ack=False)
            log.info("consumer connected", extra={"queue": self.queue})
            while not stop.is_set():
                connection.process_data_events(time_limit=0.5)
        finally:
            close_quietly(connection)

    def _on_message(
        self, channel: BlockingChannel, method: Basic.Deliver, properties: BasicProperties, body: bytes
    ) -> None:
        outcome = self.handle(body)
        if outcome is Outcome.ACK:
            channel.basic_ack(method.delivery_tag)
            return
        if outcome is Outcome.RETRY:
            headers = properties.headers or {}
            deliveries = int(headers.get("x-delivery-count", 0))
            parks = int(headers.get(PARKS_HEADER, 0))
            if deliveries >= self.delivery_limit and parks < self.max_parks:
                self._park(channel, properties, body, parks + 1)
                channel.basic_ack(method.delivery_tag)
                return
            # A short, growing pause so a passing hiccup does not burn the quick redeliveries in
            # a few milliseconds. Bounded well below the heartbeat.
            time.sleep(min(0.2 * 2**deliveries, 2.0))
        # Past its parks (or never parkable), a failing message takes its last redelivery and the
        # broker's delivery limit dead-letters it to `<queue>.dead`.
        channel.basic_nack(method.delivery_tag, requeue=outcome is Outcome.RETRY)

    def _park(self, channel: BlockingChannel, properties: BasicProperties, body: bytes, parks: int) -> None:
        """A copy waits in `<queue>.parked`, then comes back as a fresh delivery: an outage longer
        than the quick redeliveries (a database restart, a failover) costs time, not a message.
        The copy keeps its message id, so the inbox still sees one event."""
        copy = fresh_copy(properties, parks=parks, expiration_ms=int(self.park_seconds * 1000))
        channel.basic_publish("", parked_queue_name(self.queue), body, copy)
        log.warning(
            "event handler keeps failing; parked",
            extra={"queue": self.queue, "message_id": properties.message_id, "parks": parks, "of": self.max_parks},
        )
