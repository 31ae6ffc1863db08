"""Stripe webhooks: signature checks on the raw body, one effect per event, the work done by the
real worker of the local run through the real broker (the deployed checkout worker consumes the
events this test's app writes to the outbox)."""

import contextlib
import time
import uuid

import pytest
import stripe
from sqlalchemy import func, select

from checkout.adapters.orm import stripe_events
from checkout.domain.model import Order, OrderLine, new_order_number, now_utc
from vitrine_shared.messaging.tables import outbox
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration

URL = "/api/checkout/webhooks/stripe"


@pytest.fixture
def stripe_client(container) -> stripe.StripeClient:
    return stripe.StripeClient(
        container.settings.stripe_api_key,
        base_addresses={"api": container.settings.stripe_api_base},
        max_network_retries=0,
    )


def intent_json(stripe_client, intent_id: str) -> dict:
    return stripe_client.v1.payment_intents.retrieve(intent_id).to_dict()


def order_status(client, s) -> str:
    return s.read_order()["status"]


def paid_events(container, order_id: str) -> int:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == "checkout.order.paid")).scalars()
        return sum(1 for row in rows if row["data"]["order_id"] == order_id)


def stored(container, event_id: str):
    with container.engine.connect() as db:
        return db.execute(select(stripe_events).where(stripe_events.c.id == event_id)).first()


def stored_count(container) -> int:
    with container.engine.connect() as db:
        return db.execute(select(func.count()).select_from(stripe_events)).scalar_one()


def placed(shopper, catalog):
    sku = catalog.stock(f"W-{uuid.uuid4().hex[:8]}", price=4000).sku
    s = shopper()
    s.new_cart([(sku, 1)])
    assert s.place().status_code == 201
    return s


def confirm_in_browser(stripe_client, s, payment_method: str = "pm_card_visa") -> str:
    """What Stripe.js does with the client secret: the shopper pays the intent directly."""
    intent_id = s.order["payment_client_secret"].split("_secret_")[0]
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
    with contextlib.suppress(stripe.CardError):
        stripe_client.v1.payment_intents.confirm(intent_id)
    return intent_id


@pytest.mark.parametrize(
    ("mangle", "what"),
    [
        (lambda body, sign: (body, sign(body, secret="whsec_wrong")), "wrong secret"),
        (lambda body, sign: (body, sign(body, timestamp=int(time.time()) - 301)), "older than 300 s"),
        (lambda body, sign: (body + b" ", sign(body)), "altered body"),
        (lambda body, sign: (b"not json at all", sign(b"not json at all")), "malformed body"),
        (lambda body, sign: (body, None), "no signature"),
        (lambda body, sign: (body, "t=abc,v1=zzz"), "garbage signature"),
    ],
)
def test_anything_but_a_good_signature_is_400_and_stores_nothing(
    client, container, make_event, signer, mangle, what
) -> None:
    body = make_event("payment_intent.succeeded", {"id": "pi_x", "object": "payment_intent"})
    payload, signature = mangle(body, signer)
    before = stored_count(container)
    headers = {"Stripe-Signature": signature} if signature else {}
    response = client.post(URL, content=payload, headers={**headers, "content-type": "application/json"})
    assert response.status_code == 400, what
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/invalid-webhook")
    assert stored_count(container) == before


def test_browser_payment_then_the_real_webhook_marks_the_order_paid(shopper, catalog, container, stripe_client) -> None:
    """localstripe sends payment_intent.succeeded to the edge; the deployed API stores it and the
    deployed worker (through the broker) re-fetches the intent and moves the order."""
    s = placed(shopper, catalog)
    confirm_in_browser(stripe_client, s)
    wait_until(lambda: order_status(s.client, s) == "paid", timeout=30, what="the webhook to mark the order paid")
    assert paid_events(container, s.order["order_id"]) == 1


def test_the_same_event_ten_times_has_one_effect(
    shopper, catalog, container, stripe_client, signer, make_event
) -> None:
    s = placed(shopper, catalog)
    intent_id = confirm_in_browser(stripe_client, s)
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    body = make_event("payment_intent.succeeded", intent_json(stripe_client, intent_id), event_id)
    answers = [s.client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}) for _ in range(10)]
    assert [a.status_code for a in answers] == [200] * 10
    assert [a.json()["duplicate"] for a in answers] == [False] + [True] * 9
    wait_until(lambda: order_status(s.client, s) == "paid", timeout=30, what="the order to be paid")
    wait_until(lambda: stored(container, event_id).processed_at is not None, timeout=30, what="the event processed")
    time.sleep(1.5)  # let any stray duplicate work land before counting
    assert paid_events(container, s.order["order_id"]) == 1


