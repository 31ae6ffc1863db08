"""Reservations against the real PostgreSQL: all-or-nothing, idempotent, never oversold;
committed, released and expired by the events and the periodic job."""

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from catalog.adapters.orm import reservations as reservations_table
from catalog.adapters.orm import variants
from catalog.bootstrap import Container
from catalog.service_layer import reservations
from catalog.subscriptions import SUBSCRIPTIONS
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import ItemRestocked, OrderCancelled, OrderLine, OrderPaid
from vitrine_shared.messaging.consumer import EventConsumer, Outcome
from vitrine_shared.problems import Conflict

pytestmark = pytest.mark.integration
API = "/api/catalog"


def stock(container: Container, sku: str) -> tuple[int, int]:
    with container.engine.connect() as db:
        row = db.execute(select(variants.c.on_hand, variants.c.reserved).where(variants.c.sku == sku)).one()
        return row.on_hand, row.reserved


def deliver(container: Container, data: Any) -> tuple[Outcome, Envelope]:
    envelope = Envelope.wrap(data, producer="tests", correlation_id=uuid.uuid4().hex)
    consumer = EventConsumer(SUBSCRIPTIONS[0], uow_factory=container.uow, amqp_url="amqp://unused")
    return consumer.handle(envelope.model_dump_json().encode()), envelope


def redeliver(container: Container, envelope: Envelope) -> Outcome:
    consumer = EventConsumer(SUBSCRIPTIONS[0], uow_factory=container.uow, amqp_url="amqp://unused")
    return consumer.handle(envelope.model_dump_json().encode())


def order_line(sku: str, quantity: int) -> OrderLine:
    return OrderLine(sku=sku, product_id=uuid.uuid4(), quantity=quantity, unit_price_minor=1000)


def paid(order_id: uuid.UUID, lines: list[OrderLine]) -> OrderPaid:
    return OrderPaid(
        order_id=order_id,
        order_number="VT-TEST",
        customer_email="a@example.test",
        province="QC",
        currency="CAD",
        subtotal_minor=1000,
        tax_minor=0,
        shipping_minor=0,
        total_minor=1000,
        paid_at=datetime.now(UTC),
        lines=lines,
    )


