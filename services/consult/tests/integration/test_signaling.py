"""The signaling protocol through the real WebSocket: relaying, refusals, bad input that leaves
the socket alive, reconnect with replay, hang-up and the session events."""

import asyncio
import json

import pytest
import websockets
from sqlalchemy import select

from vitrine_shared.messaging.tables import outbox

pytestmark = pytest.mark.integration

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
CANDIDATE = {"candidate": "candidate:1 1 UDP 2130706431 127.0.0.1 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}


def ws(live_url: str, path: str) -> str:
    return live_url.replace("http://", "ws://") + path


async def next_of(socket, kind: str, timeout: float = 15) -> dict:
    async def read() -> dict:
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message

    return await asyncio.wait_for(read(), timeout)


async def closed_code(socket, timeout: float = 10) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(socket.recv(), timeout)
    return closed.value.rcvd.code


def test_offer_answer_and_ice_reach_the_other_side_and_reconnect_replays(live_url, call_session, container) -> None:
    session_id, shopper_token, advisor_token, _ = call_session()
    url = ws(live_url, f"/api/consult/sessions/{session_id}/signal")

    async def scenario() -> None:
        async with websockets.connect(url) as advisor:
            await advisor.send(json.dumps({"type": "hello", "role": "advisor", "access_token": advisor_token}))
            welcome = await next_of(advisor, "welcome")
            assert welcome["peer_present"] is False and welcome["topology"] == "p2p"
            assert welcome["ice_servers"] == []  # no public STUN unless configured
            # The advisor's offer waits in the log until the shopper arrives.
            await advisor.send(json.dumps({"type": "offer", "sdp": SDP}))
            async with websockets.connect(url) as shopper:
                await shopper.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
                assert (await next_of(shopper, "welcome"))["peer_present"] is True
                offer = await next_of(shopper, "offer")
                assert offer["sdp"] == SDP and offer["from"] == "advisor"
                await next_of(advisor, "peer-joined")
                await shopper.send(json.dumps({"type": "answer", "sdp": SDP}))
                assert (await next_of(advisor, "answer"))["sdp"] == SDP
                await shopper.send(json.dumps({"type": "ice", "candidate": CANDIDATE}))
                assert (await next_of(advisor, "ice"))["candidate"] == CANDIDATE
                last_seq = offer["seq"]
            # The shopper's socket dropped: the advisor is told, and what it sends meanwhile waits.
            await next_of(advisor, "peer-left")
            await advisor.send(json.dumps({"type": "ice", "candidate": CANDIDATE}))
            async with websockets.connect(url) as shopper:
                await shopper.send(
                    json.dumps({"type": "hello", "role": "shopper", "token": shopper_token, "resume_after": last_seq})
                )
                await next_of(shopper, "welcome")
                missed = await next_of(shopper, "ice")
                assert missed["seq"] > last_seq
                await shopper.send(json.dumps({"type": "hangup"}))
                assert (await next_of(advisor, "hangup"))["reason"] == "shopper hung up"
                assert await closed_code(advisor) == 1000

    asyncio.run(scenario())
    with container.engine.connect() as db:
        events = {
            row.event_type: row.envelope["data"]
            for row in db.execute(select(outbox.c.event_type, outbox.c.envelope)).all()
            if row.envelope["data"].get("session_id") == str(session_id)
        }
    assert events["consult.session.started"]["topology"] == "p2p"
    assert events["consult.session.ended"]["mode"] == "video"
    assert events["consult.session.ended"]["duration_seconds"] >= 0


def test_bad_messages_get_errors_and_the_socket_survives(live_url, call_session) -> None:
    session_id, shopper_token, _, _ = call_session()
    url = ws(live_url, f"/api/consult/sessions/{session_id}/signal")

    async def scenario() -> None:
        async with websockets.connect(url) as shopper:
            await shopper.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
            await next_of(shopper, "welcome")
            for bad, code in [
                ({"type": "offer", "sdp": "hello"}, "malformed-sdp"),
                ({"type": "offer"}, "malformed-sdp"),
                ({"type": "ice", "candidate": {"candidate": "rm -rf /"}}, "malformed-candidate"),
                ({"type": "teleport"}, "unknown-type"),
                ({"kind": "offer"}, "malformed"),
                ({"type": "product", "sku": "X"}, "forbidden"),
            ]:
                await shopper.send(json.dumps(bad))
                error = await next_of(shopper, "error")
                assert error["code"] == code, (bad, error)
            await shopper.send("{not json")
            assert (await next_of(shopper, "error"))["code"] == "malformed"
            await shopper.send(json.dumps({"type": "ping"}))
            await next_of(shopper, "pong")
            await shopper.send(json.dumps({"type": "offer", "sdp": "v=0\r\nm=" + "x" * 70000}))
            assert await closed_code(shopper) == 1009

    asyncio.run(scenario())


def test_only_the_sessions_shopper_and_advisor_may_join(live_url, call_session, staff_token) -> None:
    session_id, shopper_token, advisor_token, _ = call_session()
    other_session, other_shopper_token, other_advisor_token, _ = call_session()
    url = ws(live_url, f"/api/consult/sessions/{session_id}/signal")

    async def attempt(target: str, hello: dict) -> int:
        async with websockets.connect(target) as socket:
            await socket.send(json.dumps(hello))
            return await closed_code(socket)

    async def scenario() -> None:
        assert await attempt(url, {"type": "hello", "role": "shopper", "token": other_shopper_token}) == 4403
        assert await attempt(url, {"type": "hello", "role": "advisor", "access_token": other_advisor_token}) == 4403
        assert await attempt(url, {"type": "hello", "role": "advisor", "access_token": staff_token("ops")}) == 4403
        assert await attempt(url, {"type": "hello", "role": "advisor", "token": shopper_token}) == 4403
        unknown = ws(live_url, "/api/consult/sessions/00000000-0000-0000-0000-000000000000/signal")
        assert await attempt(unknown, {"type": "hello", "role": "shopper", "token": shopper_token}) == 4404
        assert await attempt(url, {"type": "offer", "sdp": SDP}) == 1008

    asyncio.run(scenario())
    _ = (other_session, advisor_token)


def test_a_second_socket_of_the_same_side_replaces_the_first(live_url, call_session) -> None:
    session_id, shopper_token, _, _ = call_session()
    url = ws(live_url, f"/api/consult/sessions/{session_id}/signal")

    async def scenario() -> None:
        async with websockets.connect(url) as first:
            await first.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
            await next_of(first, "welcome")
            async with websockets.connect(url) as second:
                await second.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
                await next_of(second, "welcome")
                assert await closed_code(first) == 4000

    asyncio.run(scenario())


def test_a_video_bookings_call_opens_for_its_shopper_and_its_advisor_only(client, make_advisor, staff_token) -> None:
    from datetime import UTC, datetime, timedelta

    advisor = make_advisor()
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    body = {
        "starts_at": datetime(day.year, day.month, day.day, 15, tzinfo=UTC).isoformat(),
        "mode": "video",
        "language": "en",
        "category": advisor.skills[0],
        "shopper": {"name": "Vid", "email": "vid@example.test"},
    }
    booked = client.post("/api/consult/bookings", json=body).json()
    path = f"/api/consult/bookings/{booked['id']}/session"
    by_shopper = client.post(path, headers={"X-Booking-Token": booked["token"]})
    assert by_shopper.status_code == 200, by_shopper.text
    own = staff_token("advisor", subject=str(advisor.staff_id))
    by_advisor = client.post(path, headers={"Authorization": f"Bearer {own}"})
    assert by_advisor.json()["session_id"] == by_shopper.json()["session_id"]
    assert by_shopper.json()["signaling_path"].endswith("/signal")
    assert client.post(path).status_code == 401
    assert client.post(path, headers={"X-Booking-Token": "guess"}).status_code == 404
    assert client.post(path, headers={"Authorization": f"Bearer {staff_token('advisor')}"}).status_code == 403
    in_store = client.post(
        "/api/consult/bookings",
        json={
            **body,
            "mode": "in_store",
            "starts_at": datetime(day.year, day.month, day.day, 17, tzinfo=UTC).isoformat(),
        },
    ).json()
    refused = client.post(
        f"/api/consult/bookings/{in_store['id']}/session", headers={"X-Booking-Token": in_store["token"]}
    )
    assert refused.status_code == 409


def test_signaling_through_the_edge(call_session) -> None:
    """The nginx edge upgrades /api/consult/ WebSockets to the running service."""
    session_id, shopper_token, _, _ = call_session()

    async def scenario() -> dict:
        async with websockets.connect(f"ws://127.0.0.1:8080/api/consult/sessions/{session_id}/signal") as socket:
            await socket.send(json.dumps({"type": "hello", "role": "shopper", "token": shopper_token}))
            return await next_of(socket, "welcome")

    assert asyncio.run(scenario())["role"] == "shopper"


def test_a_call_whose_peers_never_report_media_moves_to_the_relay_after_the_timeout(call_session) -> None:
    """The server's backstop: active for p2p_timeout_s with no `media: connected` report."""
    from fastapi.testclient import TestClient

    from consult.config import Settings
    from consult.entrypoints.http import create_app

    session_id, shopper_token, advisor_token, _ = call_session()
    path = f"/api/consult/sessions/{session_id}/signal"
    with (
        TestClient(create_app(Settings(p2p_timeout_s=0.5))) as quick,
        quick.websocket_connect(path) as advisor,
        quick.websocket_connect(path) as shopper,
    ):
        advisor.send_json({"type": "hello", "role": "advisor", "access_token": advisor_token})
        shopper.send_json({"type": "hello", "role": "shopper", "token": shopper_token})
        for socket in (advisor, shopper):
            while (message := socket.receive_json())["type"] != "topology":
                pass
            assert message["reason"] == "p2p-timeout" and message["streams"] == 1
        shopper.send_json({"type": "hangup"})
