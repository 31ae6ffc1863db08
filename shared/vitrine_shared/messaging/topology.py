"""Exchanges and queues, declared idempotently by whoever connects first."""

from pika.adapters.blocking_connection import BlockingChannel

EVENTS_EXCHANGE = "vitrine.events"
DEAD_LETTER_EXCHANGE = "vitrine.dead"


def declare_exchanges(channel: BlockingChannel) -> None:
    channel.exchange_declare(EVENTS_EXCHANGE, exchange_type="topic", durable=True)
    channel.exchange_declare(DEAD_LETTER_EXCHANGE, exchange_type="direct", durable=True)


def dead_letter_queue_name(queue: str) -> str:
    return f"{queue}.dead"


def parked_queue_name(queue: str) -> str:
    return f"{queue}.parked"


def declare_consumer_queue(
    channel: BlockingChannel, queue: str, routing_keys: list[str], *, delivery_limit: int
) -> None:
    """A quorum queue bound to its event types; after `delivery_limit` failed deliveries (or a
    rejection) a message moves to `<queue>.dead` for a person to look at."""
    declare_exchanges(channel)
    dead = dead_letter_queue_name(queue)
    channel.queue_declare(dead, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(dead, DEAD_LETTER_EXCHANGE, routing_key=queue)
    channel.queue_declare(
        queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": delivery_limit,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": queue,
        },
    )
    for routing_key in routing_keys:
        channel.queue_bind(queue, EVENTS_EXCHANGE, routing_key=routing_key)
    # Where a message waits out an outage longer than its quick redeliveries: each copy carries
    # its own expiry, then goes back to `queue` through the default exchange. A classic queue,
    # because per-message expiry is what it needs (every copy has the same wait, so the head
    # always expires first).
    channel.queue_declare(
        parked_queue_name(queue),
        durable=True,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue},
    )
