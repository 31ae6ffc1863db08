"""A service's worker process: the outbox relay and the service's event consumers, each in a
thread of its own with its own pika connection, until SIGTERM or SIGINT."""

import logging
import signal
import threading
from collections.abc import Sequence

from vitrine_shared.container import ServiceContainer
from vitrine_shared.logging import configure_logging
from vitrine_shared.messaging.consumer import EventConsumer, Subscription
from vitrine_shared.messaging.relay import OutboxRelay

log = logging.getLogger(__name__)


def run_worker(container: ServiceContainer, subscriptions: Sequence[Subscription]) -> None:
    service, settings = container.service, container.settings
    configure_logging(service, settings.log_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    relay = OutboxRelay(
        engine=container.engine, amqp_url=settings.amqp_url, name=service, batch_size=settings.outbox_batch_size
    )
    consumers = [
        EventConsumer(
            subscription,
            uow_factory=container.uow,
            amqp_url=settings.amqp_url,
            prefetch=settings.consumer_prefetch,
            delivery_limit=settings.consumer_delivery_limit,
        )
        for subscription in subscriptions
    ]
    threads = [threading.Thread(target=relay.run, args=(stop,), name=f"{service}-relay", daemon=True)]
    threads += [
        threading.Thread(target=consumer.run, args=(stop,), name=consumer.queue, daemon=True) for consumer in consumers
    ]
    for thread in threads:
        thread.start()
    log.info("worker started", extra={"queues": [consumer.queue for consumer in consumers]})
    stop.wait()
    log.info("worker stopping")
    for thread in threads:
        thread.join(timeout=10)
