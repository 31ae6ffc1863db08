"""The warehouse flow through the HTTP app against the real database: receive, inspect,
quarantine (the clock moves), sanitization lots, restock and certificates, dispositions, and the
refusals (illegal transitions, lots of items not in quarantine, restock before release)."""

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from returns.adapters.orm import item_ledger, lot_items, return_items
from vitrine_shared.events.contracts import ItemDisposed, ItemQuarantined, ItemRestocked, ItemSanitized
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration
API = "/api/returns"


def outbox_events(container, event_type: str, **match: str) -> list[dict]:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type)).scalars().all()
    return [row["data"] for row in rows if all(row["data"].get(k) == v for k, v in match.items())]


def receive(client: TestClient, ops: dict, created: dict, **body) -> dict:
    response = client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"], **body}, headers=ops)
    assert response.status_code == 200, response.text
    return response.json()


def inspect_and_quarantine(
    client: TestClient, ops: dict, item_id: str, material: str = "fabric", grade: str = "B"
) -> dict:
    inspected = client.post(
        f"{API}/ops/items/{item_id}/inspection", json={"grade": grade, "material": material}, headers=ops
    )
    assert inspected.status_code == 200, inspected.text
    quarantined = client.post(f"{API}/ops/items/{item_id}/quarantine", headers=ops)
    assert quarantined.status_code == 200, quarantined.text
    return quarantined.json()


def test_the_whole_path_to_a_verified_certificate(client: TestClient, ops: dict, open_return, container, clock) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    item_id = created["items"][0]["item_id"]
    received = receive(client, ops, created)
    assert received["status"] == "received" and received["items"][0]["state"] == "received"

    quarantined = inspect_and_quarantine(client, ops, item_id, material="plastic")
    assert quarantined["state"] == "quarantined"
    assert outbox_events(container, ItemQuarantined.event_type, item_id=item_id)

    lot = client.post(
        f"{API}/ops/lots",
        json={"item_ids": [item_id], "method": "uv_c", "parameters": {"dose_mj_cm2": 40}},
        headers=ops,
    )
    assert lot.status_code == 201, lot.text
    assert lot.json()["status"] == "open" and lot.json()["items"][0]["state"] == "sanitizing"
    clock.advance(timedelta(minutes=30))
    result = client.post(f"{API}/ops/lots/{lot.json()['lot_id']}/result", json={"passed": True}, headers=ops)
    assert result.status_code == 200 and result.json()["items"][0]["state"] == "sanitized"
    assert outbox_events(container, ItemSanitized.event_type, item_id=item_id)[0]["passed"] is True

    early = client.post(f"{API}/ops/items/{item_id}/restock", headers=ops)
    assert early.status_code == 409
    assert early.json()["current_state"] == "sanitized" and early.json()["released_at"]

    clock.advance(timedelta(hours=72))  # plastic: 72 h from the start of quarantine
    restocked = client.post(f"{API}/ops/items/{item_id}/restock", headers=ops)
    assert restocked.status_code == 200, restocked.text
    certificate_id = restocked.json()["certificate_id"]
    assert certificate_id.startswith("VC-")
    event = outbox_events(container, ItemRestocked.event_type, item_id=item_id)
    assert len(event) == 1 and event[0]["certificate_id"] == certificate_id and event[0]["method"] == "uv_c"

    certificate = client.get(f"{API}/certificates/{certificate_id}")  # public: no token
    assert certificate.status_code == 200
    body = certificate.json()
    assert body["verification"] == {"valid": True, "entries": 7, "problems": []}
    assert body["inspection"]["grade"] == "B" and body["inspection"]["inspector_initials"] == "OO"
    assert body["quarantine"]["hours"] == 72
    assert body["sanitization"]["method"] == "uv_c" and body["sanitization"]["operator_initials"] == "OO"
    assert body["sanitization"]["lot_code"] == lot.json()["lot_code"]
    assert body["item"]["sku"] == created["items"][0]["sku"] and body["restocked_at"]
    assert "Olivia" not in certificate.text  # initials only, publicly
    shopper_view = client.get(
        f"{API}/returns/{created['return_id']}", headers={"X-Return-Token": created["return_token"]}
    ).json()
    assert shopper_view["status"] == "completed" and shopper_view["items"][0]["state"] == "restocked"


