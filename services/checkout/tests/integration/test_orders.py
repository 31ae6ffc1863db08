"""Orders through checkout's HTTP app: real database, real localstripe (catalog: in-memory fake)."""

import uuid

import pytest
import stripe
from sqlalchemy import func, select

from checkout.adapters.orm import orders
from checkout.service_layer import carts
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration


@pytest.fixture
def stripe_client(container) -> stripe.StripeClient:
    return stripe.StripeClient(
        container.settings.stripe_api_key,
        base_addresses={"api": container.settings.stripe_api_base},
        max_network_retries=0,
    )


def card(stripe_client: stripe.StripeClient, number: str) -> str:
    """What Stripe.js does in the browser: a PaymentMethod from a card number."""
    method = stripe_client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    return method.id


def events_for(container, event_type: str, order_id: str) -> list[dict]:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type)).scalars()
        return [row["data"] for row in rows if row["data"].get("order_id") == order_id]


def placed(shopper, catalog, *, price: int = 2500, quantity: int = 2, session: str | None = None, **stock):
    sku = catalog.stock(f"O-{uuid.uuid4().hex[:8]}", price=price, hygiene_class="sealed_hygiene", **stock).sku
    s = shopper()
    assert s.new_cart([(sku, quantity)]).status_code == 201
    if session:
        s.client.put(
            f"/api/checkout/carts/{s.cart_id}/consult-session", json={"session_id": session}, headers=s.cart_headers
        )
    response = s.place()
    assert response.status_code == 201, response.text
    return s, sku


def test_placing_holds_stock_creates_an_intent_and_raises_placed(shopper, catalog, container, stripe_client) -> None:
    session = str(uuid.uuid4())
    s, sku = placed(shopper, catalog, session=session)
    order = s.order
    assert order["status"] == "pending_payment"
    assert order["order_token"] and order["payment_client_secret"]
    # 2 x 25.00 + 9.95 shipping = 59.95 in Quebec: GST 3.00 + QST 5.98
    assert (order["subtotal_minor"], order["shipping_minor"], order["tax_minor"]) == (5000, 995, 898)
    assert order["total_minor"] == 6893
    assert catalog.reservations[uuid.UUID(order["order_id"])] == [(sku, 2)]  # order id = reservation id
    with container.engine.connect() as db:
        intent_id = db.execute(
            select(orders.c.payment_intent_id).where(orders.c.id == uuid.UUID(order["order_id"]))
        ).scalar_one()
    intent = stripe_client.v1.payment_intents.retrieve(intent_id)
    assert intent.amount == 6893
    assert intent.metadata["order_id"] == order["order_id"]
    assert intent.metadata["consult_session_id"] == session
    [event] = events_for(container, "checkout.order.placed", order["order_id"])
    assert event["consult_session_id"] == session
    assert event["lines"][0]["sku"] == sku


def test_pay_with_a_visa_and_the_paid_event_carries_the_lines(shopper, catalog, container) -> None:
    s, sku = placed(shopper, catalog, final_sale=True)
    paid = s.pay("pm_card_visa")
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    [event] = events_for(container, "checkout.order.paid", s.order["order_id"])
    assert event["customer_email"] == "camille@example.ca"
    assert event["province"] == "QC"
    assert (event["subtotal_minor"], event["tax_minor"], event["shipping_minor"], event["total_minor"]) == (
        5000,
        898,
        995,
        6893,
    )
    [line] = event["lines"]
    assert (line["sku"], line["quantity"], line["unit_price_minor"]) == (sku, 2, 2500)
    assert line["hygiene_class"] == "sealed_hygiene" and line["final_sale"] is True
    assert 0 < line["tax_minor"] < 898  # its share; shipping carries the rest
    again = s.pay("pm_card_visa")
    assert again.status_code == 409
    assert again.json()["current_state"] == "paid"


