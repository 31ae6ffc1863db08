"""Fixtures for returns's tests. Integration tests use the real returns database and broker of
the local run, with unique order numbers and emails per test so they repeat on a database that
already has data."""

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from returns.domain.clock import MovableClock
from returns.entrypoints.http import create_app
from returns.subscriptions import SUBSCRIPTIONS
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import OrderLine, OrderPaid
from vitrine_shared.messaging.consumer import EventConsumer, Outcome
from vitrine_shared.settings import VAR_DIR


@pytest.fixture(scope="session")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(autouse=True)
def _clock_at_real_time(clock: MovableClock) -> None:
    clock.set(datetime.now(UTC))


@pytest.fixture(scope="session")
def client(clock: MovableClock) -> Iterator[TestClient]:
    with TestClient(create_app(clock=clock)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def container(client: TestClient):
    return client.app.state.container


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer((VAR_DIR / "keys" / "auth-private.pem").read_text())


def _bearer(issuer: TokenIssuer, role: Role, name: str) -> dict[str, str]:
    principal = Principal(subject=f"{role.value}-{uuid.uuid4().hex[:8]}", roles=frozenset({role}), name=name)
    return {"Authorization": f"Bearer {issuer.issue(principal)}"}


@pytest.fixture(scope="session")
def ops(issuer: TokenIssuer) -> dict[str, str]:
    return _bearer(issuer, Role.OPS, "Olivia Ops")


@pytest.fixture(scope="session")
def advisor(issuer: TokenIssuer) -> dict[str, str]:
    return _bearer(issuer, Role.ADVISOR, "Camille Tremblay")


@pytest.fixture(scope="session")
def shopper(issuer: TokenIssuer) -> dict[str, str]:
    return _bearer(issuer, Role.SHOPPER, "Shopper")


@pytest.fixture(scope="session")
def consumer(container) -> EventConsumer:
    """Returns's own consumer of order events, driven with message bodies (no broker needed)."""
    return EventConsumer(SUBSCRIPTIONS[0], uow_factory=container.uow, amqp_url=container.settings.amqp_url)


def order_paid_event(
    *,
    paid_at: datetime | None = None,
    shipping_minor: int = 995,
    lines: list[OrderLine] | None = None,
    order_token_digest: str | None = None,
) -> OrderPaid:
    tag = uuid.uuid4().hex[:10]
    lines = lines or [
        OrderLine(sku=f"SHIRT-{tag}", product_id=uuid.uuid4(), quantity=2, unit_price_minor=2_000, tax_minor=599),
        OrderLine(
            sku=f"BUDS-{tag}",
            product_id=uuid.uuid4(),
            quantity=1,
            unit_price_minor=3_000,
            tax_minor=450,
            hygiene_class="sealed_hygiene",
        ),
        OrderLine(
            sku=f"HAT-{tag}",
            product_id=uuid.uuid4(),
            quantity=1,
            unit_price_minor=1_000,
            tax_minor=150,
            final_sale=True,
        ),
    ]
    subtotal = sum(line.unit_price_minor * line.quantity for line in lines)
    tax = sum(line.tax_minor for line in lines)
    return OrderPaid(
        order_id=uuid.uuid4(),
        order_number=f"V-{tag.upper()}",
        customer_email=f"Shopper.{tag}@Example.test",
        province="QC",
        currency="CAD",
        subtotal_minor=subtotal,
        tax_minor=tax,
        shipping_minor=shipping_minor,
        total_minor=subtotal + tax + shipping_minor,
        paid_at=paid_at or datetime.now(UTC) - timedelta(days=2),
        lines=lines,
        order_token_digest=order_token_digest,
    )


def envelope_of(event: OrderPaid) -> Envelope:
    return Envelope.wrap(event, producer="checkout", correlation_id=f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def paid_order(consumer: EventConsumer) -> Callable[..., OrderPaid]:
    """An order paid at checkout, delivered to returns through its own consumer (inbox and all)."""

    def make(**kwargs) -> OrderPaid:
        event = order_paid_event(**kwargs)
        assert consumer.handle(envelope_of(event).model_dump_json().encode()) is Outcome.ACK
        return event

    return make


@pytest.fixture
def open_return(client: TestClient, paid_order) -> Callable[..., dict]:
    """Pay an order and open a return on it: the created return (with its token) and the order."""

    def make(lines: list[dict] | None = None, preference: str = "refund", **order_kwargs) -> dict:
        order = paid_order(**order_kwargs)
        response = client.post(
            "/api/returns/returns",
            json={
                "order_number": order.order_number,
                "email": order.customer_email,
                "lines": lines or [{"line_no": 1, "quantity": 2, "reason_code": "too_small"}],
                "preference": preference,
            },
        )
        assert response.status_code == 201, response.text
        return {**response.json(), "order": order}

    return make


@pytest.fixture
def new_order_event() -> Callable[..., OrderPaid]:
    """An `OrderPaid` as checkout publishes it (unique number and email), not yet delivered."""
    return order_paid_event


@pytest.fixture
def wrap() -> Callable[[OrderPaid], Envelope]:
    return envelope_of