def test_a_ledger_entry_edited_in_the_database_fails_verification(
    client: TestClient, ops: dict, open_return, container, clock
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    item_id = created["items"][0]["item_id"]
    receive(client, ops, created)
    inspect_and_quarantine(client, ops, item_id, grade="B")
    lot = client.post(
        f"{API}/ops/lots", json={"item_ids": [item_id], "method": "steam", "passed": True}, headers=ops
    ).json()
    assert lot["status"] == "passed"
    clock.advance(timedelta(hours=25))
    certificate_id = client.post(f"{API}/ops/items/{item_id}/restock", headers=ops).json()["certificate_id"]
    assert client.get(f"{API}/certificates/{certificate_id}").json()["verification"]["valid"] is True

    # Someone with database access upgrades the grade from B to A.
    with container.engine.begin() as db:
        db.execute(
            update(item_ledger)
            .where(item_ledger.c.item_id == uuid.UUID(item_id), item_ledger.c.kind == "inspected")
            .values(body=func.replace(item_ledger.c.body, '"grade":"B"', '"grade":"A"'))
        )
    tampered = client.get(f"{API}/certificates/{certificate_id}").json()
    assert tampered["inspection"]["grade"] == "A"  # what the edited entry now claims...
    assert tampered["verification"]["valid"] is False  # ...is caught
    assert any("does not match its hash" in problem for problem in tampered["verification"]["problems"])


def test_a_failed_lot_recalls_all_its_items_to_quarantine(
    client: TestClient, ops: dict, open_return, container, clock
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "too_small"}])
    item_ids = [item["item_id"] for item in created["items"]]
    receive(client, ops, created)
    for item_id in item_ids:
        inspect_and_quarantine(client, ops, item_id)
    lot = client.post(f"{API}/ops/lots", json={"item_ids": item_ids, "method": "ozone"}, headers=ops).json()
    clock.advance(timedelta(hours=30))
    failed = client.post(f"{API}/ops/lots/{lot['lot_id']}/result", json={"passed": False}, headers=ops)
    assert failed.status_code == 200 and failed.json()["status"] == "failed"
    for item in failed.json()["items"]:
        assert item["state"] == "quarantined" and item["lot_id"] is None
        assert item["quarantine_started_at"].startswith(clock.now().isoformat()[:16])
    again = client.post(f"{API}/ops/lots/{lot['lot_id']}/result", json={"passed": True}, headers=ops)
    assert again.status_code == 409 and again.json()["current_state"] == "failed"
    assert client.post(f"{API}/ops/items/{item_ids[0]}/restock", headers=ops).status_code == 409
    for item_id in item_ids:
        assert outbox_events(container, ItemSanitized.event_type, item_id=item_id)[0]["passed"] is False
        assert len(outbox_events(container, ItemQuarantined.event_type, item_id=item_id)) == 2


