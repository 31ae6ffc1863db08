"""Across services over RabbitMQ: an `OrderPaid` published on the real exchange reaches the running
returns worker; the return then goes through the warehouse (the clock moves, in this process) and
the running worker's relay publishes `returns.item.restocked` (with the certificate id) and
`returns.refund.approved` to the broker, where a queue of this test receives them.

Needs the local run (`bin/vitrine up`): its returns worker consumes and relays."""

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pika
import pytest
from fastapi.testclient import TestClient

from vitrine_shared.events.contracts import ItemRestocked, RefundApproved
from vitrine_shared.messaging.connection import connect
from vitrine_shared.messaging.topology import EVENTS_EXCHANGE, declare_exchanges
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration
API = "/api/returns"


class Listener:
    """A private, exclusive queue bound to some event types: what the broker really carried."""

    def __init__(self, amqp_url: str, event_types: list[str]) -> None:
        self.connection = connect(amqp_url, name="returns-test-listener")
        self.channel = self.connection.channel()
        declare_exchanges(self.channel)
        self.queue = self.channel.queue_declare("", exclusive=True, auto_delete=True).method.queue
        for event_type in event_types:
            self.channel.queue_bind(self.queue, EVENTS_EXCHANGE, routing_key=event_type)
        self.received: list[dict] = []

    def drain(self) -> list[dict]:
        while True:
            method, _, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return self.received
            self.received.append(json.loads(body))

    def find(self, event_type: str, **match: str) -> list[dict]:
        return [
            e for e in self.drain() if e["type"] == event_type and all(e["data"].get(k) == v for k, v in match.items())
        ]

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def listener(container) -> Iterator[Listener]:
    heard = Listener(container.settings.amqp_url, [ItemRestocked.event_type, RefundApproved.event_type])
    yield heard
    heard.close()


def publish(amqp_url: str, envelope_json: str, routing_key: str) -> None:
    connection = connect(amqp_url, name="returns-test-publisher")
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            EVENTS_EXCHANGE,
            routing_key,
            envelope_json.encode(),
            pika.BasicProperties(delivery_mode=2, content_type="application/json"),
        )
    finally:
        connection.close()


def test_order_paid_to_restocked_with_a_verified_certificate_over_the_broker(
    client: TestClient, ops: dict, container, clock, listener: Listener, new_order_event, wrap
) -> None:
    order = new_order_event()
    envelope = wrap(order).model_dump_json()
    publish(container.settings.amqp_url, envelope, "checkout.order.paid")
    publish(container.settings.amqp_url, envelope, "checkout.order.paid")  # delivered twice: one order
    lookup = {"order_number": order.order_number, "email": order.customer_email}
    wait_until(
        lambda: client.post(f"{API}/orders/lookup", json=lookup).status_code == 200,
        timeout=20,
        what="the returns worker to record the paid order",
    )
    created = client.post(
        f"{API}/returns",
        json={**lookup, "lines": [{"line_no": 1, "quantity": 1, "reason_code": "too_small"}], "preference": "refund"},
    )
    assert created.status_code == 201, created.text
    item_id = created.json()["items"][0]["item_id"]
    rma = created.json()["rma_number"]
    dock = [{"item_id": item_id, "grade": "A", "material": "fabric"}]
    assert (
        client.post(f"{API}/ops/receipts", json={"rma_number": rma, "dock_inspections": dock}, headers=ops).status_code
        == 200
    )
    assert client.post(f"{API}/ops/items/{item_id}/quarantine", headers=ops).status_code == 200
    lot = client.post(f"{API}/ops/lots", json={"item_ids": [item_id], "method": "steam", "passed": True}, headers=ops)
    assert lot.status_code == 201
    clock.advance(timedelta(hours=24))
    restocked = client.post(f"{API}/ops/items/{item_id}/restock", headers=ops)
    assert restocked.status_code == 200, restocked.text
    certificate_id = restocked.json()["certificate_id"]

    wait_until(
        lambda: bool(listener.find(ItemRestocked.event_type, item_id=item_id)),
        timeout=20,
        what="returns.item.restocked on the broker",
    )
    on_the_wire = listener.find(ItemRestocked.event_type, item_id=item_id)
    # Delivery is at least once (a relay restarted between the broker's ack and marking the row
    # sent publishes it again, same envelope id): one event, however many copies.
    assert len({envelope["id"] for envelope in on_the_wire}) == 1
    assert on_the_wire[0]["data"]["certificate_id"] == certificate_id
    assert on_the_wire[0]["data"]["sku"] == order.lines[0].sku
    return_id = created.json()["return_id"]
    wait_until(
        lambda: bool(listener.find(RefundApproved.event_type, return_id=return_id)),
        timeout=20,
        what="returns.refund.approved on the broker",
    )
    refunds = listener.find(RefundApproved.event_type, return_id=return_id)
    assert len({envelope["id"] for envelope in refunds}) == 1
    assert refunds[0]["data"]["amount_minor"] == order.lines[0].unit_price_minor + 300
    assert client.get(f"{API}/certificates/{certificate_id}").json()["verification"]["valid"] is True


def test_a_malformed_order_event_is_dead_lettered_not_retried_forever(container, client: TestClient) -> None:
    number = f"V-BAD-{uuid.uuid4().hex[:8]}"
    bad = {
        "id": str(uuid.uuid4()),
        "type": "checkout.order.paid",
        "version": 1,
        "producer": "checkout",
        "correlation_id": "bad",
        "data": {"order_number": number},
    }
    publish(container.settings.amqp_url, json.dumps(bad), "checkout.order.paid")
    connection = connect(container.settings.amqp_url, name="returns-test-peek")
    try:
        channel = connection.channel()

        def dead_lettered() -> bool:
            # Look through what is waiting there, take ours, put the others back untouched.
            others, found = [], False
            for _ in range(1000):
                method, _, body = channel.basic_get("returns.orders.dead", auto_ack=False)
                if method is None:
                    break
                if json.loads(body).get("data", {}).get("order_number") == number:
                    channel.basic_ack(method.delivery_tag)
                    found = True
                    break
                others.append(method.delivery_tag)
            for tag in others:
                channel.basic_nack(tag, requeue=True)
            return found

        wait_until(dead_lettered, timeout=20, what="the malformed event in returns.orders.dead")
    finally:
        connection.close()
