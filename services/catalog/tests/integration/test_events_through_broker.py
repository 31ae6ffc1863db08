"""End to end through the real broker and the running catalog worker (`bin/vitrine up`): an
order paid on checkout's side ships the reserved units; a restocked return adds one back."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pika
import pytest
from sqlalchemy import select

from catalog.adapters.orm import variants
from catalog.bootstrap import Container
from catalog.service_layer import reservations
from vitrine_shared.events import Envelope, EventData
from vitrine_shared.events.contracts import ItemRestocked, OrderLine, OrderPaid
from vitrine_shared.messaging.connection import connect
from vitrine_shared.messaging.topology import EVENTS_EXCHANGE
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration


def publish(container: Container, data: EventData, producer: str) -> None:
    envelope = Envelope.wrap(data, producer=producer, correlation_id=uuid.uuid4().hex)
    connection = connect(container.settings.amqp_url, name="catalog-tests")
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        properties = pika.BasicProperties(
            delivery_mode=2, message_id=str(envelope.id), content_type="application/json", type=envelope.type
        )
        channel.basic_publish(EVENTS_EXCHANGE, envelope.type, envelope.model_dump_json().encode(), properties)
    finally:
        connection.close()


def stock(container: Container, sku: str) -> tuple[int, int]:
    with container.engine.connect() as db:
        row = db.execute(select(variants.c.on_hand, variants.c.reserved).where(variants.c.sku == sku)).one()
        return row.on_hand, row.reserved


def test_paid_order_and_restocked_return_reach_stock_through_the_worker(
    container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    sku = product["variants"][0]["sku"]  # 5 on hand
    order_id = uuid.uuid4()
    reservations.reserve(container.uow(), reservation_id=order_id, lines=[(sku, 2)], ttl_seconds=600)
    line = OrderLine(sku=sku, product_id=uuid.UUID(product["id"]), quantity=2, unit_price_minor=100)
    publish(
        container,
        OrderPaid(
            order_id=order_id,
            order_number=f"VT-E2E{order_id.hex[:6].upper()}",  # unique: returns and consult see it too
            customer_email="e2e@example.test",
            province="QC",
            currency="CAD",
            subtotal_minor=200,
            tax_minor=0,
            shipping_minor=0,
            total_minor=200,
            paid_at=datetime.now(UTC),
            lines=[line],
        ),
        producer="checkout",
    )
    wait_until(lambda: stock(container, sku) == (3, 0), timeout=30, what="the paid order to ship its held units")
    publish(
        container,
        ItemRestocked(
            item_id=uuid.uuid4(),
            return_id=uuid.uuid4(),
            sku=sku,
            certificate_id=f"HC-{uuid.uuid4().hex[:6]}",
            sanitized_at=datetime.now(UTC),
            method="uv_c",
        ),
        producer="returns",
    )
    wait_until(lambda: stock(container, sku) == (4, 0), timeout=30, what="the restocked unit to be back on hand")
