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
        base: dict[str, Any] = {
            "sku": sku,
            "name": {"fr": "Chaussures de course légères", "en": "Lightweight running shoes"},
            "description": {"fr": "Pour l'été.", "en": "For summer."},
            "brand": "Boréal",
            "categories": ["chaussures"],
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
