"""Products through the HTTP app against the real catalog database."""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from catalog.adapters.orm import search_pending, stock_adjustments
from catalog.bootstrap import Container
from vitrine_shared.auth.principal import Role
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration
API = "/api/catalog"


def outbox_events(container: Container, event_type: str, key: str, value: str) -> list[dict[str, Any]]:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type)).scalars()
        return [row["data"] for row in rows if row["data"].get(key) == value]


def test_create_then_read_by_id_sku_and_variant(
    client: TestClient, container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    by_id = client.get(f"{API}/products/{product['id']}")
    assert by_id.status_code == 200
    assert by_id.json()["name"]["fr"].startswith("Article d'essai zq")
    assert by_id.json()["available"] == 5
    by_sku = client.get(f"{API}/products/by-sku/{product['sku']}")
    assert by_sku.json()["id"] == product["id"]
    variant = client.get(f"{API}/variants/{product['sku']}-42-NOIR").json()
    assert variant == {
        "sku": f"{product['sku']}-42-NOIR",
        "product_id": product["id"],
        "product_sku": product["sku"],
        "name": product["name"],
        "size": "42",
        "colour": "noir",
        "price_minor": 12999,
        "currency": "CAD",
        "available": 5,
        "hygiene_class": "standard",
        "final_sale": False,
        "consult_available": False,
        "archived": False,
        "categories": product["categories"],
    }
    assert outbox_events(container, "catalog.product.upserted", "sku", product["sku"])
    with container.engine.connect() as db:
        queued = db.execute(
            select(search_pending.c.product_id).where(search_pending.c.product_id == uuid.UUID(product["id"]))
        )
        audit = db.execute(
            select(stock_adjustments).where(stock_adjustments.c.variant_sku == f"{product['sku']}-42-NOIR")
        )
        assert audit.first().reason == "initial stock"  # type: ignore[union-attr]
    assert queued is not None


def test_product_detail_etag_answers_304_until_the_product_changes(
    client: TestClient, ops_headers: dict[str, str], create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    first = client.get(f"{API}/products/{product['id']}")
    etag = first.headers["etag"]
    assert client.get(f"{API}/products/{product['id']}", headers={"If-None-Match": etag}).status_code == 304
    changed = client.patch(f"{API}/staff/products/{product['id']}", json={"price_minor": 9999}, headers=ops_headers)
    assert changed.status_code == 200, changed.text
    again = client.get(f"{API}/products/{product['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.json()["price_minor"] == 9999
    assert again.headers["etag"] != etag


def test_list_filters_by_category_and_hides_archived(
    client: TestClient, ops_headers: dict[str, str], create_product: Callable[..., dict[str, Any]]
) -> None:
    category = f"test-{uuid.uuid4().hex[:8]}"
    kept = create_product(categories=[category])
    archived = create_product(categories=[category])
    response = client.post(f"{API}/staff/products/{archived['id']}/archive", headers=ops_headers)
    assert response.status_code == 200 and response.json()["archived"] is True
    listed = client.get(f"{API}/products", params={"category": category}).json()
    assert [item["id"] for item in listed["items"]] == [kept["id"]]
    assert listed["total"] == 1
    # Archived products stay readable (links, orders) and say so; they cannot be edited.
    assert client.get(f"{API}/products/{archived['id']}").json()["archived"] is True
    assert (
        client.patch(f"{API}/staff/products/{archived['id']}", json={"price_minor": 1}, headers=ops_headers).status_code
        == 409
    )


def test_stock_adjustment_is_audited_and_refuses_going_below_reserved(
    client: TestClient, container: Container, ops_headers: dict[str, str], create_product: Callable[..., dict[str, Any]]
) -> None:
    product = create_product()
    sku = f"{product['sku']}-42-NOIR"
    added = client.post(
        f"{API}/staff/variants/{sku}/stock-adjustments", json={"delta": 3, "reason": "cycle count"}, headers=ops_headers
    )
    assert added.status_code == 201, added.text
    assert added.json()["on_hand"] == 8
    too_many = client.post(
        f"{API}/staff/variants/{sku}/stock-adjustments", json={"delta": -9, "reason": "shrinkage"}, headers=ops_headers
    )
    assert too_many.status_code == 409
    history = client.get(f"{API}/staff/variants/{sku}/stock-adjustments", headers=ops_headers).json()
    assert [entry["reason"] for entry in history][:2] == ["cycle count", "initial stock"]
    assert history[0]["actor"].startswith("ops:")
    events = outbox_events(container, "catalog.stock.changed", "variant_sku", sku)
    assert events[-1]["on_hand"] == 8 and events[-1]["available"] == 8


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price_minor": -1}, "price_minor"),
        ({"price_minor": "12.99"}, "price_minor"),
        ({"currency": "XYZ"}, "currency"),
        ({"sku": "bad sku!"}, "sku"),
        ({"variants": []}, "variants"),
        ({"variants": [{"sku": "no spaces allowed"}]}, "variants[0].sku"),
        ({"hygiene_class": "clean-ish"}, "hygiene_class"),
        ({"name": {"fr": "", "en": "x"}}, "name.fr"),
        ({"categories": ["Not A Slug"]}, "categories[0]"),
    ],
)
def test_bad_product_input_is_422_naming_the_field(
    client: TestClient,
    ops_headers: dict[str, str],
    product_body: Callable[..., dict[str, Any]],
    change: dict[str, Any],
    field: str,
) -> None:
    response = client.post(f"{API}/staff/products", json=product_body(**change), headers=ops_headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == field


def test_duplicate_sku_is_409(
    client: TestClient, ops_headers: dict[str, str], product_body: Callable[..., dict[str, Any]]
) -> None:
    body = product_body()
    assert client.post(f"{API}/staff/products", json=body, headers=ops_headers).status_code == 201
    again = client.post(f"{API}/staff/products", json=body, headers=ops_headers)
    assert again.status_code == 409
    other = product_body(variants=[{"sku": body["variants"][0]["sku"]}])
    assert client.post(f"{API}/staff/products", json=other, headers=ops_headers).status_code == 409


def test_unknown_things_are_404_and_malformed_ids_422(client: TestClient) -> None:
    assert client.get(f"{API}/products/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{API}/products/by-sku/NOPE-{uuid.uuid4().hex[:8].upper()}").status_code == 404
    missing = client.get(f"{API}/variants/NOPE-{uuid.uuid4().hex[:8].upper()}")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"{API}/products/not-a-uuid").status_code == 422
    assert client.get(f"{API}/variants/lower case").status_code == 422


def test_staff_routes_refuse_anonymous_shoppers_and_advisors(
    client: TestClient, issue_token: Callable[..., str], product_body: Callable[..., dict[str, Any]]
) -> None:
    body = product_body()
    assert client.post(f"{API}/staff/products", json=body).status_code == 401
    for role in (Role.SHOPPER, Role.ADVISOR, Role.SERVICE):
        headers = {"Authorization": f"Bearer {issue_token(role)}"}
        assert client.post(f"{API}/staff/products", json=body, headers=headers).status_code == 403
    admin = {"Authorization": f"Bearer {issue_token(Role.ADMIN)}"}
    assert client.post(f"{API}/staff/products", json=body, headers=admin).status_code == 201


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_240,
        "robe\x00\x07\x1b[31m",
        "👗🩱🔥",
        "فستان صيفي",
        "שמלה",
        "\u202erobe\u202c",
        "'; DROP TABLE products; --",
        '{"query": {"match_all": {}}}',
        "title:robe AND (price:[0 TO 10] OR *)",
    ],
)
def test_hostile_query_strings_get_a_normal_answer_or_a_clear_4xx(client: TestClient, text: str) -> None:
    for path, params in (
        ("/products", {"category": text}),
        ("/search", {"q": text}),
        ("/suggest", {"q": text}),
        (f"/products/by-sku/{quote(text, safe='')}", {}),
        (f"/variants/{quote(text, safe='')}", {}),
    ):
        response = client.get(f"{API}{path}", params=params)
        assert response.status_code < 500 or response.status_code == 503, (path, response.status_code, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
