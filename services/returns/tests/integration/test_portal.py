"""The shopper's portal against the real database, through the HTTP app: finding an order,
eligibility, opening a return, the label, photos, and the refusals (probing, IDOR, bad input)."""

import io
import struct
import uuid
import zlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from returns.adapters.orm import return_items, return_photos, returns
from vitrine_shared.auth.capabilities import new_capability
from vitrine_shared.events.contracts import ReturnRequested
from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def test_a_paid_order_is_found_by_number_and_email_with_its_eligibility(client: TestClient, paid_order) -> None:
    order = paid_order()
    found = client.post(
        "/api/returns/orders/lookup", json={"order_number": order.order_number, "email": order.customer_email.upper()}
    )
    assert found.status_code == 200, found.text
    lines = {line["line_no"]: line for line in found.json()["lines"]}
    assert lines[1]["returnable_quantity"] == 2
    assert lines[2]["needs_intact_seal"] is True
    assert lines[3]["refusal"] == "final_sale"
    assert lines[3]["refusal_text"]["fr"].startswith("Article en vente finale")


def test_unknown_order_and_wrong_email_get_the_same_answer(client: TestClient, paid_order) -> None:
    order = paid_order()
    wrong_email = client.post(
        "/api/returns/orders/lookup", json={"order_number": order.order_number, "email": "someone@else.test"}
    )
    unknown = client.post("/api/returns/orders/lookup", json={"order_number": "V-NOPE", "email": order.customer_email})
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json()["detail"] == unknown.json()["detail"]
    refused = client.post(
        "/api/returns/returns",
        json={
            "order_number": order.order_number,
            "email": "someone@else.test",
            "lines": [{"line_no": 1, "quantity": 1, "reason_code": "too_small"}],
            "preference": "refund",
        },
    )
    assert refused.status_code == 404


def test_an_order_is_found_by_number_and_the_shoppers_order_token(client: TestClient, paid_order) -> None:
    capability = new_capability()
    order = paid_order(order_token_digest=capability.digest)
    lookup = {"order_number": order.order_number}
    found = client.post("/api/returns/orders/lookup", json={**lookup, "order_token": capability.token})
    assert found.status_code == 200
    assert found.json()["order_number"] == order.order_number
    wrong = client.post("/api/returns/orders/lookup", json={**lookup, "order_token": new_capability().token})
    assert wrong.status_code == 404
    neither = client.post("/api/returns/orders/lookup", json=lookup)
    assert neither.status_code == 422
    opened = client.post(
        "/api/returns/returns",
        json={
            **lookup,
            "order_token": capability.token,
            "lines": [{"line_no": 1, "quantity": 1, "reason_code": found_reason(client)}],
            "preference": "refund",
        },
    )
    assert opened.status_code == 201, opened.text


def found_reason(client: TestClient) -> str:
    return next(iter(client.get("/api/returns/reason-codes").json()))


def test_opening_a_return_gives_an_rma_a_token_a_label_and_an_event(client: TestClient, open_return, container) -> None:
    created = open_return(
        lines=[
            {"line_no": 1, "quantity": 2, "reason_code": "too_small"},
            {"line_no": 2, "quantity": 1, "reason_code": "defective", "seal_intact": True},
        ]
    )
    assert created["rma_number"].startswith("RMA-")
    assert len(created["items"]) == 3
    assert sorted(item["refund_minor"] for item in created["items"]) == [2299, 2300, 3450]
    headers = {"X-Return-Token": created["return_token"]}
    status = client.get(f"/api/returns/returns/{created['return_id']}", headers=headers)
    assert status.status_code == 200 and status.json()["status"] == "requested"
    assert "return_token" not in status.json()
    label = client.get(created["label_url"], headers=headers)
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert label.content.startswith(b"%PDF") and created["rma_number"].encode() in label.content
    with container.engine.connect() as db:
        stored = db.execute(
            select(returns.c.token_digest).where(returns.c.id == uuid.UUID(created["return_id"]))
        ).scalar_one()
        events = db.execute(
            select(outbox.c.envelope).where(outbox.c.event_type == ReturnRequested.event_type)
        ).scalars()
        mine = [e for e in events if e["data"]["return_id"] == created["return_id"]]
    assert stored != created["return_token"] and len(stored) == 64  # only the digest is kept
    assert len(mine) == 1 and {line["quantity"] for line in mine[0]["data"]["lines"]} == {2, 1}


