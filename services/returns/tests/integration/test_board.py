"""The ops board: counts by stage, quarantine release times, overdue items, return rates, lots;
and its live Server-Sent Events stream (staff only)."""

import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from returns.domain.clock import MovableClock
from returns.entrypoints.http import create_app
from vitrine_shared.events.contracts import OrderLine

pytestmark = pytest.mark.integration
API = "/api/returns"


def test_the_board_counts_stages_shows_release_times_and_overdue_items(
    client: TestClient, ops: dict, open_return, clock
) -> None:
    before = client.get(f"{API}/ops/board", headers=ops).json()
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "not_as_described"}])
    first, second = (i["item_id"] for i in created["items"])
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    client.post(f"{API}/ops/items/{first}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops)
    client.post(f"{API}/ops/items/{first}/quarantine", headers=ops)
    board = client.get(f"{API}/ops/board", headers=ops).json()
    assert board["marker"] > before["marker"]
    assert board["counts_by_stage"]["quarantined"] >= 1 and board["counts_by_stage"]["received"] >= 1
    mine = [i for i in board["quarantine"]["items"] if i["item_id"] == first]
    assert mine or board["quarantine"]["count"] > len(board["quarantine"]["items"])
    if mine:
        assert mine[0]["quarantined_until"] and mine[0]["released"] is False
    assert board["return_rate_by_reason"]["not_as_described"]["returned"] >= 2
    assert 0 < board["return_rate_by_reason"]["not_as_described"]["rate"] <= 1
    # These lines name no category (an order from before checkout sent it): by hygiene class.
    assert board["return_rate_by_category"]["hygiene:standard"]["returned"] >= 2
    items = {i["item_id"]: i for i in client.get(f"{API}/ops/returns/{created['rma_number']}", headers=ops).json()}
    assert items[second]["overdue"] is False and items[second]["due_at"]
    # Two days on: the received item is past its 24 h service level, the quarantine has ended.
    clock.advance(timedelta(days=2))
    later = client.get(f"{API}/ops/board", headers=ops).json()
    items = {i["item_id"]: i for i in client.get(f"{API}/ops/returns/{created['rma_number']}", headers=ops).json()}
    assert items[second]["overdue"] is True and items[first]["overdue"] is False  # released a day ago: at its limit
    assert later["overdue"]["count"] >= 1
    assert later["quarantine"]["released_waiting_for_lot"] >= 1
    assert second in {i["item_id"] for i in later["overdue"]["items"]} or later["overdue"]["count"] > 50


def test_lot_history_is_on_the_board(client: TestClient, ops: dict, open_return) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    item_id = created["items"][0]["item_id"]
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    client.post(f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops)
    client.post(f"{API}/ops/items/{item_id}/quarantine", headers=ops)
    lot = client.post(
        f"{API}/ops/lots", json={"item_ids": [item_id], "method": "steam", "passed": True}, headers=ops
    ).json()
    lots = client.get(f"{API}/ops/board", headers=ops).json()["lots"]
    assert any(entry["lot_code"] == lot["lot_code"] and entry["status"] == "passed" for entry in lots)


def test_the_live_stream_sends_the_board_to_ops_and_refuses_others(
    ops: dict, advisor: dict, shopper: dict, container
) -> None:
    settings = container.settings.model_copy(update={"board_stream_max_seconds": 0.5, "board_poll_seconds": 0.1})
    with TestClient(create_app(settings, clock=MovableClock())) as short_client:
        assert short_client.get(f"{API}/ops/board/stream").status_code == 401
        assert short_client.get(f"{API}/ops/board/stream", headers=advisor).status_code == 403
        assert short_client.get(f"{API}/ops/board/stream", headers=shopper).status_code == 403
        with short_client.stream("GET", f"{API}/ops/board/stream", headers=ops) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            text = "".join(response.iter_text())
    events = [block for block in text.split("\n\n") if block.startswith("id: ")]
    assert events, text[:500]
    data = json.loads(next(line[6:] for line in events[0].splitlines() if line.startswith("data: ")))
    assert "counts_by_stage" in data and "lots" in data


def test_the_stream_sends_a_new_board_when_an_item_moves(client: TestClient, ops: dict, open_return, container) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 1, "reason_code": "too_small"}])
    settings = container.settings.model_copy(update={"board_stream_max_seconds": 20, "board_poll_seconds": 0.1})
    markers: list[int] = []
    with (
        TestClient(create_app(settings, clock=MovableClock())) as live_client,
        live_client.stream("GET", f"{API}/ops/board/stream", headers=ops) as response,
    ):
        for line in response.iter_lines():
            if not line.startswith("id: "):
                continue
            markers.append(int(line[4:]))
            if len(markers) == 1:  # the first board is in: now an item moves, elsewhere
                moved = client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
                assert moved.status_code == 200
            else:
                break
    assert len(markers) == 2 and markers[1] > markers[0]


