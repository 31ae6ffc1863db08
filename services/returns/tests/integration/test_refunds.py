"""Refund approvals: when they leave (grade A at receipt, others after inspection), how much,
never twice for the same units (code path and database constraint), and the results checkout
reports back."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from returns.adapters.orm import refund_approval_items, refund_approvals, returns
from returns.service_layer import services
from vitrine_shared.events import Envelope
from vitrine_shared.events.contracts import OrderRefunded, RefundApproved
from vitrine_shared.messaging.consumer import Outcome
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration
API = "/api/returns"


def approvals_for(container, return_id: str) -> list[dict]:
    with container.engine.connect() as db:
        rows = db.execute(select(outbox.c.envelope).where(outbox.c.event_type == RefundApproved.event_type)).scalars()
        return [row["data"] for row in rows if row["data"]["return_id"] == return_id]


def test_a_parcel_graded_a_at_the_dock_is_refunded_at_receipt(
    client: TestClient, ops: dict, open_return, container
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "too_small"}])
    dock = [{"item_id": item["item_id"], "grade": "A", "material": "fabric"} for item in created["items"]]
    received = client.post(
        f"{API}/ops/receipts", json={"rma_number": created["rma_number"], "dock_inspections": dock}, headers=ops
    )
    assert received.status_code == 200, received.text
    approvals = approvals_for(container, created["return_id"])
    assert len(approvals) == 1
    assert approvals[0]["amount_minor"] == 2300 + 2299  # price + tax share of both units, no shipping
    assert approvals[0]["lines"] == [{"sku": created["items"][0]["sku"], "quantity": 2, "reason_code": "too_small"}]
    assert approvals[0]["approval_id"]


def test_otherwise_the_refund_leaves_after_the_last_inspection_once_for_the_return(
    client: TestClient, ops: dict, open_return, container
) -> None:
    created = open_return(
        lines=[
            {"line_no": 1, "quantity": 2, "reason_code": "too_small"},
            {"line_no": 2, "quantity": 1, "reason_code": "defective", "seal_intact": True},
        ]
    )
    shirt_a, shirt_b = (i for i in created["items"] if i["line_no"] == 1)
    buds = next(i for i in created["items"] if i["line_no"] == 2)
    dock = [{"item_id": shirt_a["item_id"], "grade": "A", "material": "fabric"}]
    client.post(
        f"{API}/ops/receipts", json={"rma_number": created["rma_number"], "dock_inspections": dock}, headers=ops
    )
    assert approvals_for(container, created["return_id"]) == []  # two units still to inspect
    client.post(
        f"{API}/ops/items/{shirt_b['item_id']}/inspection", json={"grade": "C", "material": "fabric"}, headers=ops
    )
    assert approvals_for(container, created["return_id"]) == []
    client.post(
        f"{API}/ops/items/{buds['item_id']}/inspection",
        json={"grade": "B", "material": "plastic", "seal_intact": True},
        headers=ops,
    )
    approvals = approvals_for(container, created["return_id"])
    # The earbuds were defective: the shop's fault, so the shipping goes back too.
    assert [a["amount_minor"] for a in approvals] == [2300 + 2299 + 3450 + 995]


def test_broken_seals_and_damaged_items_get_no_automatic_refund(
    client: TestClient, ops: dict, open_return, container
) -> None:
    created = open_return(
        lines=[
            {"line_no": 1, "quantity": 1, "reason_code": "changed_mind"},
            {"line_no": 2, "quantity": 1, "reason_code": "changed_mind", "seal_intact": True},
        ]
    )
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    shirt = next(i for i in created["items"] if i["line_no"] == 1)
    buds = next(i for i in created["items"] if i["line_no"] == 2)
    client.post(
        f"{API}/ops/items/{shirt['item_id']}/inspection", json={"grade": "damaged", "material": "fabric"}, headers=ops
    )
    client.post(
        f"{API}/ops/items/{buds['item_id']}/inspection",
        json={"grade": "A", "material": "plastic", "seal_intact": False},
        headers=ops,
    )
    assert approvals_for(container, created["return_id"]) == []


def test_exchanges_and_store_credit_publish_no_refund(client: TestClient, ops: dict, open_return, container) -> None:
    created = open_return(preference="exchange")
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    for item in created["items"]:
        client.post(
            f"{API}/ops/items/{item['item_id']}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops
        )
    assert approvals_for(container, created["return_id"]) == []


def test_an_approval_is_never_issued_twice_for_the_same_units(
    client: TestClient, ops: dict, open_return, container, clock
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "too_small"}])
    item_ids = [uuid.UUID(i["item_id"]) for i in created["items"]]
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    for item_id in item_ids:
        client.post(f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops)
    assert len(approvals_for(container, created["return_id"])) == 1
    # A replayed approval (a retry, a second operator's click) finds the return already approved.
    again = services.retry_refund_approval(
        container.uow(), return_id=uuid.UUID(created["return_id"]), now=clock.now(), policy=container.policy
    )
    assert again is None
    assert len(approvals_for(container, created["return_id"])) == 1
    # And if code ever tried, the database refuses a second approval of the return or of a unit.
    for return_id in (uuid.UUID(created["return_id"]), None):
        with pytest.raises(IntegrityError), container.engine.begin() as db:
            approval_id = uuid.uuid4()
            if return_id is None:  # another return's approval claiming this unit
                other = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
                return_id = uuid.UUID(other["return_id"])
            db.execute(
                insert(refund_approvals).values(
                    id=approval_id,
                    return_id=return_id,
                    order_id=created["order"].order_id,
                    amount_minor=1,
                    currency="CAD",
                    includes_shipping=False,
                    created_at=clock.now(),
                )
            )
            db.execute(insert(refund_approval_items).values(item_id=item_ids[0], approval_id=approval_id))


def test_refund_results_from_checkout_are_recorded_once(
    client: TestClient, ops: dict, open_return, container, consumer
) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    refunded = OrderRefunded(
        order_id=created["order"].order_id,
        return_id=uuid.UUID(created["return_id"]),
        refund_id=f"re_{uuid.uuid4().hex[:14]}",
        amount_minor=2300,
        currency="CAD",
        refunded_total_minor=2300,
        status="succeeded",
    )
    body = Envelope.wrap(refunded, producer="checkout", correlation_id="test-refund").model_dump_json().encode()
    assert consumer.handle(body) is Outcome.ACK
    assert consumer.handle(body) is Outcome.ACK  # redelivered: the inbox keeps it to one effect
    # The same refund announced under a new event id: still one effect (keyed by refund id).
    replay = Envelope.wrap(refunded, producer="checkout", correlation_id="test-refund").model_dump_json().encode()
    assert consumer.handle(replay) is Outcome.ACK
    with container.engine.connect() as db:
        row = db.execute(
            select(returns.c.refund_status, returns.c.refunded_minor).where(
                returns.c.id == uuid.UUID(created["return_id"])
            )
        ).one()
    assert row.refund_status == "succeeded" and row.refunded_minor == 2300
    view = client.get(f"{API}/returns/{created['return_id']}", headers={"X-Return-Token": created["return_token"]})
    assert view.json()["refund_status"] == "succeeded" and view.json()["refunded_minor"] == 2300
