"""Real media: aiortc peers as headless shopper and advisor, signaling through the service's
WebSocket. Peer to peer by default; through the server-side relay when peer to peer fails or
both consent to recording; admission control refuses what the relay cannot carry."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from consult.service_layer import sessions
from vitrine_shared.problems import Conflict
from vitrine_shared.testing import wait_until

pytestmark = pytest.mark.integration
FLOOR = 50  # frames each way: a generous floor, not a frame rate


def url_of(live_url: str, session_id: uuid.UUID) -> str:
    return live_url.replace("http://", "ws://") + f"/api/consult/sessions/{session_id}/signal"


def watch_room(relay, session_id: uuid.UUID) -> tuple[dict, Callable[[], None]]:
    """(seen, observe): each call of observe() copies the room's latest counts into seen."""
    seen: dict = {}

    def observe() -> None:
        room = relay.rooms.get(session_id)
        if room is not None:
            seen.update(room.stats())

    return seen, observe


def sides(peers, live_url, call_session, **shopper_options):
    peer_class, run_call = peers
    session_id, shopper_token, advisor_token, _ = call_session()
    url = url_of(live_url, session_id)
    shopper = peer_class(url, {"type": "hello", "role": "shopper", "token": shopper_token}, **shopper_options)
    advisor_peer = peer_class(url, {"type": "hello", "role": "advisor", "access_token": advisor_token})
    return session_id, shopper_token, shopper, advisor_peer, run_call


def test_video_flows_peer_to_peer_both_ways(live_url, call_session, loopback_ice, peers, container) -> None:
    session_id, _, shopper, advisor, run_call = sides(peers, live_url, call_session)
    asyncio.run(
        run_call(
            url_of(live_url, session_id),
            shopper,
            advisor,
            until=lambda: shopper.frames["p2p"] >= FLOOR and advisor.frames["p2p"] >= FLOOR,
        )
    )
    assert advisor.codecs - {"rtx"} == {"VP8"}, advisor.codecs  # both sides preferred VP8 only
    wait_until(
        lambda: sessions.get_session(container.uow(), session_id).status == "ended", timeout=30, what="the hang-up"
    )
    call = sessions.get_session(container.uow(), session_id)
    assert call.topology == "p2p" and call.status == "ended" and call.p2p_connected_at is not None
    assert shopper.frames["relay"] == advisor.frames["relay"] == 0


def test_when_peer_to_peer_fails_the_call_falls_back_to_the_relay(
    live_url, live_app, call_session, loopback_ice, peers, container
) -> None:
    session_id, _, shopper, advisor, run_call = sides(peers, live_url, call_session, sabotage_p2p=True)
    relay = live_app.state.container.relay
    seen, observe = watch_room(relay, session_id)

    asyncio.run(
        run_call(
            url_of(live_url, session_id),
            shopper,
            advisor,
            until=lambda: shopper.frames["relay"] >= FLOOR and advisor.frames["relay"] >= FLOOR,
            during=observe,
        )
    )
    assert shopper.frames["p2p"] == advisor.frames["p2p"] == 0  # peer to peer never connected
    assert seen["forwarded"]["shopper->advisor"] > 0 and seen["forwarded"]["advisor->shopper"] > 0
    call = sessions.get_session(container.uow(), session_id)
    assert call.topology == "relay" and call.relay_reason == "p2p-failed"
    assert call.owner_instance == live_app.state.container.settings.instance_id
    wait_until(lambda: session_id not in relay.rooms, timeout=30, what="the hang-up to close the room")


def test_both_consenting_records_through_the_relay_and_the_shopper_deletes_it(
    live_url, live_app, call_session, loopback_ice, peers, container
) -> None:
    session_id, shopper_token, shopper, advisor, run_call = sides(peers, live_url, call_session)
    consented = {"sent": False}

    async def consent() -> None:
        if not consented["sent"] and shopper.frames["p2p"] > 5 and advisor.frames["p2p"] > 5:
            consented["sent"] = True
            for peer in (shopper, advisor):
                await peer.socket.send('{"type": "consent", "recording": true}')

    asyncio.run(
        run_call(
            url_of(live_url, session_id),
            shopper,
            advisor,
            until=lambda: shopper.frames["relay"] >= FLOOR and advisor.frames["relay"] >= FLOOR,
            during=consent,
        )
    )
    call = sessions.get_session(container.uow(), session_id)
    assert call.topology == "relay" and call.relay_reason == "recording" and call.recording_started_at
    recorded = sessions.list_recordings(container.uow(), session_id)
    assert {r["participant"] for r in recorded} == {"shopper", "advisor"}
    relay = live_app.state.container.relay
    wait_until(lambda: session_id not in relay.rooms, timeout=60, what="the recorders to be closed")
    assert all(Path(r["path"]).stat().st_size > 1000 for r in recorded), [Path(r["path"]).stat() for r in recorded]
    with httpx.Client(base_url=live_url) as http:
        path = f"/api/consult/sessions/{session_id}/recordings"
        assert http.request("DELETE", path, headers={"X-Shopper-Token": "someone-else"}).status_code == 404
        assert http.request("DELETE", path, headers={"X-Shopper-Token": shopper_token}).status_code == 204
    assert sessions.list_recordings(container.uow(), session_id) == []
    assert not any(Path(r["path"]).exists() for r in recorded)


