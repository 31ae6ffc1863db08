"""Clients of the other services consult calls while a call is on (their published OpenAPI)."""

import uuid
from typing import Any

from vitrine_shared.service_client import ServiceClient, ServiceTokenProvider


class CatalogClient:
    """Catalog's public search and variant look-up."""

    def __init__(self, base_url: str) -> None:
        self._http = ServiceClient(base_url, None, service="catalog")

    def search(self, query: str, *, per_page: int = 12) -> dict[str, Any]:
        return self._http.get("/api/catalog/search", params={"q": query, "per_page": per_page}).json()

    def variant(self, sku: str) -> dict[str, Any]:
        return self._http.get(f"/api/catalog/variants/{sku}").json()


class CheckoutClient:
    """Checkout's carts: attaching a call (with the shopper's own cart token, which proves the
    cart is theirs) and adding lines (with consult's service token)."""

    def __init__(self, base_url: str, tokens: ServiceTokenProvider) -> None:
        self._as_shopper = ServiceClient(base_url, None, service="checkout")
        self._as_service = ServiceClient(base_url, tokens, service="checkout")

    def attach_session(self, cart_id: uuid.UUID, cart_token: str, session_id: uuid.UUID) -> None:
        self._as_shopper.request(
            "PUT",
            f"/api/checkout/carts/{cart_id}/consult-session",
            json={"session_id": str(session_id)},
            headers={"X-Cart-Token": cart_token},
        )

    def add_line(self, cart_id: uuid.UUID, sku: str, quantity: int) -> dict[str, Any]:
        return self._as_service.post(
            f"/api/checkout/carts/{cart_id}/lines", json={"sku": sku, "quantity": quantity}
        ).json()