def test_a_shopper_cannot_reach_another_shoppers_return(client: TestClient, open_return) -> None:
    mine, theirs = open_return(), open_return()
    path = f"/api/returns/returns/{theirs['return_id']}"
    for headers in ({"X-Return-Token": mine["return_token"]}, {}, {"X-Return-Token": "guess"}):
        assert client.get(path, headers=headers).status_code == 404
        assert client.get(path + "/label.pdf", headers=headers).status_code == 404
        photo = client.post(path + "/photos", content=tiny_png(), headers={**headers, "Content-Type": "image/png"})
        assert photo.status_code == 404


def test_quantities_above_what_is_left_are_refused_and_nothing_is_written(
    client: TestClient, open_return, container
) -> None:
    first = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    order = first["order"]
    body = {
        "order_number": order.order_number,
        "email": order.customer_email,
        "lines": [{"line_no": 1, "quantity": 2, "reason_code": "too_small"}],
        "preference": "refund",
    }
    too_many = client.post("/api/returns/returns", json=body)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "lines[0].quantity"
    assert "at most 1" in too_many.json()["detail"]
    with container.engine.connect() as db:
        count = db.execute(
            select(func.count()).select_from(return_items).where(return_items.c.order_id == order.order_id)
        ).scalar_one()
    assert count == 1
    body["lines"][0]["quantity"] = 1
    assert client.post("/api/returns/returns", json=body).status_code == 201
    lookup = client.post(
        "/api/returns/orders/lookup", json={"order_number": order.order_number, "email": order.customer_email}
    )
    assert lookup.json()["lines"][0]["refusal"] == "all_returned"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"line_no": 3, "quantity": 1, "reason_code": "changed_mind"}, "lines[0].line_no"),
        ({"line_no": 2, "quantity": 1, "reason_code": "changed_mind"}, "lines[0].seal_intact"),
        ({"line_no": 2, "quantity": 1, "reason_code": "changed_mind", "seal_intact": False}, "lines[0].seal_intact"),
        ({"line_no": 1, "quantity": 1, "reason_code": "bored"}, "lines[0].reason_code"),
        ({"line_no": 1, "quantity": 0, "reason_code": "too_small"}, "lines[0].quantity"),
        ({"line_no": 1, "quantity": "two", "reason_code": "too_small"}, "lines[0].quantity"),
    ],
)
def test_ineligible_lines_are_refused_naming_the_field(client: TestClient, paid_order, line: dict, field: str) -> None:
    order = paid_order()
    refused = client.post(
        "/api/returns/returns",
        json={
            "order_number": order.order_number,
            "email": order.customer_email,
            "lines": [line],
            "preference": "refund",
        },
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_return_window_closes_thirty_days_after_payment(client: TestClient, paid_order, clock) -> None:
    order = paid_order()
    body = {
        "order_number": order.order_number,
        "email": order.customer_email,
        "lines": [{"line_no": 1, "quantity": 1, "reason_code": "too_small"}],
        "preference": "refund",
    }
    clock.set(order.paid_at + timedelta(days=30, minutes=1))
    closed = client.post("/api/returns/returns", json=body)
    assert closed.status_code == 409
    assert closed.json()["reason"] == "window_closed"


def test_photos_are_checked_by_their_bytes_and_size(client: TestClient, open_return, container) -> None:
    created = open_return()
    path = f"/api/returns/returns/{created['return_id']}/photos"
    token = {"X-Return-Token": created["return_token"]}
    ok = client.post(path, content=tiny_png(), headers={**token, "Content-Type": "image/png"})
    assert ok.status_code == 201, ok.text
    not_image = client.post(path, content=b"<script>alert(1)</script>", headers={**token, "Content-Type": "image/png"})
    assert not_image.status_code == 422 and not_image.json()["errors"][0]["field"] == "photo"
    disguised = client.post(path, content=tiny_png(), headers={**token, "Content-Type": "image/jpeg"})
    assert disguised.status_code == 422
    too_big = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (container.policy.max_photo_bytes + 1))
    large = client.post(path, content=too_big.getvalue(), headers={**token, "Content-Type": "image/jpeg"})
    assert large.status_code == 422 and "MiB" in large.json()["detail"]
    with container.engine.connect() as db:
        stored = db.execute(
            select(func.count())
            .select_from(return_photos)
            .where(return_photos.c.return_id == uuid.UUID(created["return_id"]))
        ).scalar_one()
    assert stored == 1


def test_malformed_requests_are_4xx_problems_never_500(client: TestClient) -> None:
    assert (
        client.post(
            "/api/returns/returns", content=b"{not json", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )
    assert client.get("/api/returns/returns/not-a-uuid").status_code == 422
    assert (
        client.post("/api/returns/orders/lookup", json={"order_number": "x" * 500, "email": "a@b.c"}).status_code == 422
    )
    assert client.get("/api/returns/certificates/VC-NOPE").status_code == 404