def test_two_hundred_concurrent_reservations_of_twenty_units(
    container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product(variants=[{"sku": f"R-{uuid.uuid4().hex[:10].upper()}", "size": "M", "on_hand": 20}])
    sku = product["variants"][0]["sku"]
    start = threading.Barrier(200)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        start.wait()
        try:
            reservations.reserve(container.uow(), reservation_id=uuid.uuid4(), lines=[(sku, 1)], ttl_seconds=600)
            result = "held"
        except Conflict as refusal:
            assert refusal.slug == "insufficient-stock"
            assert refusal.extensions["sku"] == sku
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - anything else fails the test below, named
            result = f"error: {exc!r}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("held") == 20
    assert outcomes.count("refused") == 180
    assert stock(container, sku) == (20, 20)


def test_reservation_over_http_is_all_or_nothing_and_idempotent(
    client: TestClient,
    container: Container,
    service_headers: dict[str, str],
    create_product: Callable[..., dict[str, Any]],
) -> None:
    product = create_product()
    plenty, none_left = (variant["sku"] for variant in product["variants"])  # 5 and 0 on hand
    refused = client.post(
        f"{API}/reservations",
        json={
            "reservation_id": str(uuid.uuid4()),
            "lines": [{"sku": plenty, "quantity": 2}, {"sku": none_left, "quantity": 1}],
        },
        headers=service_headers,
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/insufficient-stock")
    assert (problem["sku"], problem["available"]) == (none_left, 0)
    assert stock(container, plenty) == (5, 0)  # the first line was not kept

    reservation_id = str(uuid.uuid4())
    body = {"reservation_id": reservation_id, "lines": [{"sku": plenty, "quantity": 2}], "ttl_seconds": 600}
    first = client.post(f"{API}/reservations", json=body, headers=service_headers)
    assert first.status_code == 201, first.text
    [line] = first.json()["lines"]
    assert (line["sku"], line["quantity"]) == (plenty, 2)
    # Each held line comes with its variant as the catalog shows it, read with the hold.
    assert line["variant"] == client.get(f"{API}/variants/{plenty}").json()
    assert line["variant"]["price_minor"] == 12999 and line["variant"]["available"] == 3
    again = client.post(f"{API}/reservations", json=body, headers=service_headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert stock(container, plenty) == (5, 2)


def test_reservation_refusals(
    client: TestClient,
    service_headers: dict[str, str],
    ops_headers: dict[str, str],
    create_product: Callable[..., dict[str, Any]],
) -> None:
    product = create_product()
    sku = product["variants"][0]["sku"]
    body = {"reservation_id": str(uuid.uuid4()), "lines": [{"sku": sku, "quantity": 1}]}
    assert client.post(f"{API}/reservations", json=body).status_code == 401
    assert client.post(f"{API}/reservations", json=body, headers=ops_headers).status_code == 403
    unknown = client.post(
        f"{API}/reservations",
        json={
            "reservation_id": str(uuid.uuid4()),
            "lines": [{"sku": "NOPE-" + uuid.uuid4().hex[:8].upper(), "quantity": 1}],
        },
        headers=service_headers,
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "lines[0].sku"
    for bad, field in (
        ({**body, "lines": [{"sku": sku, "quantity": 0}]}, "lines[0].quantity"),
        ({**body, "lines": []}, "lines"),
        ({**body, "reservation_id": "x"}, "reservation_id"),
        ({**body, "lines": [{"sku": sku, "quantity": 1}, {"sku": sku, "quantity": 1}]}, "lines[1].sku"),
    ):
        response = client.post(f"{API}/reservations", json=bad, headers=service_headers)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field


def test_paid_commits_cancelled_releases_and_duplicates_have_one_effect(
    container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    sku = product["variants"][0]["sku"]
    kept, dropped = uuid.uuid4(), uuid.uuid4()
    reservations.reserve(container.uow(), reservation_id=kept, lines=[(sku, 2)], ttl_seconds=600)
    reservations.reserve(container.uow(), reservation_id=dropped, lines=[(sku, 1)], ttl_seconds=600)
    assert stock(container, sku) == (5, 3)

    outcome, envelope = deliver(container, paid(kept, [order_line(sku, 2)]))
    assert outcome is Outcome.ACK
    assert stock(container, sku) == (3, 1)
    assert redeliver(container, envelope) is Outcome.ACK
    # The same fact under another message id must not ship the units twice either.
    assert deliver(container, paid(kept, [order_line(sku, 2)]))[0] is Outcome.ACK
    assert stock(container, sku) == (3, 1)

    cancelled = OrderCancelled(order_id=dropped, order_number="VT-X", reason="shopper", lines=[order_line(sku, 1)])
    assert deliver(container, cancelled)[0] is Outcome.ACK
    assert deliver(container, cancelled)[0] is Outcome.ACK
    assert stock(container, sku) == (3, 0)


def test_a_caller_gives_a_hold_back_at_once_and_a_paid_one_stays(
    client: TestClient,
    container: Container,
    service_headers: dict[str, str],
    ops_headers: dict[str, str],
    create_product: Callable[..., dict[str, Any]],
) -> None:
    sku = create_product()["variants"][0]["sku"]  # 5 on hand
    given_back, paid_for = uuid.uuid4(), uuid.uuid4()
    for reservation_id in (given_back, paid_for):
        body = {"reservation_id": str(reservation_id), "lines": [{"sku": sku, "quantity": 2}]}
        assert client.post(f"{API}/reservations", json=body, headers=service_headers).status_code == 201
    assert stock(container, sku) == (5, 4)

    released = client.post(f"{API}/reservations/{given_back}/release", headers=service_headers)
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"
    assert stock(container, sku) == (5, 2)
    again = client.post(f"{API}/reservations/{given_back}/release", headers=service_headers)
    assert again.status_code == 200 and again.json()["status"] == "released"
    assert stock(container, sku) == (5, 2), "a second release gave units back twice"

    assert deliver(container, paid(paid_for, [order_line(sku, 2)]))[0] is Outcome.ACK
    refused = client.post(f"{API}/reservations/{paid_for}/release", headers=service_headers)
    assert refused.status_code == 409 and refused.json()["current_state"] == "committed"
    assert stock(container, sku) == (3, 0)

    assert client.post(f"{API}/reservations/{uuid.uuid4()}/release", headers=service_headers).status_code == 404
    assert client.post(f"{API}/reservations/{given_back}/release", headers=ops_headers).status_code == 403


def test_expired_reservations_are_released_by_the_sweep(
    container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    sku = product["variants"][0]["sku"]
    reservation_id = uuid.uuid4()
    reservations.reserve(container.uow(), reservation_id=reservation_id, lines=[(sku, 4)], ttl_seconds=600)
    with container.engine.begin() as db:
        db.execute(
            update(reservations_table)
            .where(reservations_table.c.id == reservation_id)
            .values(expires_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
    assert reservations.expire_reservations(container.uow) >= 1
    assert stock(container, sku) == (5, 0)
    view = reservations.reservation_view(container.uow(), reservation_id)
    assert view is not None and view["status"] == "expired"
    # Paid after expiry: served from free stock if there is any, never below zero.
    assert deliver(container, paid(reservation_id, [order_line(sku, 4)]))[0] is Outcome.ACK
    assert stock(container, sku) == (1, 0)


def test_restocked_returned_unit_adds_one_and_shows_its_certificate(
    client: TestClient, container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product(hygiene_class="cleanable")
    sku = product["variants"][0]["sku"]
    event = ItemRestocked(
        item_id=uuid.uuid4(),
        return_id=uuid.uuid4(),
        sku=sku,
        certificate_id="HC-2026-000123",
        sanitized_at=datetime(2026, 11, 20, 14, 30, tzinfo=UTC),
        method="steam",
    )
    assert deliver(container, event)[0] is Outcome.ACK
    assert deliver(container, event)[0] is Outcome.ACK  # same unit again under a new message id
    assert stock(container, sku) == (6, 0)
    detail = client.get(f"{API}/products/{product['id']}").json()
    units = next(variant for variant in detail["variants"] if variant["sku"] == sku)["returned_units"]
    assert len(units) == 1
    assert units[0]["certificate_id"] == "HC-2026-000123"
    assert units[0]["notice"]["en"] == "Returned item, sanitized on 2026-11-20 by steam, certificate HC-2026-000123"
    assert units[0]["notice"]["fr"] == "Article retourné, assaini le 2026-11-20 par vapeur, certificat HC-2026-000123"
