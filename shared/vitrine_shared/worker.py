"""A service's worker process: the outbox relay, the service's event consumers and its periodic
jobs, each in a thread of its own (pika connections are never shared), until SIGTERM or SIGINT."""

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vitrine_shared.container import ServiceContainer
from vitrine_shared.logging import configure_logging
from vitrine_shared.messaging.consumer import EventConsumer, Subscription
from vitrine_shared.messaging.relay import OutboxRelay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """Work repeated every `interval_s` (expiring reservations, due reminders...). Several worker
    instances may run the same job at once, so a job claims its rows (`FOR UPDATE SKIP LOCKED`)
    and is safe to repeat."""

    name: str
    interval_s: float
    run: Callable[[], object]

    def loop(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval_s):
            try:
                self.run()
            except Exception:
                log.exception("periodic job failed; it runs again next interval", extra={"job": self.name})


def run_worker(
    container: ServiceContainer, subscriptions: Sequence[Subscription], jobs: Sequence[PeriodicJob] = ()
) -> None:
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
            park_seconds=settings.consumer_park_seconds,
            max_parks=settings.consumer_max_parks,
        )
        for subscription in subscriptions
    ]
    threads = [threading.Thread(target=relay.run, args=(stop,), name=f"{service}-relay", daemon=True)]
    threads += [
        threading.Thread(target=consumer.run, args=(stop,), name=consumer.queue, daemon=True) for consumer in consumers
    ]
    threads += [threading.Thread(target=job.loop, args=(stop,), name=job.name, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    log.info(
        "worker started",
        extra={"queues": [consumer.queue for consumer in consumers], "jobs": [job.name for job in jobs]},
    )
    stop.wait()
    log.info("worker stopping")
    for thread in threads:
        thread.join(timeout=10)
