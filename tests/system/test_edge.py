"""The running system seen from outside, through nginx on 127.0.0.1:8080."""

import httpx
import pytest

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "checkout", "consult", "returns", "identity")


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_ready_through_the_edge(edge: httpx.Client, service: str) -> None:
    response = edge.get(f"/api/{service}/readyz")
    assert response.status_code == 200, f"{service} not ready: {response.text}"
    assert all(result == "ok" for result in response.json()["checks"].values())


def test_catalog_readiness_includes_search(edge: httpx.Client) -> None:
    assert "search" in edge.get("/api/catalog/readyz").json()["checks"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_publishes_openapi_and_docs(edge: httpx.Client, service: str) -> None:
    spec = edge.get(f"/api/{service}/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == f"Vitrine {service}"
    assert edge.get(f"/api/{service}/docs").status_code == 200


@pytest.mark.parametrize("service", SERVICES)
def test_unknown_routes_answer_problem_json(edge: httpx.Client, service: str) -> None:
    response = edge.get(f"/api/{service}/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_correlation_id_is_echoed_and_invented_when_missing(edge: httpx.Client) -> None:
    echoed = edge.get("/api/catalog/healthz", headers={"X-Correlation-ID": "edge-test-42"})
    assert echoed.headers["x-correlation-id"] == "edge-test-42"
    invented = edge.get("/api/catalog/healthz")
    assert len(invented.headers["x-correlation-id"]) >= 16


def test_staff_endpoint_refuses_anonymous_and_shopper_then_admits_admin(
    edge: httpx.Client, shopper_token: str, admin_token: str
) -> None:
    anonymous = edge.get("/api/identity/staff")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    shopper = edge.get("/api/identity/staff", headers={"Authorization": f"Bearer {shopper_token}"})
    assert shopper.status_code == 403
    admin = edge.get("/api/identity/staff", headers={"Authorization": f"Bearer {admin_token}"})
    assert admin.status_code == 200
    assert {"admin@vitrine.test", "ops@vitrine.test"} <= {member["email"] for member in admin.json()}


def test_a_forged_token_is_refused(edge: httpx.Client, admin_token: str) -> None:
    header, payload, _ = admin_token.split(".")
    forged = f"{header}.{payload}.{'A' * 86}"
    assert edge.get("/api/identity/staff", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_the_shop_front_is_served(edge: httpx.Client) -> None:
    response = edge.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
