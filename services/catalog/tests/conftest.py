"""Fixtures for catalog's tests: the real catalog database and Elasticsearch of the local run,
tokens minted with the local signing key, and products with unique SKUs per test."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.bootstrap import Container
from catalog.entrypoints.http import create_app
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.settings import VAR_DIR


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


@pytest.fixture(scope="session")
def container(client: TestClient) -> Container:
    return client.app.state.container  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def issue_token() -> Callable[..., str]:
    issuer = TokenIssuer((VAR_DIR / "keys" / "auth-private.pem").read_text())

    def issue(*roles: Role, subject: str = "test") -> str:
        return issuer.issue(
            Principal(subject=f"{subject}:{uuid.uuid4().hex[:6]}", roles=frozenset(roles), name=subject)
        )

    return issue


@pytest.fixture(scope="session")
def ops_headers(issue_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(Role.OPS, subject='ops')}"}


@pytest.fixture(scope="session")
def service_headers(issue_token: Callable[..., str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(Role.SERVICE, subject='checkout')}"}


def unique_sku(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


@pytest.fixture
def new_sku() -> Callable[[str], str]:
    return unique_sku


@pytest.fixture
def product_body() -> Callable[..., dict[str, Any]]:
    def body(**overrides: Any) -> dict[str, Any]:
        sku = unique_sku("P")
        # Names no shopper would search for: the shared database also serves the relevance set.
        token = sku.split("-")[1].lower()
        base: dict[str, Any] = {
            "sku": sku,
            "name": {"fr": f"Article d'essai zq{token} à l'étalage", "en": f"Test item zq{token} on display"},
            "description": {"fr": "Créé par les tests.", "en": "Made by the tests."},
            "brand": "Essai",
            "categories": ["essais"],
            "price_minor": 12999,
            "currency": "CAD",
            "hygiene_class": "standard",
            "variants": [
                {"sku": f"{sku}-42-NOIR", "size": "42", "colour": "noir", "on_hand": 5},
                {"sku": f"{sku}-43-NOIR", "size": "43", "colour": "noir", "on_hand": 0},
            ],
        }
        base.update(overrides)
        return base

    return body


@pytest.fixture
def create_product(
    client: TestClient, ops_headers: dict[str, str], product_body: Callable[..., dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    def create(**overrides: Any) -> dict[str, Any]:
        response = client.post("/api/catalog/staff/products", json=product_body(**overrides), headers=ops_headers)
        assert response.status_code == 201, response.text
        return response.json()

    return create


@pytest.fixture
def index_now(container: Container) -> Callable[[], None]:
    """Drain the indexing queue now (the running worker does the same every second; both are
    safe together) and make the writes visible to search."""
    from catalog.service_layer import search

    def drain() -> None:
        search.index_pending(container.uow, container.indexing_index)
        container.indexing_index.refresh()

    return drain


@pytest.fixture(scope="session")
def seeded(container: Container) -> None:
    """The demo catalog, present and indexed (idempotent, as `cli seed` is)."""
    from catalog.entrypoints.seed_data import demo_products
    from catalog.service_layer import search, services

    products = demo_products()
    for start in range(0, len(products), 100):
        services.add_missing_products(container.uow(), products[start : start + 100], actor="seed")
    search.index_pending(container.uow, container.indexing_index)
    container.indexing_index.refresh()
