"""Fixtures for checkout's tests. Integration tests use the real PostgreSQL (checkout's own
database), the real localstripe and the real broker of the local run; the catalog is an in-memory
fake of checkout's own catalog port unless a test says it needs the real one."""

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from checkout.adapters.catalog import Reservation
from checkout.bootstrap import Container, bootstrap
from checkout.domain.model import InsufficientStock, Variant, now_utc
from vitrine_shared.problems import NotFound

WEBHOOK_SECRET = "whsec_vitrine_dev"
EDGE = "http://127.0.0.1:8080"


@dataclass
class FakeCatalog:
    """The catalog port in memory: variants with stock, reservations all-or-none, idempotent."""

    variants: dict[str, Variant] = field(default_factory=dict)
    reservations: dict[uuid.UUID, list[tuple[str, int]]] = field(default_factory=dict)
    variant_calls: int = 0
    released: list[uuid.UUID] = field(default_factory=list)

    def stock(self, sku: str, *, price: int = 2500, available: int = 10, **kwargs: Any) -> Variant:
        found = Variant(
            sku=sku,
            product_id=uuid.uuid4(),
            name_fr=f"Produit {sku}",
            name_en=f"Product {sku}",
            price_minor=price,
            currency="CAD",
            available=available,
            **kwargs,
        )
        self.variants[sku] = found
        return found

    def variant(self, sku: str) -> Variant:
        self.variant_calls += 1
        if sku not in self.variants:
            raise NotFound(f"Unknown SKU {sku}.", sku=sku)
        return self.variants[sku]

    def reserve(self, reservation_id: uuid.UUID, lines: list[tuple[str, int]], ttl_seconds: int) -> Reservation:
        if reservation_id not in self.reservations:
            for sku, quantity in lines:
                if self.variants[sku].available < quantity:
                    raise InsufficientStock("Not enough.", sku=sku, available=self.variants[sku].available)
            for sku, quantity in lines:
                self.variants[sku] = replace(self.variants[sku], available=self.variants[sku].available - quantity)
            self.reservations[reservation_id] = lines
        held = {sku: self.variants[sku] for sku, _ in self.reservations[reservation_id]}
        return Reservation(reservation_id, now_utc() + timedelta(seconds=ttl_seconds), variants=held)

    def release(self, reservation_id: uuid.UUID) -> None:
        for sku, quantity in self.reservations.pop(reservation_id, []):
            self.variants[sku] = replace(self.variants[sku], available=self.variants[sku].available + quantity)
        self.released.append(reservation_id)


def unique_sku(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog()


@pytest.fixture
def container(catalog: FakeCatalog) -> Container:
    built = bootstrap()
    built.catalog = catalog  # type: ignore[misc]  (cached_property: the instance attribute wins)
    return built


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    from checkout.entrypoints.http import create_app

    with TestClient(create_app(container=container), raise_server_exceptions=False) as test_client:
        yield test_client


ADDRESS = {"name": "Camille Tremblay", "line1": "123 rue Principale", "city": "Montréal", "postal_code": "H2X 1Y4"}


@dataclass
class Shopper:
    """One shopper's walk through the API: a cart, an order, their tokens."""

    client: TestClient
    cart_id: str = ""
    cart_token: str = ""
    order: dict[str, Any] = field(default_factory=dict)

    @property
    def cart_headers(self) -> dict[str, str]:
        return {"X-Cart-Token": self.cart_token}

    @property
    def order_headers(self) -> dict[str, str]:
        return {"X-Order-Token": self.order["order_token"]}

    def new_cart(self, lines: list[tuple[str, int]] = ()) -> httpx.Response:  # type: ignore[assignment]
        response = self.client.post(
            "/api/checkout/carts", json={"lines": [{"sku": s, "quantity": q} for s, q in lines]}
        )
        if response.status_code == 201:
            self.cart_id, self.cart_token = response.json()["cart_id"], response.json()["cart_token"]
        return response

    def add(self, sku: str, quantity: int = 1, **extra: Any) -> httpx.Response:
        return self.client.post(
            f"/api/checkout/carts/{self.cart_id}/lines",
            json={"sku": sku, "quantity": quantity, **extra},
            headers=self.cart_headers,
        )

    def place(self, email: str = "camille@example.ca", province: str = "QC") -> httpx.Response:
        response = self.client.post(
            "/api/checkout/orders",
            json={"cart_id": self.cart_id, "email": email, "province": province, "shipping_address": ADDRESS},
            headers=self.cart_headers,
        )
        if response.status_code == 201:
            self.order = response.json()
        return response

    def pay(self, payment_method: str) -> httpx.Response:
        return self.client.post(
            f"/api/checkout/orders/{self.order['order_id']}/payments",
            json={"payment_method": payment_method},
            headers=self.order_headers,
        )

    def read_order(self) -> dict[str, Any]:
        return self.client.get(f"/api/checkout/orders/{self.order['order_id']}", headers=self.order_headers).json()


@pytest.fixture
def shopper(client: TestClient) -> Callable[[], Shopper]:
    return lambda: Shopper(client)


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={signature}"


def stripe_event(event_type: str, intent: dict[str, Any], event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex[:20]}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": intent},
        }
    ).encode()


@pytest.fixture
def signer() -> Callable[..., str]:
    return sign


@pytest.fixture
def make_event() -> Callable[..., bytes]:
    return stripe_event


@pytest.fixture
def staff_token() -> Callable[[str], str]:
    def token(email: str) -> str:
        response = httpx.post(
            f"{EDGE}/api/identity/tokens", json={"email": email, "password": "vitrine-demo-2026"}, timeout=10
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    return token


@pytest.fixture
def service_token() -> str:
    response = httpx.post(
        f"{EDGE}/api/identity/service-tokens",
        json={"client_id": "consult", "client_secret": "vitrine-dev-service-secret"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["access_token"]


@pytest.fixture
def publish() -> Callable[..., str]:
    """Publish an event on the real broker as another service would (returns, for refunds)."""
    import pika

    from vitrine_shared.events import Envelope, EventData
    from vitrine_shared.messaging.connection import connect
    from vitrine_shared.messaging.relay import message_properties
    from vitrine_shared.messaging.topology import EVENTS_EXCHANGE

    def send(data: EventData, *, producer: str = "returns", envelope_id: uuid.UUID | None = None) -> str:
        envelope = Envelope.wrap(data, producer=producer, correlation_id=uuid.uuid4().hex)
        if envelope_id is not None:
            envelope = envelope.model_copy(update={"id": envelope_id})
        body = envelope.model_dump(mode="json")
        connection = connect("amqp://vitrine:vitrine@127.0.0.1:5672/%2F", name="checkout-tests-publish")
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(
                EVENTS_EXCHANGE, envelope.type, json.dumps(body).encode(), message_properties(body), mandatory=False
            )
        finally:
            connection.close()
        assert isinstance(pika.BasicProperties, type)
        return str(envelope.id)

    return send