def test_order_lines_in_the_events_name_the_products_main_category(shopper, catalog, container) -> None:
    s, _ = placed(shopper, catalog, category="chaussures")
    [placed_event] = events_for(container, "checkout.order.placed", s.order["order_id"])
    assert [line["category"] for line in placed_event["lines"]] == ["chaussures"]
    assert s.pay("pm_card_visa").status_code == 200
    [paid_event] = events_for(container, "checkout.order.paid", s.order["order_id"])
    assert [line["category"] for line in paid_event["lines"]] == ["chaussures"]  # read back from the order


def test_a_declined_card_leaves_the_order_pending_and_another_card_pays(
    shopper, catalog, container, stripe_client
) -> None:
    s, _ = placed(shopper, catalog)
    declined = s.pay(card(stripe_client, "4000000000000341"))
    assert declined.status_code == 402
    assert declined.headers["content-type"] == "application/problem+json"
    assert "declined" in declined.json()["reason"]
    order = s.read_order()
    assert order["status"] == "pending_payment"
    assert "declined" in order["payment_error"]
    declined_again = s.pay("pm_card_chargeCustomerFail")  # the same decline, as a test PaymentMethod
    assert declined_again.status_code == 402
    retried = s.pay(card(stripe_client, "4242424242424242"))
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "paid"
    assert retried.json()["payment_error"] is None
    assert len(events_for(container, "checkout.order.paid", s.order["order_id"])) == 1


def test_an_order_opens_only_with_its_token_or_number_and_email(shopper, catalog) -> None:
    alice, _ = placed(shopper, catalog)
    mallory, _ = placed(shopper, catalog)
    url = f"/api/checkout/orders/{alice.order['order_id']}"
    assert alice.client.get(url, headers=alice.order_headers).status_code == 200
    assert alice.client.get(url, headers=mallory.order_headers).status_code == 403
    assert alice.client.get(url).status_code == 401
    assert (
        alice.client.post(
            f"{url}/payments", json={"payment_method": "pm_card_visa"}, headers=mallory.order_headers
        ).status_code
        == 403
    )
    lookup = alice.client.post(
        "/api/checkout/orders/lookup",
        json={"order_number": alice.order["order_number"].lower(), "email": "Camille@Example.ca"},
    )
    assert lookup.status_code == 200
    assert lookup.json()["order_id"] == alice.order["order_id"]
    wrong_email = alice.client.post(
        "/api/checkout/orders/lookup", json={"order_number": alice.order["order_number"], "email": "x@example.ca"}
    )
    unknown = alice.client.post(
        "/api/checkout/orders/lookup", json={"order_number": "VT-NOPE0000", "email": "camille@example.ca"}
    )
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json()["detail"] == unknown.json()["detail"]


def test_insufficient_stock_at_placement_is_409_and_writes_no_order(shopper, catalog, container) -> None:
    sku = catalog.stock(f"L-{uuid.uuid4().hex[:8]}", available=3).sku
    s = shopper()
    s.new_cart([(sku, 3)])
    catalog.stock(sku, available=1)  # someone else bought two meanwhile
    before = _orders(container)
    refused = s.place()
    assert refused.status_code == 409
    assert refused.json()["sku"] == sku
    assert _orders(container) == before
    cart = s.client.get(f"/api/checkout/carts/{s.cart_id}", headers=s.cart_headers).json()
    assert cart["status"] == "open"