def test_admission_control_refuses_the_relayed_call_beyond_the_cap(call_session, container) -> None:
    from consult.domain.session import Role

    instance = f"test-{uuid.uuid4().hex[:8]}"
    first, *_ = call_session()
    second, *_ = call_session()
    sessions.attach(container.uow(), first, Role.SHOPPER, "conn-1")  # someone is on the call
    sessions.request_relay(container.uow(), first, reason="p2p-failed", instance=instance, max_sessions=1)
    with pytest.raises(Conflict) as refused:
        sessions.request_relay(container.uow(), second, reason="p2p-failed", instance=instance, max_sessions=1)
    assert refused.value.slug == "relay-full"
    assert "maximum of 1" in refused.value.detail
    assert refused.value.extensions == {"trigger": "p2p-failed", "relayed_sessions": 1}
    assert sessions.get_session(container.uow(), second).topology == "p2p"  # untouched
    # The same request again is idempotent; an ended call frees its place.
    sessions.request_relay(container.uow(), first, reason="p2p-failed", instance=instance, max_sessions=1)
    sessions.end(container.uow(), first, by=None, reason="test")
    sessions.request_relay(container.uow(), second, reason="p2p-failed", instance=instance, max_sessions=1)
    # A relayed call everyone left without hanging up does not hold its place either.
    third, *_ = call_session()
    sessions.request_relay(container.uow(), third, reason="p2p-failed", instance=instance, max_sessions=1)


def test_recordings_past_their_retention_are_removed(call_session, container, tmp_path) -> None:
    session_id, *_ = call_session()
    path = tmp_path / "advisor.webm"
    path.write_bytes(b"webm")
    sessions.register_recordings(
        container.uow(), session_id, {"advisor": str(path)}, instance="test", retention=timedelta(seconds=-1)
    )
    assert sessions.expire_recordings(container.uow(), now=datetime.now(UTC)) >= 1
    assert not path.exists()
    assert sessions.list_recordings(container.uow(), session_id) == []


def three_way_call(shopper, advisor, supervisor, *, until, during) -> None:
    """Shopper and advisor connect peer to peer, then a supervisor joins (the call moves onto the
    relay); runs until `until()` holds, calling `during()` meanwhile. Generous timeout: a loaded
    shared machine, not a speed test; a TimeoutError says the condition never held."""

    async def scenario() -> None:
        stop = asyncio.Event()
        tasks = [
            asyncio.ensure_future(advisor.run(offerer=True, stop=stop)),
            asyncio.ensure_future(shopper.run(offerer=False, stop=stop)),
        ]
        try:
            async with asyncio.timeout(240):
                while shopper.frames["p2p"] < 10 or advisor.frames["p2p"] < 10:
                    await asyncio.sleep(0.1)
                tasks.append(asyncio.ensure_future(supervisor.run(offerer=False, stop=stop)))
                while not until():
                    for task in tasks:
                        if task.done() and task.exception():
                            raise task.exception()
                    during()
                    await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(scenario())


def test_a_third_participant_moves_the_call_onto_the_relay(
    live_url, live_app, call_session, loopback_ice, peers, container, staff_token
) -> None:
    peer_class, _ = peers
    session_id, shopper_token, advisor_token, _ = call_session()
    url = url_of(live_url, session_id)
    shopper = peer_class(url, {"type": "hello", "role": "shopper", "token": shopper_token})
    advisor = peer_class(url, {"type": "hello", "role": "advisor", "access_token": advisor_token})
    supervisor = peer_class(url, {"type": "hello", "role": "supervisor", "access_token": staff_token("ops")})
    relay = live_app.state.container.relay
    seen, observe = watch_room(relay, session_id)

    three_way_call(
        shopper,
        advisor,
        supervisor,
        until=lambda: min(p.frames["relay"] for p in (shopper, advisor, supervisor)) >= FLOOR,
        during=observe,
    )
    call = sessions.get_session(container.uow(), session_id)
    assert call.topology == "relay" and call.relay_reason == "third-participant" and call.guest_kind == "supervisor"
    for pair in ("shopper->advisor", "advisor->shopper", "shopper->guest", "advisor->guest", "guest->shopper"):
        assert seen["forwarded"].get(pair, 0) > 0, (pair, seen)