def test_return_rates_by_product_category_with_older_lines_by_hygiene_class(
    client: TestClient, ops: dict, paid_order, container
) -> None:
    category = f"essais-{uuid.uuid4().hex[:8]}"  # a category of its own, so the counts are ours
    order = paid_order(
        lines=[
            OrderLine(
                sku=f"DRESS-{category}",
                product_id=uuid.uuid4(),
                quantity=4,
                unit_price_minor=5_000,
                tax_minor=2_996,
                category=category,
            ),
            OrderLine(sku=f"OLD-{category}", product_id=uuid.uuid4(), quantity=1, unit_price_minor=1_000),
        ]
    )
    with container.uow() as uow:
        kept = uow.orders.get(order.order_id)
        assert [line.category for line in kept.lines] == [category, None]
    opened = client.post(
        f"{API}/returns",
        json={
            "order_number": order.order_number,
            "email": order.customer_email,
            "lines": [{"line_no": 1, "quantity": 1, "reason_code": "too_small"}],
            "preference": "refund",
        },
    )
    assert opened.status_code == 201, opened.text
    rates = client.get(f"{API}/ops/board", headers=ops).json()["return_rate_by_category"]
    assert rates[category] == {"category": category, "hygiene_class": None, "sold": 4, "returned": 1, "rate": 0.25}
    # The line without a category counts under its hygiene class, after the categories.
    fallback = rates["hygiene:standard"]
    assert fallback["category"] is None and fallback["hygiene_class"] == "standard" and fallback["sold"] >= 1
    keys = list(rates)
    assert keys.index(category) < keys.index("hygiene:standard")


def test_throughput_per_hour_and_per_day_from_the_ledger(client: TestClient, ops: dict, open_return, clock) -> None:
    created = open_return(lines=[{"line_no": 1, "quantity": 2, "reason_code": "too_small"}])
    kept, given = (i["item_id"] for i in created["items"])
    # Far ahead of everything else on this database (and of earlier runs: a day of its own), so
    # these buckets hold only this test's items.
    clock.advance(timedelta(days=400 + uuid.uuid4().int % 100_000))
    zone = {"tz": "America/Montreal"}
    before = client.get(f"{API}/ops/board", params=zone, headers=ops).json()["throughput"]
    assert before["bucket"] == "hour" and before["zone"] == "America/Montreal" and len(before["points"]) == 49
    assert before["points"][-1] == {**before["points"][-1], "received": 0, "restocked": 0, "disposed": 0}
    client.post(f"{API}/ops/receipts", json={"rma_number": created["rma_number"]}, headers=ops)
    for item_id in (kept, given):
        client.post(f"{API}/ops/items/{item_id}/inspection", json={"grade": "A", "material": "fabric"}, headers=ops)
    client.post(f"{API}/ops/items/{given}/disposition", json={"disposition": "donate"}, headers=ops)
    client.post(f"{API}/ops/items/{kept}/quarantine", headers=ops)
    client.post(f"{API}/ops/lots", json={"item_ids": [kept], "method": "steam", "passed": True}, headers=ops)
    clock.advance(timedelta(hours=25))
    assert client.post(f"{API}/ops/items/{kept}/restock", headers=ops).status_code == 200

    hourly = client.get(f"{API}/ops/board", params={**zone, "hours": 48}, headers=ops).json()["throughput"]
    moved = [p for p in hourly["points"] if p["received"] or p["restocked"] or p["disposed"]]
    assert [(p["received"], p["restocked"], p["disposed"]) for p in moved] == [(2, 0, 1), (0, 1, 0)]
    daily = client.get(f"{API}/ops/board", params={**zone, "hours": 24 * 7}, headers=ops).json()["throughput"]
    assert daily["bucket"] == "day" and len(daily["points"]) == 8
    assert sum(p["received"] for p in daily["points"]) == 2 and sum(p["restocked"] for p in daily["points"]) == 1
    assert all(
        datetime.fromisoformat(p["start"]).astimezone(ZoneInfo("America/Montreal")).hour == 0 for p in daily["points"]
    )


def test_the_board_refuses_an_unknown_zone_or_span(client: TestClient, ops: dict) -> None:
    for params in ({"tz": "Mars/Olympus"}, {"tz": "../../etc/passwd"}, {"hours": 0}, {"hours": 24 * 91}):
        refused = client.get(f"{API}/ops/board", params=params, headers=ops)
        assert refused.status_code == 422, params
        assert refused.json()["errors"][0]["field"].endswith(next(iter(params))), refused.json()
