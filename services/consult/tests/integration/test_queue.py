"""The instant queue through the live server: positions, the advisors' live view over WebSocket,
claiming, leaving by disconnecting, and the booking offered when nobody is on duty."""

import asyncio
import json
import uuid

import httpx
import pytest
import websockets

pytestmark = pytest.mark.integration


def ws(live_url: str, path: str) -> str:
    return live_url.replace("http://", "ws://") + path


async def next_of(socket, kind: str, timeout: float = 15) -> dict:
    async def read() -> dict:
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message

    return await asyncio.wait_for(read(), timeout)


def join(http: httpx.Client, category: str, name: str) -> dict:
    response = http.post("/api/consult/queue", json={"language": "fr", "category": category, "shopper_name": name})
    assert response.status_code == 201, response.text
    return response.json()


def test_positions_live_view_leave_and_claim(live_url: str, make_advisor, staff_token) -> None:
    advisor = make_advisor()
    category = advisor.skills[0]
    access = staff_token("advisor", subject=str(advisor.staff_id))
    with httpx.Client(base_url=live_url, timeout=30) as http:
        first = join(http, category, "Ana")
        second = join(http, category, "Ben")
        assert first["position"] == 1 and second["position"] == 2
        assert second["estimated_wait_seconds"] > first["estimated_wait_seconds"]

        async def scenario() -> None:
            async with (
                websockets.connect(ws(live_url, "/api/consult/queue/live")) as advisor_socket,
                websockets.connect(ws(live_url, f"/api/consult/queue/{second['entry_id']}/ws")) as shopper_socket,
            ):
                await advisor_socket.send(json.dumps({"type": "hello", "access_token": access}))
                snapshot = await next_of(advisor_socket, "queue")
                mine = [e["shopper_name"] for e in snapshot["entries"] if e["category"] == category]
                assert mine == ["Ana", "Ben"]
                await shopper_socket.send(json.dumps({"type": "hello", "token": second["token"]}))
                assert (await next_of(shopper_socket, "status"))["position"] == 2
                # Ana leaves: Ben moves up, and the advisors' view follows.
                http.request(
                    "DELETE", f"/api/consult/queue/{first['entry_id']}", headers={"X-Queue-Token": first["token"]}
                )
                assert (await next_of(shopper_socket, "status"))["position"] == 1
                while True:
                    snapshot = await next_of(advisor_socket, "queue")
                    if [e["shopper_name"] for e in snapshot["entries"] if e["category"] == category] == ["Ben"]:
                        break
                await advisor_socket.send(json.dumps({"type": "claim"}))
                claimed = await next_of(advisor_socket, "claimed")
                assert claimed["shopper_name"] == "Ben"
                told = await next_of(shopper_socket, "claimed")
                assert told["session_id"] == claimed["session_id"]

        asyncio.run(scenario())
        status = http.get(f"/api/consult/queue/{second['entry_id']}", headers={"X-Queue-Token": second["token"]}).json()
        assert status["status"] == "claimed"


def test_a_shopper_whose_socket_closes_leaves_the_queue(live_url: str, make_advisor) -> None:
    advisor = make_advisor()
    with httpx.Client(base_url=live_url, timeout=30) as http:
        entry = join(http, advisor.skills[0], "Chloé")

        async def scenario() -> None:
            async with websockets.connect(ws(live_url, f"/api/consult/queue/{entry['entry_id']}/ws")) as socket:
                await socket.send(json.dumps({"type": "hello", "token": entry["token"]}))
                await next_of(socket, "status")

        asyncio.run(scenario())
        headers = {"X-Queue-Token": entry["token"]}

        def left() -> bool:
            return http.get(f"/api/consult/queue/{entry['entry_id']}", headers=headers).json()["status"] == "left"

        from vitrine_shared.testing import wait_until

        wait_until(left, timeout=10, what="the entry to be marked left")
        other = http.get(f"/api/consult/queue/{entry['entry_id']}", headers={"X-Queue-Token": "guess"})
        assert other.status_code == 404


def test_outside_opening_hours_the_shopper_is_offered_a_booking(client, make_advisor) -> None:
    advisor = make_advisor(weekly_hours={}, date_overrides={})
    category = advisor.skills[0]
    response = client.post("/api/consult/queue", json={"language": "fr", "category": category})
    assert response.status_code == 409
    body = response.json()
    assert body["type"].endswith("queue-closed")
    assert body["next_slots"] == [] and body["booking_url"] == "/api/consult/slots"
    # An advisor who has the day off today but works tomorrow: tomorrow's slots are offered.
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    today = datetime.now(UTC).astimezone(ZoneInfo("America/Montreal")).date()
    day_off = make_advisor(date_overrides={(today + timedelta(days=d)).isoformat(): [] for d in (-1, 0)})
    offered = client.post("/api/consult/queue", json={"language": "en", "category": day_off.skills[0]})
    assert offered.status_code == 409
    first = datetime.fromisoformat(offered.json()["next_slots"][0])
    assert first.astimezone(ZoneInfo("America/Montreal")).date() == today + timedelta(days=1)


def test_the_live_queue_refuses_shoppers_and_strangers(live_url: str, staff_token) -> None:
    async def attempt(hello: dict) -> int:
        async with websockets.connect(ws(live_url, "/api/consult/queue/live")) as socket:
            await socket.send(json.dumps(hello))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
            return closed.value.rcvd.code

    assert asyncio.run(attempt({"type": "hello", "access_token": "not-a-token"})) == 4401
    assert asyncio.run(attempt({"type": "hello", "access_token": staff_token("shopper")})) == 4403
    assert asyncio.run(attempt({"type": "hello", "access_token": staff_token("advisor")})) == 4403  # no profile
    assert asyncio.run(attempt({"type": "claim"})) == 1008  # hello first


def test_claim_over_http_needs_an_advisor(client, staff_token) -> None:
    assert client.post("/api/consult/queue/claims").status_code == 401
    ops = staff_token("ops")
    assert client.post("/api/consult/queue/claims", headers={"Authorization": f"Bearer {ops}"}).status_code == 403
    _ = uuid