def test_a_cart_places_one_order_only_and_an_empty_cart_none(shopper, catalog) -> None:
    s, _ = placed(shopper, catalog)
    again = s.place()
    assert again.status_code == 409
    empty = shopper()
    empty.new_cart()
    refused = empty.place()
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "cart"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"province": "ZZ"}, "province"),
        ({"shipping_address": {"name": "x"}}, "shipping_address.line1"),
    ],
)
def test_bad_order_input_is_422_naming_the_field(shopper, catalog, change, field) -> None:
    sku = catalog.stock(f"B-{uuid.uuid4().hex[:8]}").sku
    s = shopper()
    s.new_cart([(sku, 1)])
    body = {
        "cart_id": s.cart_id,
        "email": "a@example.ca",
        "province": "ON",
        "shipping_address": {"name": "A", "line1": "1 King St", "city": "Toronto", "postal_code": "M5H 2N2"},
    }
    refused = s.client.post("/api/checkout/orders", json={**body, **change}, headers=s.cart_headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field


def test_a_malformed_payment_method_is_422(shopper, catalog) -> None:
    s, _ = placed(shopper, catalog)
    assert s.pay("4242424242424242").status_code == 422


def _orders(container) -> int:
    with container.engine.connect() as db:
        return db.execute(select(func.count()).select_from(orders)).scalar_one()


def test_an_expired_reservation_cancels_the_order_and_its_intent(shopper, catalog, container, stripe_client) -> None:
    from sqlalchemy import update

    from checkout.service_layer.orders import expire_unpaid_orders

    s, _ = placed(shopper, catalog)
    order_id = uuid.UUID(s.order["order_id"])
    with container.engine.begin() as db:
        db.execute(update(orders).where(orders.c.id == order_id).values(reservation_expires_at=func.now()))
    expire_unpaid_orders(container.uow(), container.payments)  # the worker's job, run here (SKIP LOCKED)
    order = s.read_order()
    assert (order["status"], order["cancel_reason"]) == ("cancelled", "reservation_expired")
    [event] = events_for(container, "checkout.order.cancelled", s.order["order_id"])
    assert event["reason"] == "reservation_expired" and event["lines"]
    intent_id = s.order["payment_client_secret"].split("_secret_")[0]
    assert stripe_client.v1.payment_intents.retrieve(intent_id).status == "canceled"
    late = s.pay("pm_card_visa")
    assert late.status_code == 409
    assert late.json()["current_state"] == "cancelled"


def test_an_intent_the_processor_no_longer_knows_does_not_block_expiry(shopper, catalog, container) -> None:
    from sqlalchemy import update

    from checkout.service_layer.orders import expire_unpaid_orders

    lost, _ = placed(shopper, catalog)
    fine, _ = placed(shopper, catalog)
    with container.engine.begin() as db:
        db.execute(
            update(orders)
            .where(orders.c.id == uuid.UUID(lost.order["order_id"]))
            .values(payment_intent_id=f"pi_gone{uuid.uuid4().hex[:12]}", reservation_expires_at=func.now())
        )
        db.execute(
            update(orders)
            .where(orders.c.id == uuid.UUID(fine.order["order_id"]))
            .values(reservation_expires_at=func.now())
        )
    expire_unpaid_orders(container.uow(), container.payments)
    assert lost.read_order()["status"] == "cancelled"
    assert fine.read_order()["status"] == "cancelled"


def test_changing_the_cart_after_a_failed_placement_takes_a_new_reservation(shopper, catalog) -> None:
    a = catalog.stock(f"P-{uuid.uuid4().hex[:8]}", available=1).sku
    b = catalog.stock(f"Q-{uuid.uuid4().hex[:8]}", available=5).sku
    s = shopper()
    s.new_cart([(a, 1), (b, 1)])
    catalog.stock(a, available=0)  # sold out meanwhile: placement refused
    assert s.place().status_code == 409
    s.client.delete(f"/api/checkout/carts/{s.cart_id}/lines/{a}", headers=s.cart_headers)
    assert s.place().status_code == 201
    assert catalog.reservations[uuid.UUID(s.order["order_id"])] == [(b, 1)]


class RecordingPayments:
    """The real gateway, remembering the intents it created (to look at them afterwards)."""

    def __init__(self, real) -> None:
        self._real = real
        self.created: list[str] = []
        self.keys: list[str] = []

    def create_intent(self, **kwargs):
        intent = self._real.create_intent(**kwargs)
        self.created.append(intent.id)
        self.keys.append(kwargs["idempotency_key"])
        return intent

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.fixture
def recorded(container) -> RecordingPayments:
    spy = RecordingPayments(container.payments)
    container.payments = spy  # type: ignore[misc]  (cached_property: the instance attribute wins)
    return spy


def test_a_placement_raced_by_a_cart_change_cancels_its_intent_and_gives_its_hold_back(
    shopper, catalog, container, recorded, stripe_client
) -> None:
    a = catalog.stock(f"R-{uuid.uuid4().hex[:8]}", available=5).sku
    b = catalog.stock(f"S-{uuid.uuid4().hex[:8]}", available=5).sku
    s = shopper()
    s.new_cart([(a, 1)])
    reserve = catalog.reserve

    def reserve_while_the_shopper_adds_a_line(*args, **kwargs):
        # The cart is read without a lock at placement: a line added now must be noticed.
        carts.add_line(
            container.uow(),
            catalog,
            container.shipping,
            cart_id=uuid.UUID(s.cart_id),
            access=carts.CartAccess(token=s.cart_token),
            sku=b,
            quantity=1,
            ttl_hours=1,
        )
        return reserve(*args, **kwargs)

    catalog.reserve = reserve_while_the_shopper_adds_a_line
    before = _orders(container)
    refused = s.place()
    assert refused.status_code == 409, refused.text
    assert "changed" in refused.json()["detail"]
    assert _orders(container) == before
    [intent_id] = recorded.created
    assert stripe_client.v1.payment_intents.retrieve(intent_id).status == "canceled"
    assert len(catalog.released) == 1 and catalog.released[0] not in catalog.reservations
    assert catalog.variants[a].available == 5, "the lost placement's hold was not given back"
    catalog.reserve = reserve
    assert s.place().status_code == 201  # the cart as it is now places (a new order id)
    assert sorted(catalog.reservations[uuid.UUID(s.order["order_id"])]) == sorted([(a, 1), (b, 1)])


def test_a_double_click_keeps_the_winning_orders_hold(shopper, catalog, container) -> None:
    sku = catalog.stock(f"D-{uuid.uuid4().hex[:8]}", available=5).sku
    s = shopper()
    s.new_cart([(sku, 2)])
    reserve = catalog.reserve
    twin: list[int] = []

    def the_other_click_lands_first(*args, **kwargs):
        if not twin:  # the second request of the double click, placed while the first one waits
            twin.append(0)
            catalog.reserve = reserve
            twin[0] = s.place().status_code
        return reserve(*args, **kwargs)

    catalog.reserve = the_other_click_lands_first
    refused = s.place()
    assert twin == [201]
    assert refused.status_code == 409, refused.text
    # Same lines, same order id, same reservation: the loser must not give the winner's hold back.
    assert catalog.released == []
    assert catalog.variants[sku].available == 3


def test_stock_refused_at_placement_makes_no_intent_and_a_retry_pays(shopper, catalog, container, recorded) -> None:
    sku = catalog.stock(f"U-{uuid.uuid4().hex[:8]}", available=2).sku
    s = shopper()
    s.new_cart([(sku, 2)])
    catalog.stock(sku, available=1)
    assert s.place().status_code == 409
    # The hold comes first, so a refused one leaves no chargeable intent behind (and no
    # idempotency key that Stripe would answer with a stale intent on the retry).
    assert recorded.created == []
    catalog.stock(sku, available=2)
    placed_again = s.place()
    assert placed_again.status_code == 201, placed_again.text
    assert len(recorded.created) == 1
    assert s.pay("pm_card_visa").json()["status"] == "paid"


def test_placement_prices_from_the_reservation_answer(shopper, catalog, container) -> None:
    sku = catalog.stock(f"V-{uuid.uuid4().hex[:8]}", available=3, price=1500).sku
    s = shopper()
    s.new_cart([(sku, 1)])
    catalog.stock(sku, available=3, price=1700)  # the price moved after the line was added
    reads = catalog.variant_calls
    placed = s.place()
    assert placed.status_code == 201, placed.text
    assert catalog.variant_calls == reads, "the reservation answered the price; no second read"
    assert placed.json()["subtotal_minor"] == 1700


def test_the_first_card_confirms_without_reading_the_intent_first(shopper, catalog, container) -> None:
    reads: list[str] = []
    real = container.payments
    spy = RecordingPayments(real)
    spy.retrieve_intent = lambda intent_id: reads.append(intent_id) or real.retrieve_intent(intent_id)  # type: ignore[method-assign]
    container.payments = spy  # type: ignore[misc]
    s, _ = placed(shopper, catalog)
    assert s.pay("pm_card_visa").json()["status"] == "paid"
    assert reads == []