def test_a_lot_with_an_item_not_in_quarantine_is_refused_and_nothing_is_written(
    client: TestClient, ops: dict, open_return, container
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "too_small"}])
    ready, not_ready = (item["item_id"] for item in created["items"])
    receive(client, ops, created)
    inspect_and_quarantine(client, ops, ready)
    refused = client.post(f"{API}/ops/lots", json={"item_ids": [ready, not_ready], "method": "steam"}, headers=ops)
    assert refused.status_code == 409
    assert refused.json()["current_state"] == "received" and refused.json()["item_id"] == not_ready
    unknown = client.post(f"{API}/ops/lots", json={"item_ids": [str(uuid.uuid4())], "method": "steam"}, headers=ops)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "item_ids"
    bad_method = client.post(f"{API}/ops/lots", json={"item_ids": [ready], "method": "prayer"}, headers=ops)
    assert bad_method.status_code == 422
    backwards = client.post(
        f"{API}/ops/lots",
        json={
            "item_ids": [ready],
            "method": "steam",
            "started_at": "2026-11-02T10:00:00Z",
            "ended_at": "2026-11-02T09:00:00Z",
            "passed": True,
        },
        headers=ops,
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "ended_at"
    with container.engine.connect() as db:
        states = dict(
            db.execute(
                select(return_items.c.id, return_items.c.state).where(
                    return_items.c.id.in_([uuid.UUID(ready), uuid.UUID(not_ready)])
                )
            ).all()
        )
        in_lots = db.execute(
            select(func.count()).select_from(lot_items).where(lot_items.c.item_id == uuid.UUID(ready))
        ).scalar_one()
    assert states[uuid.UUID(ready)] == "quarantined" and states[uuid.UUID(not_ready)] == "received"
    assert in_lots == 0


def test_illegal_transitions_are_409_naming_the_current_state(client: TestClient, ops: dict, open_return) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    item_id = created["items"][0]["item_id"]
    inspect_early = client.post(
        f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops
    )
    assert inspect_early.status_code == 409
    assert inspect_early.json()["current_state"] == "requested"
    assert inspect_early.headers["content-type"] == "application/problem+json"
    receive(client, ops, created)
    twice = client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    assert twice.status_code == 409 and twice.json()["current_state"] == "received"
    assert client.post(f"{API}/ops/items/{item_id}/restock", headers=ops).json()["current_state"] == "received"
    assert client.post(f"{API}/ops/receipts", json={"rma_number": "RMA-NOTHING"}, headers=ops).status_code == 404
    assert client.post(f"{API}/ops/items/{uuid.uuid4()}/quarantine", headers=ops).status_code == 404
    bad_material = client.post(
        f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "kryptonite"}, headers=ops
    )
    assert bad_material.status_code == 422 and bad_material.json()["errors"][0]["field"] == "material"


def test_damaged_items_are_disposed_with_an_event(client: TestClient, ops: dict, open_return, container) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "arrived_damaged"}])
    item_id = created["items"][0]["item_id"]
    receive(client, ops, created)
    client.post(f"{API}/ops/items/{item_id}/inspection", json={"grade": "damaged", "material": "fabric"}, headers=ops)
    disposed = client.post(f"{API}/ops/items/{item_id}/disposition", json={"disposition": "destroy"}, headers=ops)
    assert disposed.status_code == 200 and disposed.json()["state"] == "destroyed"
    assert outbox_events(container, ItemDisposed.event_type, item_id=item_id)[0]["disposition"] == "destroy"
    bad = client.post(f"{API}/ops/items/{item_id}/disposition", json={"disposition": "sell"}, headers=ops)
    assert bad.status_code == 422


def test_ops_routes_refuse_anonymous_shoppers_and_advisors(
    client: TestClient, shopper: dict, advisor: dict, open_return
) -> None:
    created = open_return()
    item_id = created["items"][0]["item_id"]
    routes = [
        ("post", f"{API}/ops/receipts", {"rma_number": created["rma_number"]}),
        ("post", f"{API}/ops/items/{item_id}/inspection", {"grade": "A", "material": "fabric"}),
        ("post", f"{API}/ops/items/{item_id}/quarantine", None),
        ("post", f"{API}/ops/lots", {"item_ids": [item_id], "method": "steam"}),
        ("post", f"{API}/ops/items/{item_id}/restock", None),
        ("get", f"{API}/ops/returns/{created['rma_number']}", None),
        ("get", f"{API}/ops/board", None),
        ("get", f"{API}/ops/board/stream", None),
    ]
    for method, path, body in routes:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(client, method)(path, **kwargs).status_code == 401, path
        assert getattr(client, method)(path, headers=shopper, **kwargs).status_code == 403, path
        assert getattr(client, method)(path, headers=advisor, **kwargs).status_code == 403, path
        # The shopper's own return token is no key to the warehouse either.
        token = {"X-Return-Token": created["return_token"]}
        assert getattr(client, method)(path, headers=token, **kwargs).status_code == 401, path
    still = client.get(f"{API}/returns/{created['return_id']}", headers={"X-Return-Token": created["return_token"]})
    assert still.json()["items"][0]["state"] == "requested"
