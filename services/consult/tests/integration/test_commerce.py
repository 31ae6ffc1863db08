"""In-call commerce against the real catalog and checkout of the running stack, attribution from
`checkout.order.paid`, and the after-call notes (staff only) and rating (the shopper)."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from consult.domain.session import Role
from consult.service_layer import commerce, sessions
from consult.service_layer.commerce import on_order_paid
from vitrine_shared.events.contracts import OrderPaid
from vitrine_shared.events.envelope import Envelope
from vitrine_shared.messaging.consumer import EventConsumer, Outcome, Subscription
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def real_variant(container) -> dict:
    """A variant in stock from the running catalog; the test is skipped (saying why) when the
    catalog has none to offer."""
    try:
        products = httpx.get(f"{container.settings.catalog_url}/api/catalog/products", timeout=5).json()["items"]
    except (httpx.HTTPError, KeyError, ValueError):
        pytest.skip("the catalog service is not answering")
    for product in products:
        for variant in product.get("variants", []):
            if not product.get("archived") and variant.get("available", 0) > 0:
                return {"sku": variant["sku"], "product_id": product["id"]}
    pytest.skip("the catalog has no product in stock to share")


def test_advisor_shares_a_product_and_adds_it_to_the_shoppers_cart(
    client: TestClient, call_session, real_variant, container
) -> None:
    session_id, shopper_token, advisor_token, _ = call_session()
    sku = real_variant["sku"]
    shared = client.post(
        f"/api/consult/sessions/{session_id}/products", json={"sku": sku}, headers=bearer(advisor_token)
    )
    assert shared.status_code == 201, shared.text
    assert shared.json()["sku"] == sku and shared.json()["price_minor"] > 0
    messages, _, _ = sessions.pending(container.uow(), session_id, Role.SHOPPER, "reader", 0)
    assert any(m["type"] == "product" and m["card"]["sku"] == sku for m in messages)
    with container.engine.connect() as db:
        events = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == "consult.product.shared")).all()
    assert any(e.envelope["data"]["session_id"] == str(session_id) for e in events)

    # Before the shopper shares a cart, nothing can be added.
    early = client.post(
        f"/api/consult/sessions/{session_id}/cart/lines", json={"sku": sku}, headers=bearer(advisor_token)
    )
    assert early.status_code == 409
    cart = httpx.post(f"{container.settings.checkout_url}/api/checkout/carts", json={}, timeout=5).json()
    wrong = client.put(
        f"/api/consult/sessions/{session_id}/cart",
        json={"cart_id": cart["cart_id"], "cart_token": "not-the-token"},
        headers={"X-Shopper-Token": shopper_token},
    )
    assert wrong.status_code in (401, 403, 404)  # checkout refuses a cart that is not the shopper's
    attached = client.put(
        f"/api/consult/sessions/{session_id}/cart",
        json={"cart_id": cart["cart_id"], "cart_token": cart["cart_token"]},
        headers={"X-Shopper-Token": shopper_token},
    )
    assert attached.status_code == 204, attached.text
    added = client.post(
        f"/api/consult/sessions/{session_id}/cart/lines",
        json={"sku": sku, "quantity": 1},
        headers=bearer(advisor_token),
    )
    assert added.status_code == 201, added.text
    seen = httpx.get(
        f"{container.settings.checkout_url}/api/checkout/carts/{cart['cart_id']}",
        headers={"X-Cart-Token": cart["cart_token"]},
        timeout=5,
    ).json()
    assert seen["consult_session_id"] == str(session_id)
    assert [line["sku"] for line in seen["lines"]] == [sku]


def test_only_the_sessions_advisor_shares_and_strangers_are_refused(
    client: TestClient, call_session, staff_token
) -> None:
    session_id, _, advisor_token, _ = call_session()
    _, _, other_advisor_token, _ = call_session()
    path = f"/api/consult/sessions/{session_id}/products"
    assert client.post(path, json={"sku": "ANY-1"}, headers=bearer(other_advisor_token)).status_code == 403
    assert client.post(path, json={"sku": "ANY-1"}).status_code == 403
    assert client.post(path, json={"sku": "bad sku!"}, headers=bearer(advisor_token)).status_code == 422
    lines = f"/api/consult/sessions/{session_id}/cart/lines"
    assert client.post(lines, json={"sku": "ANY-1"}, headers={"X-Shopper-Token": "guess"}).status_code == 404
    catalog = client.get(
        f"/api/consult/sessions/{session_id}/catalog", params={"q": "x"}, headers=bearer(staff_token("ops"))
    )
    assert catalog.status_code == 403


def test_an_unknown_sku_is_a_clear_404(client: TestClient, call_session) -> None:
    session_id, _, advisor_token, _ = call_session()
    response = client.post(
        f"/api/consult/sessions/{session_id}/products",
        json={"sku": f"NOPE-{uuid.uuid4().hex[:8].upper()}"},
        headers=bearer(advisor_token),
    )
    assert response.status_code == 404


def test_a_paid_order_from_the_call_is_attributed_once(
    client: TestClient, call_session, container, staff_token
) -> None:
    session_id, _, advisor_token, advisor = call_session()
    call = sessions.get_session(container.uow(), session_id)
    with container.uow() as uow:  # the call took place
        held = uow.sessions.get(call.id)
        held.started_at = datetime.now(UTC)
        uow.commit()
    order = OrderPaid(
        order_id=uuid.uuid4(),
        order_number=f"V-{uuid.uuid4().hex[:6]}",
        customer_email="c@example.test",
        province="QC",
        currency="CAD",
        subtotal_minor=10000,
        tax_minor=1498,
        shipping_minor=0,
        total_minor=11498,
        paid_at=datetime.now(UTC),
        lines=[],
        consult_session_id=session_id,
    )
    consumer = EventConsumer(
        Subscription(queue="consult.attribution", handlers={OrderPaid.event_type: on_order_paid}),
        uow_factory=container.uow,
        amqp_url=container.settings.amqp_url,
    )
    body = Envelope.wrap(order, producer="checkout", correlation_id="t").model_dump_json().encode()
    assert consumer.handle(body) is Outcome.ACK
    assert consumer.handle(body) is Outcome.ACK  # redelivered: no second effect
    [line] = commerce.conversion(container.uow(), advisor_id=advisor.id)
    assert line["calls"] == 1 and line["converted_calls"] == 1 and line["orders"] == 1
    assert line["revenue_minor"] == 11498 and line["conversion_rate"] == 1.0
    own = client.get("/api/consult/reports/conversion", headers=bearer(advisor_token))
    assert [row["revenue_minor"] for row in own.json()] == [11498]
    summary = client.get(f"/api/consult/sessions/{session_id}/summary", headers=bearer(staff_token("ops")))
    assert summary.status_code == 200 and summary.json()["revenue_minor"] == 11498
    assert client.get("/api/consult/reports/conversion", headers=bearer(staff_token("shopper"))).status_code == 403


def test_notes_are_for_staff_and_the_shopper_rates_after_the_call(
    client: TestClient, call_session, staff_token
) -> None:
    session_id, shopper_token, advisor_token, _ = call_session()
    _, _, other_advisor_token, _ = call_session()
    notes = f"/api/consult/sessions/{session_id}/notes"
    created = client.post(
        notes, json={"text": "Likes linen; size M.", "tags": ["linen", "follow-up"]}, headers=bearer(advisor_token)
    )
    assert created.status_code == 201, created.text
    assert client.get(notes, headers=bearer(advisor_token)).json()[0]["tags"] == ["follow-up", "linen"]
    assert client.get(notes, headers=bearer(staff_token("ops"))).status_code == 200
    assert client.get(notes, headers=bearer(other_advisor_token)).status_code == 403
    assert client.get(notes, headers={"X-Shopper-Token": shopper_token}).status_code == 401
    assert client.get(notes, headers=bearer(staff_token("shopper"))).status_code == 403
    bad_tag = client.post(notes, json={"text": "x", "tags": ["Not A Tag"]}, headers=bearer(advisor_token))
    assert bad_tag.status_code == 422 and bad_tag.json()["errors"][0]["field"] == "tags"

    rating = f"/api/consult/sessions/{session_id}/rating"
    shopper = {"X-Shopper-Token": shopper_token}
    assert client.post(rating, json={"rating": 5}, headers=shopper).status_code == 409  # not ended yet
    sessions.end(client.app.state.container.uow(), session_id, by=None, reason="test")
    assert client.post(rating, json={"rating": 6}, headers=shopper).status_code == 422
    assert client.post(rating, json={"rating": 5}, headers={"X-Shopper-Token": "guess"}).status_code == 404
    assert client.post(rating, json={"rating": 5, "comment": "Merci !"}, headers=shopper).status_code == 204
    summary = client.get(f"/api/consult/sessions/{session_id}/summary", headers=bearer(advisor_token)).json()
    assert summary["rating"] == 5


def test_a_product_pushed_on_the_socket_appears_on_the_shoppers_screen(live_url, call_session, real_variant) -> None:
    import asyncio
    import json

    import websockets

    session_id, shopper_token, advisor_token, _ = call_session()
    url = live_url.replace("http://", "ws://") + f"/api/consult/sessions/{session_id}/signal"

    async def next_of(socket, kind: str) -> dict:
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 15))
            if message["type"] == kind:
                return message

    async def scenario() -> None:
        async with websockets.connect(url) as advisor, websockets.connect(url) as shopper:
            await advisor.send(json.dumps({"type": "hello", "role": "advisor", "access_token": advisor_token}))
            await shopper.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
            await next_of(advisor, "welcome")
            await next_of(shopper, "welcome")
            await advisor.send(json.dumps({"type": "product", "sku": real_variant["sku"]}))
            assert (await next_of(advisor, "product-shared"))["card"]["sku"] == real_variant["sku"]
            card = (await next_of(shopper, "product"))["card"]
            assert card["sku"] == real_variant["sku"] and set(card["name"]) == {"fr", "en"}
            await shopper.send(json.dumps({"type": "product", "sku": real_variant["sku"]}))
            assert (await next_of(shopper, "error"))["code"] == "forbidden"

    asyncio.run(scenario())


def test_the_shopper_erases_their_booking_notes_and_recordings(
    client: TestClient, make_advisor, staff_token, container, tmp_path
) -> None:
    from datetime import timedelta

    advisor = make_advisor()
    day = (datetime.now(UTC) + timedelta(days=4)).date()
    booked = client.post(
        "/api/consult/bookings",
        json={
            "starts_at": datetime(day.year, day.month, day.day, 15, tzinfo=UTC).isoformat(),
            "mode": "video",
            "language": "fr",
            "category": advisor.skills[0],
            "shopper": {"name": "Effacée", "email": "erase-me@example.test", "phone": "+1 514 555 0100"},
        },
    ).json()
    token = {"X-Booking-Token": booked["token"]}
    session_id = client.post(f"/api/consult/bookings/{booked['id']}/session", headers=token).json()["session_id"]
    own = bearer(staff_token("advisor", subject=str(advisor.staff_id)))
    client.post(f"/api/consult/sessions/{session_id}/notes", json={"text": "Prefers silk."}, headers=own)
    recording = tmp_path / "shopper.webm"
    recording.write_bytes(b"webm")
    sessions.register_recordings(
        container.uow(), uuid.UUID(session_id), {"shopper": str(recording)}, instance="t", retention=timedelta(days=1)
    )
    assert (
        client.delete(f"/api/consult/bookings/{booked['id']}", headers={"X-Booking-Token": "guess"}).status_code == 404
    )
    assert client.delete(f"/api/consult/bookings/{booked['id']}", headers=token).status_code == 204
    assert client.get(f"/api/consult/sessions/{session_id}/notes", headers=own).json() == []
    assert not recording.exists()
    with container.uow() as uow:
        booking = uow.bookings.get(uuid.UUID(booked["id"]))
        assert booking.shopper_email == "erased@invalid" and booking.shopper_phone is None
        assert booking.status == "cancelled" and booking.cancel_reason == "shopper-erased"
