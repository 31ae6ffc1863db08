"""Refunds: approvals from returns arrive over the real broker; the deployed checkout worker
consumes them and refunds at localstripe; ops see every refund."""

import uuid

import pytest
import stripe
from sqlalchemy import select, update

from checkout.adapters.orm import orders, refunds
from vitrine_shared.events.contracts import RefundApproved, ReturnLine
from vitrine_shared.messaging.tables import outbox
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def stripe_client(container) -> stripe.StripeClient:
    return stripe.StripeClient(
        container.settings.stripe_api_key,
        base_addresses={"api": container.settings.stripe_api_base},
        max_network_retries=0,
    )


def paid_order(shopper, catalog) -> dict:
    sku = catalog.stock(f"R-{uuid.uuid4().hex[:8]}", price=5000).sku
    s = shopper()
    s.new_cart([(sku, 2)])
    assert s.place(province="ON").status_code == 201
    paid = s.pay("pm_card_visa")
    assert paid.json()["status"] == "paid"
    return {**s.order, **paid.json(), "sku": sku}


def approval(order: dict, amount: int, return_id: uuid.UUID | None = None) -> RefundApproved:
    return RefundApproved(
        return_id=return_id or uuid.uuid4(),
        order_id=uuid.UUID(order["order_id"]),
        amount_minor=amount,
        currency="CAD",
        lines=[ReturnLine(sku=order["sku"], quantity=1, reason_code="size")],
    )


def refund_row(container, return_id: uuid.UUID):
    with container.engine.connect() as db:
        return db.execute(select(refunds).where(refunds.c.return_id == return_id)).first()


def order_row(container, order_id: str):
    with container.engine.connect() as db:
        return db.execute(select(orders).where(orders.c.id == uuid.UUID(order_id))).first()


def intent_of(container, order_id: str) -> str:
    return order_row(container, order_id).payment_intent_id


def refunded_events(container, order_id: str) -> list[dict]:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == "checkout.order.refunded")).scalars()
        return [row["data"] for row in rows if row["data"]["order_id"] == order_id]


def settled(container, return_id: uuid.UUID) -> bool:
    row = refund_row(container, return_id)
    return row is not None and row.status != "pending"


def test_partial_then_full_refund_and_a_duplicate_approval_refunds_once(
    shopper, catalog, container, publish, stripe_client
) -> None:
    order = paid_order(shopper, catalog)  # 2 x 50.00 = 100.00 $, free shipping, ON 13% -> 113.00 $
    assert order["total_minor"] == 11300
    first = approval(order, 5650)
    envelope = uuid.uuid4()
    publish(first, envelope_id=envelope)
    publish(first, envelope_id=envelope)  # the same message redelivered
    publish(first)  # the same approval published again (another message id)
    wait_until(lambda: settled(container, first.return_id), timeout=30, what="the first refund")
    assert refund_row(container, first.return_id).status == "succeeded"
    assert order_row(container, order["order_id"]).status == "partially_refunded"
    second = approval(order, 5650)
    publish(second)
    wait_until(lambda: settled(container, second.return_id), timeout=30, what="the second refund")
    row = order_row(container, order["order_id"])
    assert (row.status, row.refunded_minor) == ("refunded", 11300)
    at_stripe = stripe_client.v1.refunds.list(params={"payment_intent": intent_of(container, order["order_id"])})
    assert sorted(r.amount for r in at_stripe.data) == [5650, 5650]  # one Stripe refund per return
    events = refunded_events(container, order["order_id"])
    assert sorted((e["amount_minor"], e["status"], e["refunded_total_minor"]) for e in events) == [
        (5650, "succeeded", 5650),
        (5650, "succeeded", 11300),
    ]


def test_an_over_refund_is_refused_by_our_own_check(shopper, catalog, container, publish, stripe_client) -> None:
    order = paid_order(shopper, catalog)
    first = approval(order, 10000)
    publish(first)
    wait_until(lambda: settled(container, first.return_id), timeout=30, what="the first refund")
    too_much = approval(order, 1301)  # 113.00 - 100.00 = 13.00 $ left
    publish(too_much)
    wait_until(lambda: settled(container, too_much.return_id), timeout=30, what="the refusal")
    refused = refund_row(container, too_much.return_id)
    assert refused.status == "refused"
    assert "exceeds" in refused.last_error
    at_stripe = stripe_client.v1.refunds.list(params={"payment_intent": intent_of(container, order["order_id"])})
    assert [r.amount for r in at_stripe.data] == [10000]
    assert order_row(container, order["order_id"]).refunded_minor == 10000
    assert any(
        e["status"] == "failed" and e["amount_minor"] == 1301 for e in refunded_events(container, order["order_id"])
    )


def test_a_failing_refund_is_retried_and_shown_to_ops(
    shopper, catalog, container, publish, client, staff_token
) -> None:
    order = paid_order(shopper, catalog)
    real_intent = intent_of(container, order["order_id"])
    # The processor will refuse: the order points at an intent it does not know.
    with container.engine.begin() as db:
        db.execute(
            update(orders).where(orders.c.id == uuid.UUID(order["order_id"])).values(payment_intent_id="pi_unknown000")
        )
    failing = approval(order, 1000)
    publish(failing)
    wait_until(
        lambda: (row := refund_row(container, failing.return_id)) is not None and row.attempts >= 2,
        timeout=30,
        what="two failed attempts",
    )
    row = refund_row(container, failing.return_id)
    assert row.status == "pending" and row.last_error
    ops = {"Authorization": f"Bearer {staff_token('ops@vitrine.test')}"}
    listed = client.get("/api/checkout/refunds?status=pending&limit=500", headers=ops)
    assert listed.status_code == 200
    [shown] = [r for r in listed.json() if r["return_id"] == str(failing.return_id)]
    assert shown["attempts"] >= 2 and shown["last_error"]
    # Once the cause is fixed, ops retry and it goes through.
    with container.engine.begin() as db:
        db.execute(
            update(orders).where(orders.c.id == uuid.UUID(order["order_id"])).values(payment_intent_id=real_intent)
        )
    retried = client.post(f"/api/checkout/refunds/{row.id}/retry", headers=ops)
    assert retried.status_code == 200
    wait_until(
        lambda: refund_row(container, failing.return_id).status == "succeeded", timeout=30, what="the retried refund"
    )
    assert order_row(container, order["order_id"]).status == "partially_refunded"


def test_the_refund_list_is_for_ops_only(client, staff_token) -> None:
    assert client.get("/api/checkout/refunds").status_code == 401
    advisor = {"Authorization": f"Bearer {staff_token('camille@vitrine.test')}"}
    assert client.get("/api/checkout/refunds", headers=advisor).status_code == 403
    admin = {"Authorization": f"Bearer {staff_token('admin@vitrine.test')}"}
    assert client.get("/api/checkout/refunds", headers=admin).status_code == 200
