"""Identity against its real database, through its HTTP app."""

import uuid

import pytest
from fastapi.testclient import TestClient

from identity.entrypoints.http import create_app
from vitrine_shared.events.contracts import StaffRegistered
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="module")
def admin_token(client: TestClient) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@vitrine.test"
    services_register(client, email, ["admin"])
    return login(client, email).json()["access_token"]


def services_register(client: TestClient, email: str, roles: list[str]) -> None:
    from identity.service_layer import services

    container = client.app.state.container
    services.register_staff(container.uow(), email=email, display_name="Test", password=PASSWORD, roles=roles)


def login(client: TestClient, email: str, password: str = PASSWORD):
    return client.post("/api/identity/tokens", json={"email": email, "password": password})


def test_login_returns_a_token_the_service_itself_accepts(client: TestClient) -> None:
    email = f"ops-{uuid.uuid4().hex[:8]}@vitrine.test"
    services_register(client, email, ["ops"])
    response = login(client, email.upper())
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["ops"]


def test_wrong_password_and_unknown_email_get_the_same_401(client: TestClient) -> None:
    email = f"adv-{uuid.uuid4().hex[:8]}@vitrine.test"
    services_register(client, email, ["advisor"])
    wrong = login(client, email, "not the password at all")
    unknown = login(client, f"nobody-{uuid.uuid4().hex}@vitrine.test")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_missing_password_is_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/identity/tokens", json={"email": "x@vitrine.test"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_staff_list_refuses_anonymous_and_shopper_and_advisor(client: TestClient) -> None:
    shopper = client.post("/api/identity/shopper-tokens").json()["access_token"]
    email = f"adv-{uuid.uuid4().hex[:8]}@vitrine.test"
    services_register(client, email, ["advisor"])
    advisor = login(client, email).json()["access_token"]
    assert client.get("/api/identity/staff").status_code == 401
    assert client.get("/api/identity/staff", headers={"Authorization": f"Bearer {shopper}"}).status_code == 403
    assert client.get("/api/identity/staff", headers={"Authorization": f"Bearer {advisor}"}).status_code == 403


def test_admin_creates_staff_and_the_registration_event_goes_to_the_outbox(
    client: TestClient, admin_token: str
) -> None:
    email = f"new-{uuid.uuid4().hex[:8]}@vitrine.test"
    created = client.post(
        "/api/identity/staff",
        json={"email": email, "display_name": "New Advisor", "password": PASSWORD, "roles": ["advisor"]},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert created.status_code == 201, created.text
    container = client.app.state.container
    with container.engine.connect() as db:
        rows = db.execute(outbox.select().where(outbox.c.event_type == StaffRegistered.event_type)).all()
    assert any(row.envelope["data"]["email"] == email for row in rows)


def test_duplicate_email_is_409_and_bad_role_is_422(client: TestClient, admin_token: str) -> None:
    email = f"dup-{uuid.uuid4().hex[:8]}@vitrine.test"
    body = {"email": email, "display_name": "Dup", "password": PASSWORD, "roles": ["ops"]}
    headers = {"Authorization": f"Bearer {admin_token}"}
    assert client.post("/api/identity/staff", json=body, headers=headers).status_code == 201
    assert client.post("/api/identity/staff", json=body, headers=headers).status_code == 409
    bad_role = client.post(
        "/api/identity/staff", json={**body, "email": "o" + email, "roles": ["root"]}, headers=headers
    )
    assert bad_role.status_code == 422
    assert bad_role.json()["errors"][0]["field"] == "roles"


def test_a_service_exchanges_its_secret_for_a_service_token(client: TestClient) -> None:
    granted = client.post(
        "/api/identity/service-tokens", json={"client_id": "checkout", "client_secret": "vitrine-dev-service-secret"}
    )
    assert granted.status_code == 201
    me = client.get("/api/identity/me", headers={"Authorization": f"Bearer {granted.json()['access_token']}"})
    assert me.json() == {"subject": "service:checkout", "roles": ["service"], "name": "checkout"}
    wrong = client.post("/api/identity/service-tokens", json={"client_id": "checkout", "client_secret": "guess"})
    unknown = client.post("/api/identity/service-tokens", json={"client_id": "mallory", "client_secret": "x"})
    assert wrong.status_code == unknown.status_code == 401
