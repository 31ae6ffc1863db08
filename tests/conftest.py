"""Fixtures for the cross-service tests: they talk to the running system through the edge."""

import os

import httpx
import pytest

EDGE = os.environ.get("VITRINE_EDGE_URL", "http://127.0.0.1:8080")
DEMO_PASSWORD = "vitrine-demo-2026"


@pytest.fixture(scope="session")
def edge() -> httpx.Client:
    with httpx.Client(base_url=EDGE, timeout=10) as client:
        yield client


def login(edge: httpx.Client, email: str) -> str:
    response = edge.post("/api/identity/tokens", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, f"demo login for {email} failed: {response.text}"
    return response.json()["access_token"]


@pytest.fixture(scope="session")
def admin_token(edge: httpx.Client) -> str:
    return login(edge, "admin@vitrine.test")


@pytest.fixture(scope="session")
def ops_token(edge: httpx.Client) -> str:
    return login(edge, "ops@vitrine.test")


@pytest.fixture(scope="session")
def shopper_token(edge: httpx.Client) -> str:
    response = edge.post("/api/identity/shopper-tokens")
    assert response.status_code == 201, response.text
    return response.json()["access_token"]