def test_a_stale_failure_after_success_changes_nothing(
    shopper, catalog, container, stripe_client, signer, make_event
) -> None:
    """Out of order: the failure of a first attempt arrives after the success of the second. The
    worker re-fetches the intent, which says succeeded: the order stays paid."""
    s = placed(shopper, catalog)
    declined = s.pay("pm_card_chargeCustomerFail")
    assert declined.status_code == 402
    stale_intent = intent_json(stripe_client, s.order["payment_client_secret"].split("_secret_")[0])
    assert s.pay("pm_card_visa").json()["status"] == "paid"
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    body = make_event("payment_intent.payment_failed", stale_intent, event_id)
    assert s.client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}).status_code == 200
    wait_until(lambda: stored(container, event_id).processed_at is not None, timeout=30, what="the event processed")
    assert order_status(s.client, s) == "paid"
    assert paid_events(container, s.order["order_id"]) == 1


def test_paid_arriving_before_the_order_is_committed_is_processed_when_it_lands(
    container, stripe_client, signer, make_event, client
) -> None:
    """The success webhook arrives before our order row exists (placement still committing). It
    is stored and deferred, then applied by the worker once the order is there."""
    order_id = uuid.uuid4()
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1050,
            "currency": "cad",
            "payment_method_types": ["card"],
            "payment_method": "pm_card_visa",
            "confirm": True,
            "metadata": {"order_id": str(order_id)},
        }
    )
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    body = make_event("payment_intent.succeeded", intent.to_dict(), event_id)
    assert client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}).status_code == 200
    wait_until(
        lambda: (stored(container, event_id).outcome or "").startswith("deferred"),
        timeout=30,
        what="the event to be deferred",
    )
    with container.uow() as uow:
        uow.orders.add(
            Order(
                id=order_id,
                number=new_order_number(),
                token_digest=uuid.uuid4().hex,
                cart_id=uuid.uuid4(),
                email="late@example.ca",
                province="AB",
                shipping_address={},
                currency="CAD",
                subtotal_minor=1000,
                shipping_minor=0,
                tax_minor=50,
                total_minor=1050,
                reservation_expires_at=now_utc(),
                payment_intent_id=intent.id,
                lines=[
                    OrderLine(
                        sku="LATE-1",
                        product_id=uuid.uuid4(),
                        name_fr="x",
                        name_en="x",
                        quantity=1,
                        unit_price_minor=1000,
                        tax_minor=50,
                    )
                ],
            )
        )
        uow.commit()
    wait_until(lambda: stored(container, event_id).processed_at is not None, timeout=40, what="the sweep")
    with container.uow() as uow:
        assert uow.orders.get(order_id).status == "paid"
    assert paid_events(container, str(order_id)) == 1


def test_events_of_no_interest_are_stored_and_acknowledged(client, container, signer, make_event) -> None:
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    body = make_event("customer.created", {"id": "cus_1", "object": "customer"}, event_id)
    assert client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}).status_code == 200
    assert stored(container, event_id).outcome == "ignored"


def test_an_event_about_an_intent_the_processor_does_not_know_is_closed_not_retried(
    client, container, signer, make_event
) -> None:
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    intent = {"id": f"pi_{uuid.uuid4().hex[:14]}", "object": "payment_intent", "metadata": {}}
    body = make_event("payment_intent.succeeded", intent, event_id)
    assert client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}).status_code == 200
    wait_until(lambda: stored(container, event_id).processed_at is not None, timeout=30, what="the event closed")
    assert stored(container, event_id).outcome == "unknown payment intent"


def test_an_event_about_someone_elses_intent_is_closed_at_once(
    client, container, stripe_client, signer, make_event
) -> None:
    intent = stripe_client.v1.payment_intents.create(
        params={"amount": 500, "currency": "cad", "payment_method_types": ["card"], "metadata": {"shop": "other"}}
    )
    event_id = f"evt_{uuid.uuid4().hex[:20]}"
    body = make_event("payment_intent.succeeded", intent.to_dict(), event_id)
    assert client.post(URL, content=body, headers={"Stripe-Signature": signer(body)}).status_code == 200
    wait_until(lambda: stored(container, event_id).processed_at is not None, timeout=30, what="the event closed")
    assert stored(container, event_id).outcome == "not a checkout payment"
