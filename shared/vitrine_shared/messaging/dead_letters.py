"""Dead letters, for ops: see what is waiting in the `<queue>.dead` queues, look at messages, and
send them back to their queue once the cause is fixed. Replaying is safe because consumers are
idempotent (the inbox drops an event already handled), and each message is removed from the
dead-letter queue only after the broker confirmed its copy.

    .venv/bin/python -m vitrine_shared.messaging.dead_letters list
    .venv/bin/python -m vitrine_shared.messaging.dead_letters show catalog.stock [--limit 5]
    .venv/bin/python -m vitrine_shared.messaging.dead_letters replay catalog.stock [--limit 100]

`--amqp-url` (or VITRINE_AMQP_URL) names the broker; `list` asks the management API
(`--management-url`, default http://127.0.0.1:15672) with the same credentials.
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlparse

import httpx
import pika

from vitrine_shared.messaging.connection import connect
from vitrine_shared.messaging.consumer import fresh_copy
from vitrine_shared.messaging.topology import dead_letter_queue_name

DEFAULT_AMQP_URL = "amqp://vitrine:vitrine@127.0.0.1:5672/%2F"
DEFAULT_MANAGEMENT_URL = "http://127.0.0.1:15672"
DEAD_SUFFIX = ".dead"


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    reason: str | None
    event_type: str | None
    body: bytes


def dead_letter_queues(management_url: str, amqp_url: str) -> list[tuple[str, int]]:
    """(consumer queue, messages waiting in its dead-letter queue), fullest first."""
    parsed = urlparse(amqp_url)
    vhost = unquote(parsed.path[1:]) or "/"
    response = httpx.get(
        f"{management_url.rstrip('/')}/api/queues/{quote(vhost, safe='')}",
        params={"columns": "name,messages"},
        auth=(unquote(parsed.username or "guest"), unquote(parsed.password or "guest")),
        timeout=10,
    )
    response.raise_for_status()
    found = [
        (queue["name"].removesuffix(DEAD_SUFFIX), int(queue.get("messages") or 0))
        for queue in response.json()
        if queue["name"].endswith(DEAD_SUFFIX)
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _dead_letter(properties: pika.BasicProperties, body: bytes) -> DeadLetter:
    headers = properties.headers or {}
    try:
        event_type = str(json.loads(body).get("type"))
    except (ValueError, AttributeError):
        event_type = None
    return DeadLetter(properties.message_id, headers.get("x-first-death-reason"), event_type, body)


def peek(amqp_url: str, queue: str, *, limit: int) -> list[DeadLetter]:
    """The first `limit` dead letters of `queue`, left where they are."""
    connection = connect(amqp_url, name="dead-letters-show")
    try:
        channel = connection.channel()
        seen: list[DeadLetter] = []
        for _ in range(limit):
            method, properties, body = channel.basic_get(dead_letter_queue_name(queue), auto_ack=False)
            if method is None:
                break
            seen.append(_dead_letter(properties, body))
        # Unacked gets go back to the queue, in order, when the channel closes.
        channel.close()
        return seen
    finally:
        connection.close()


def replay(amqp_url: str, queue: str, *, limit: int) -> int:
    """Moves up to `limit` dead letters back to `queue` (as fresh deliveries, parks reset);
    returns how many moved."""
    connection = connect(amqp_url, name="dead-letters-replay")
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        moved = 0
        while moved < limit:
            method, properties, body = channel.basic_get(dead_letter_queue_name(queue), auto_ack=False)
            if method is None:
                break
            # Confirmed (or it raises) before the dead copy is acked: a crash between the two
            # leaves a duplicate, which the consumer's inbox absorbs, never a loss.
            channel.basic_publish("", queue, body, fresh_copy(properties), mandatory=True)
            channel.basic_ack(method.delivery_tag)
            moved += 1
        return moved
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dead-letters", description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-url", default=os.environ.get("VITRINE_AMQP_URL", DEFAULT_AMQP_URL))
    parser.add_argument("--management-url", default=DEFAULT_MANAGEMENT_URL)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="dead-letter queues and how many messages wait in each")
    for name, help_text, default in (
        ("show", "the first dead letters of a consumer queue, left in place", 5),
        ("replay", "send dead letters back to their consumer queue", 100),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("queue", help="the consumer queue, e.g. catalog.stock")
        command.add_argument("--limit", type=int, default=default)
    args = parser.parse_args(argv)
    if args.command == "list":
        for queue, waiting in dead_letter_queues(args.management_url, args.amqp_url):
            print(f"{waiting:8d}  {queue}")
        return 0
    if args.command == "show":
        for letter in peek(args.amqp_url, args.queue, limit=args.limit):
            summary: dict[str, Any] = {"message_id": letter.message_id, "type": letter.event_type}
            summary["reason"] = letter.reason
            print(json.dumps(summary), letter.body[:300].decode("utf-8", "replace"), sep="\n  ")
        return 0
    moved = replay(args.amqp_url, args.queue, limit=args.limit)
    print(f"{moved} dead letters sent back to {args.queue}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