def test_a_companion_needs_the_shoppers_invitation(live_url, client, call_session) -> None:
    import json

    import websockets

    session_id, shopper_token, _, _ = call_session()
    path = f"/api/consult/sessions/{session_id}/companions"
    assert client.post(path, headers={"X-Shopper-Token": "guess"}).status_code == 404
    invitation = client.post(path, headers={"X-Shopper-Token": shopper_token})
    assert invitation.status_code == 201
    url = url_of(live_url, session_id)

    async def hello(token: str) -> dict | int:
        async with websockets.connect(url) as socket:
            await socket.send(json.dumps({"type": "hello", "role": "guest", "token": token}))
            try:
                return json.loads(await asyncio.wait_for(socket.recv(), 10))
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code

    assert asyncio.run(hello("not-the-invitation")) == 4403
    assert asyncio.run(hello(shopper_token)) == 4403  # the shopper's own token is not an invitation
    welcome = asyncio.run(hello(invitation.json()["guest_token"]))
    assert welcome["type"] == "welcome" and welcome["role"] == "guest"


def test_the_relay_carries_audio_too(live_url, live_app, call_session, loopback_ice, peers) -> None:
    peer_class, run_call = peers
    session_id, shopper_token, advisor_token, _ = call_session()
    url = url_of(live_url, session_id)
    shopper = peer_class(
        url, {"type": "hello", "role": "shopper", "token": shopper_token}, sabotage_p2p=True, audio=True
    )
    advisor = peer_class(url, {"type": "hello", "role": "advisor", "access_token": advisor_token}, audio=True)
    relay = live_app.state.container.relay
    seen, observe = watch_room(relay, session_id)

    asyncio.run(
        run_call(
            url,
            shopper,
            advisor,
            until=lambda: (
                min(shopper.audio_frames["relay"], advisor.audio_frames["relay"]) >= FLOOR
                and min(shopper.frames["relay"], advisor.frames["relay"]) >= FLOOR
            ),
            during=observe,
        )
    )
    assert seen["forwarded"]["shopper->advisor/audio"] > 0 and seen["forwarded"]["advisor->shopper/audio"] > 0


TONES = {"shopper": 300, "advisor": 600, "supervisor": 1200}  # Hz: whose voice a line carries


def voices_heard(peer) -> set[str]:
    """Whose tone each receiving audio line of the relayed call mostly carries (at least 20
    frames of it, so a few stray frames do not count)."""
    heard = set()
    for counts in peer.tones_heard.values():
        for name, tone in TONES.items():
            if sum(n for hz, n in counts.items() if hz is not None and abs(hz - tone) <= tone * 0.2) >= 20:
                heard.add(name)
    return heard


def test_in_a_three_way_relayed_call_everyone_hears_both_others(
    live_url, live_app, call_session, loopback_ice, peers, staff_token
) -> None:
    """Each participant's voice reaches both others through the relay, on the line of its own
    (the second remote voice used to go out on a transport nobody listened to)."""
    peer_class, _ = peers
    session_id, shopper_token, advisor_token, _ = call_session()
    url = url_of(live_url, session_id)
    everyone = {
        "shopper": peer_class(url, {"type": "hello", "role": "shopper", "token": shopper_token}, tone=TONES["shopper"]),
        "advisor": peer_class(
            url, {"type": "hello", "role": "advisor", "access_token": advisor_token}, tone=TONES["advisor"]
        ),
        "supervisor": peer_class(
            url, {"type": "hello", "role": "supervisor", "access_token": staff_token("ops")}, tone=TONES["supervisor"]
        ),
    }
    shopper, advisor, supervisor = everyone.values()
    expected = {name: set(TONES) - {name} for name in everyone}
    relay = live_app.state.container.relay
    seen, observe = watch_room(relay, session_id)

    try:
        three_way_call(
            shopper,
            advisor,
            supervisor,
            until=lambda: all(voices_heard(peer) == expected[name] for name, peer in everyone.items()),
            during=observe,
        )
    except TimeoutError:
        heard = {name: (sorted(voices_heard(peer)), peer.tones_heard) for name, peer in everyone.items()}
        pytest.fail(f"not every voice reached both others; heard: {heard}; relay: {seen}")
    for pair in ("shopper->guest", "advisor->guest", "guest->shopper", "guest->advisor"):
        assert seen["forwarded"].get(f"{pair}/audio", 0) > 0, (pair, seen)
