"""Carts through checkout's HTTP app, against its real database (catalog: in-memory fake)."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from checkout.adapters.orm import cart_lines, carts
from checkout.domain.model import MAX_LINES

pytestmark = pytest.mark.integration


def test_a_new_cart_is_priced_by_the_catalog_and_its_token_opens_it(shopper, catalog) -> None:
    sku = catalog.stock(f"TEE-{uuid.uuid4().hex[:6]}", price=2500).sku
    s = shopper()
    created = s.new_cart()
    assert created.status_code == 201
    assert created.json()["cart_token"]
    added = s.add(sku, 2, unit_price_minor=1)  # a price sent by the client is ignored
    assert added.status_code == 200, added.text
    body = added.json()
    assert body["lines"][0]["unit_price_minor"] == 2500
    assert body["totals"]["subtotal_minor"] == 5000
    assert body["totals"]["shipping_minor"] == 995
    estimate = s.client.get(f"/api/checkout/carts/{s.cart_id}?province=QC", headers=s.cart_headers).json()
    assert [t["code"] for t in estimate["totals"]["taxes"]] == ["GST", "QST"]
    assert estimate["totals"]["tax_minor"] == 300 + 598


def test_only_the_digest_of_the_cart_token_is_stored(shopper, container) -> None:
    s = shopper()
    s.new_cart()
    with container.engine.connect() as db:
        digest = db.execute(select(carts.c.token_digest).where(carts.c.id == uuid.UUID(s.cart_id))).scalar_one()
    assert digest != s.cart_token
    assert s.cart_token not in digest


def test_update_and_remove_lines(shopper, catalog) -> None:
    a, b = catalog.stock(f"A-{uuid.uuid4().hex[:6]}").sku, catalog.stock(f"B-{uuid.uuid4().hex[:6]}").sku
    s = shopper()
    s.new_cart([(a, 1), (b, 1)])
    changed = s.client.put(f"/api/checkout/carts/{s.cart_id}/lines/{a}", json={"quantity": 4}, headers=s.cart_headers)
    assert changed.status_code == 200
    assert {line["sku"]: line["quantity"] for line in changed.json()["lines"]} == {a: 4, b: 1}
    removed = s.client.delete(f"/api/checkout/carts/{s.cart_id}/lines/{b}", headers=s.cart_headers)
    assert [line["sku"] for line in removed.json()["lines"]] == [a]
    again = s.client.delete(f"/api/checkout/carts/{s.cart_id}/lines/{b}", headers=s.cart_headers)
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


def test_another_shoppers_token_and_no_token_are_refused(shopper, catalog) -> None:
    sku = catalog.stock(f"C-{uuid.uuid4().hex[:6]}").sku
    alice, mallory = shopper(), shopper()
    alice.new_cart()
    mallory.new_cart()
    stolen = alice.client.post(
        f"/api/checkout/carts/{alice.cart_id}/lines", json={"sku": sku, "quantity": 1}, headers=mallory.cart_headers
    )
    assert stolen.status_code == 403
    anonymous = alice.client.get(f"/api/checkout/carts/{alice.cart_id}")
    assert anonymous.status_code == 401
    assert alice.client.get(f"/api/checkout/carts/{alice.cart_id}", headers=alice.cart_headers).json()["lines"] == []


def test_a_service_token_adds_lines_on_the_advisors_behalf(shopper, catalog, service_token, staff_token) -> None:
    sku = catalog.stock(f"S-{uuid.uuid4().hex[:6]}").sku
    s = shopper()
    s.new_cart()
    session_id = str(uuid.uuid4())
    as_service = {"Authorization": f"Bearer {service_token}"}
    assert (
        s.client.post(
            f"/api/checkout/carts/{s.cart_id}/lines", json={"sku": sku, "quantity": 1}, headers=as_service
        ).status_code
        == 200
    )
    attached = s.client.put(
        f"/api/checkout/carts/{s.cart_id}/consult-session", json={"session_id": session_id}, headers=as_service
    )
    assert attached.json()["consult_session_id"] == session_id
    advisor = {"Authorization": f"Bearer {staff_token('camille@vitrine.test')}"}
    assert s.client.get(f"/api/checkout/carts/{s.cart_id}", headers=advisor).status_code == 403


@pytest.mark.parametrize("quantity", [0, -3, 100, 10**12])
def test_bad_quantities_are_422_naming_the_field_and_write_nothing(shopper, catalog, quantity) -> None:
    sku = catalog.stock(f"Q-{uuid.uuid4().hex[:6]}").sku
    s = shopper()
    s.new_cart()
    refused = s.add(sku, quantity)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "quantity"
    assert s.client.get(f"/api/checkout/carts/{s.cart_id}", headers=s.cart_headers).json()["lines"] == []


def test_unknown_sku_is_404_and_too_many_is_409_with_the_count(shopper, catalog) -> None:
    sku = catalog.stock(f"U-{uuid.uuid4().hex[:6]}", available=2).sku
    s = shopper()
    s.new_cart()
    unknown = s.add("NO-SUCH-SKU")
    assert unknown.status_code == 404
    assert unknown.json()["sku"] == "NO-SUCH-SKU"
    short = s.add(sku, 3)
    assert short.status_code == 409
    assert short.json()["available"] == 2
    malformed = s.add("bad sku with spaces")
    assert malformed.status_code == 422


def test_a_ten_thousand_line_cart_is_refused_whole(client, catalog, container) -> None:
    sku = catalog.stock(f"X-{uuid.uuid4().hex[:6]}").sku
    before = _count(container, carts)
    refused = client.post("/api/checkout/carts", json={"lines": [{"sku": sku, "quantity": 1}] * 10_000})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "lines"
    assert _count(container, carts) == before


def test_a_cart_is_full_at_max_lines(shopper, catalog) -> None:
    skus = [catalog.stock(f"F{index}-{uuid.uuid4().hex[:6]}").sku for index in range(MAX_LINES + 1)]
    s = shopper()
    assert s.new_cart([(sku, 1) for sku in skus[:MAX_LINES]]).status_code == 201
    full = s.add(skus[-1])
    assert full.status_code == 409
    assert full.json()["max_lines"] == MAX_LINES


def test_creating_a_cart_with_an_unknown_sku_writes_nothing(client, catalog, container) -> None:
    good = catalog.stock(f"G-{uuid.uuid4().hex[:6]}").sku
    before = _count(container, carts), _count(container, cart_lines)
    refused = client.post(
        "/api/checkout/carts", json={"lines": [{"sku": good, "quantity": 1}, {"sku": "MISSING-1", "quantity": 1}]}
    )
    assert refused.status_code == 404
    assert (_count(container, carts), _count(container, cart_lines)) == before


def test_an_expired_cart_token_is_410(shopper, catalog, container) -> None:
    sku = catalog.stock(f"E-{uuid.uuid4().hex[:6]}").sku
    s = shopper()
    s.new_cart()
    with container.engine.begin() as db:
        db.execute(
            update(carts).where(carts.c.id == uuid.UUID(s.cart_id)).values(expires_at=func.now() - timedelta(minutes=1))
        )
    expired = s.add(sku)
    assert expired.status_code == 410
    assert expired.headers["content-type"] == "application/problem+json"


def _count(container, table) -> int:
    with container.engine.connect() as db:
        return db.execute(select(func.count()).select_from(table)).scalar_one()
