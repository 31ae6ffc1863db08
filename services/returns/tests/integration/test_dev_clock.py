"""The development clock through the HTTP app, on the real database: ops read it, move it and
reset it; the service's time (quarantine release, overdue items, ledger and certificate dates)
follows it in every process; others are refused; production has no such routes.

The offset is the running system's too (same database), so every test here leaves it at real
time, whatever happens."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from returns.bootstrap import bootstrap
from returns.config import Settings
from returns.domain.model import Actor
from returns.entrypoints.http import create_app
from returns.service_layer import dev_clock
from vitrine_shared.settings import Environment

pytestmark = pytest.mark.integration
API = "/api/returns"
CLOCK = f"{API}/ops/dev-clock"


@pytest.fixture
def dev_client(container) -> Iterator[TestClient]:
    """An app on the development clock itself (no test clock), reset to real time afterwards."""
    try:
        with TestClient(create_app()) as test_client:
            yield test_client
    finally:
        dev_clock.reset(container.uow(), actor=Actor(subject="tests", name=None), real_now=datetime.now(UTC))


def test_ops_move_the_clock_forward_and_back_to_real_time(dev_client: TestClient, ops: dict) -> None:
    assert dev_client.post(f"{CLOCK}/reset", headers=ops).json()["offset_seconds"] == 0
    before = datetime.now(UTC)
    dev_client.post(f"{CLOCK}/advance", json={"seconds": 3600}, headers=ops)
    moved = dev_client.post(f"{CLOCK}/advance", json={"seconds": 86400}, headers=ops)
    after = datetime.now(UTC)
    assert moved.status_code == 200, moved.text
    state = moved.json()
    assert state["offset_seconds"] == 90000 and state["changed_by"]
    assert before + timedelta(hours=25) <= datetime.fromisoformat(state["now"]) <= after + timedelta(hours=25)
    assert dev_client.get(CLOCK, headers=ops).json()["offset_seconds"] == 90000
    # Another process of the service (the worker, another api instance) reads the same time.
    assert bootstrap().clock.now() >= before + timedelta(hours=25)
    back = dev_client.post(f"{CLOCK}/reset", headers=ops).json()
    assert back["offset_seconds"] == 0 and datetime.fromisoformat(back["now"]) < before + timedelta(hours=1)


@pytest.mark.parametrize("seconds", [0, -3600, 31 * 86400 + 1])
def test_a_move_back_or_too_far_is_refused_naming_the_field(dev_client: TestClient, ops: dict, seconds: int) -> None:
    refused = dev_client.post(f"{CLOCK}/advance", json={"seconds": seconds}, headers=ops)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("seconds")


def test_the_clock_runs_at_most_a_quarter_ahead(dev_client: TestClient, ops: dict) -> None:
    for _ in range(2):
        assert dev_client.post(f"{CLOCK}/advance", json={"seconds": 31 * 86400}, headers=ops).status_code == 200
    refused = dev_client.post(f"{CLOCK}/advance", json={"seconds": 31 * 86400}, headers=ops)
    assert refused.status_code == 422 and "ahead of real time" in refused.json()["detail"]
    assert dev_client.get(CLOCK, headers=ops).json()["offset_seconds"] == 62 * 86400


def test_quarantine_overdue_and_certificate_follow_the_clock(dev_client: TestClient, ops: dict, open_return) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    item_id = created["items"][0]["item_id"]
    assert dev_client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops).is_success
    dev_client.post(f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops)
    quarantined = dev_client.post(f"{API}/ops/items/{item_id}/quarantine", headers=ops).json()
    lot = dev_client.post(
        f"{API}/ops/lots", json={"item_ids": [item_id], "method": "steam", "passed": True}, headers=ops
    )
    assert lot.status_code == 201, lot.text
    assert dev_client.post(f"{API}/ops/items/{item_id}/restock", headers=ops).status_code == 409

    dev_client.post(f"{CLOCK}/advance", json={"seconds": 24 * 3600}, headers=ops)
    board = dev_client.get(f"{API}/ops/board", headers=ops).json()
    assert board["dev_clock"] == {"offset_seconds": 24 * 3600}
    assert datetime.fromisoformat(board["generated_at"]) >= datetime.fromisoformat(quarantined["quarantined_until"])
    restocked = dev_client.post(f"{API}/ops/items/{item_id}/restock", headers=ops)
    assert restocked.status_code == 200, restocked.text
    certificate = dev_client.get(f"{API}/certificates/{restocked.json()['certificate_id']}").json()
    assert certificate["verification"]["valid"] is True
    # The ledger (so the certificate) carries the service's time, a day ahead of real time.
    assert datetime.fromisoformat(certificate["restocked_at"]) >= datetime.fromisoformat(
        certificate["quarantine"]["until"]
    )
    assert datetime.fromisoformat(certificate["restocked_at"]) > datetime.now(UTC) + timedelta(hours=23)


def test_a_clock_move_sends_a_new_board_on_the_stream(dev_client: TestClient, ops: dict, container) -> None:
    settings = container.settings.model_copy(update={"board_stream_max_seconds": 20, "board_poll_seconds": 0.1})
    offsets: list[int] = []
    with (
        TestClient(create_app(settings)) as live_client,
        live_client.stream("GET", f"{API}/ops/board/stream", headers=ops) as response,
    ):
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            offsets.append(int(line.split('"dev_clock":{"offset_seconds":')[1].split("}")[0]))
            if len(offsets) == 1:  # the first board is in: now time moves, through another app
                assert dev_client.post(f"{CLOCK}/advance", json={"seconds": 3600}, headers=ops).is_success
            else:
                break
    assert offsets[1] == offsets[0] + 3600


def test_the_clock_refuses_anonymous_shoppers_and_advisors(
    dev_client: TestClient, shopper: dict, advisor: dict
) -> None:
    for method, path, body in [
        ("get", CLOCK, None),
        ("post", f"{CLOCK}/advance", {"seconds": 3600}),
        ("post", f"{CLOCK}/reset", None),
    ]:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(dev_client, method)(path, **kwargs).status_code == 401, path
        assert getattr(dev_client, method)(path, headers=shopper, **kwargs).status_code == 403, path
        assert getattr(dev_client, method)(path, headers=advisor, **kwargs).status_code == 403, path
    assert dev_client.get(CLOCK, headers=advisor).status_code == 403


def test_outside_development_there_is_no_clock_to_move(ops: dict) -> None:
    production = Settings(
        environment=Environment.PRODUCTION,
        database_url="postgresql+psycopg://returns:elsewhere@db.invalid/returns",
        amqp_url="amqp://returns:elsewhere@broker.invalid/%2F",
        service_client_secret="not-the-development-one",
    )
    app = create_app(production)
    assert app.state.container.clock.__class__.__name__ == "SystemClock"
    client = TestClient(app)  # no lifespan: nothing here reaches a database
    for method, path in [("get", CLOCK), ("post", f"{CLOCK}/advance"), ("post", f"{CLOCK}/reset")]:
        assert getattr(client, method)(path, headers=ops).status_code == 404, path
    assert not [route for route in app.routes if "dev-clock" in getattr(route, "path", "")]
