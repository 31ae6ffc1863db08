"""The outbox relay: publishes unsent outbox rows with publisher confirms and marks each row sent
only after the broker has acknowledged it. Several relays may run at once (`SKIP LOCKED`)."""

import json
import logging
import threading
import time
from typing import Any

import pika
import psycopg
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import Engine, func, select, update

from vitrine_shared.context import CORRELATION_HEADER
from vitrine_shared.db import libpq_url
from vitrine_shared.messaging.connection import CONNECTION_ERRORS, close_quietly, connect, keep_connected
from vitrine_shared.messaging.tables import OUTBOX_CHANNEL, outbox
from vitrine_shared.messaging.topology import EVENTS_EXCHANGE, declare_exchanges

log = logging.getLogger(__name__)

RECONNECT_ERRORS = (*CONNECTION_ERRORS, psycopg.OperationalError)


def message_properties(envelope: dict[str, Any]) -> pika.BasicProperties:
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=str(envelope["id"]),
        type=envelope["type"],
        correlation_id=envelope["correlation_id"],
        app_id=envelope["producer"],
        timestamp=int(time.time()),
        headers={CORRELATION_HEADER: envelope["correlation_id"], "x-event-version": envelope["version"]},
    )


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: Engine,
        amqp_url: str,
        name: str,
        batch_size: int = 200,
        poll_interval: float = 1.0,
    ) -> None:
        self.engine = engine
        self.amqp_url = amqp_url
        self.name = name
        self.batch_size = batch_size
        self.poll_interval = poll_interval

    def run(self, stop: threading.Event) -> None:
        keep_connected(stop, self._relay_until_stopped, name=f"{self.name}-relay", errors=RECONNECT_ERRORS)

    def _relay_until_stopped(self, stop: threading.Event) -> None:
        connection = connect(self.amqp_url, name=f"{self.name}-relay")
        try:
            channel = connection.channel()
            declare_exchanges(channel)
            channel.confirm_delivery()
            with psycopg.connect(libpq_url(self.engine), autocommit=True) as listener:
                listener.execute(f"LISTEN {OUTBOX_CHANNEL}")
                log.info("outbox relay connected")
                while not stop.is_set():
                    if self.relay_batch(channel) < self.batch_size:
                        for _ in listener.notifies(timeout=self.poll_interval, stop_after=1):
                            pass
                    connection.process_data_events(time_limit=0)
        finally:
            close_quietly(connection)

    def relay_batch(self, channel: BlockingChannel) -> int:
        """Publish one batch; returns how many rows were confirmed by the broker."""
        failure: BaseException | None = None
        confirmed: list[Any] = []
        with self.engine.begin() as db:
            rows = db.execute(
                select(outbox.c.id, outbox.c.envelope)
                .where(outbox.c.sent_at.is_(None))
                .order_by(outbox.c.created_at)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                try:
                    channel.basic_publish(
                        exchange=EVENTS_EXCHANGE,
                        routing_key=row.envelope["type"],
                        body=json.dumps(row.envelope).encode(),
                        properties=message_properties(row.envelope),
                    )
                except BaseException as exc:  # noqa: BLE001 - recorded on the row, re-raised below
                    failure = exc
                    db.execute(
                        update(outbox)
                        .where(outbox.c.id == row.id)
                        .values(attempts=outbox.c.attempts + 1, last_error=repr(exc)[:2000])
                    )
                    break
                confirmed.append(row.id)
            if confirmed:
                db.execute(update(outbox).where(outbox.c.id.in_(confirmed)).values(sent_at=func.now()))
        if failure is not None:
            raise failure
        return len(confirmed)
