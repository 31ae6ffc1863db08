"""Real media: two aiortc peers, a headless shopper and a headless advisor, signal through the
service's WebSocket and exchange video frames both ways, peer to peer (nothing but signaling
passes through the service)."""

import asyncio
import json

import pytest
import websockets
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.rtcrtpsender import RTCRtpSender

pytestmark = pytest.mark.integration
FRAME_FLOOR = 50


@pytest.fixture
def loopback_ice(monkeypatch):
    """aioice never offers 127.0.0.1; on a loopback-only test host it must (FACTS.md)."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def prefer_vp8(pc: RTCPeerConnection) -> None:
    vp8 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/VP8"]
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            transceiver.setCodecPreferences(vp8)


class HeadlessPeer:
    """One side of a call: a peer connection with a synthetic camera, counting frames received."""

    def __init__(self, url: str, hello: dict) -> None:
        self.url, self.hello = url, hello
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # never a public STUN server
        self.pc.addTransceiver(VideoStreamTrack(), direction="sendrecv")
        prefer_vp8(self.pc)
        self.frames = 0
        self.codecs: set[str] = set()
        self._readers: list[asyncio.Task] = []
        self.pc.on("track", self._on_track)

    def _on_track(self, track) -> None:
        async def read() -> None:
            while True:
                await track.recv()
                self.frames += 1

        self._readers.append(asyncio.ensure_future(read()))

    async def run(self, *, offerer: bool, stop: asyncio.Event) -> None:
        async with websockets.connect(self.url, max_size=2**20) as socket:
            await socket.send(json.dumps(self.hello))
            welcome = json.loads(await socket.recv())
            assert welcome["type"] == "welcome", welcome
            if offerer and welcome["peer_present"]:
                await self._offer(socket)
            receiver = asyncio.ensure_future(self._receive(socket, offerer))
            await stop.wait()
            receiver.cancel()
            await socket.send(json.dumps({"type": "hangup"}))
        for reader in self._readers:
            reader.cancel()
        if self.pc.remoteDescription is not None:
            sdp = self.pc.remoteDescription.sdp
            self.codecs = {
                line.split(" ", 1)[1].split("/")[0] for line in sdp.splitlines() if line.startswith("a=rtpmap:")
            }
        await self.pc.close()

    async def _offer(self, socket) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await socket.send(json.dumps({"type": "offer", "sdp": self.pc.localDescription.sdp}))

    async def _receive(self, socket, offerer: bool) -> None:
        async for raw in socket:
            message = json.loads(raw)
            if message["type"] == "peer-joined" and offerer and self.pc.signalingState == "stable":
                await self._offer(socket)
            elif message["type"] == "offer":
                await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "offer"))
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await socket.send(json.dumps({"type": "answer", "sdp": self.pc.localDescription.sdp}))
            elif message["type"] == "answer":
                await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "answer"))


async def exchange(url: str, shopper_hello: dict, advisor_hello: dict, timeout: float = 60) -> tuple[HeadlessPeer, ...]:
    stop = asyncio.Event()
    advisor = HeadlessPeer(url, advisor_hello)
    shopper = HeadlessPeer(url, shopper_hello)
    tasks = [
        asyncio.ensure_future(advisor.run(offerer=True, stop=stop)),
        asyncio.ensure_future(shopper.run(offerer=False, stop=stop)),
    ]

    async def enough() -> None:
        while advisor.frames < FRAME_FLOOR or shopper.frames < FRAME_FLOOR:
            for task in tasks:
                if task.done() and task.exception():
                    raise task.exception()
            await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(enough(), timeout)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return advisor, shopper


def test_video_flows_peer_to_peer_both_ways(live_url, call_session, loopback_ice, container) -> None:
    session_id, shopper_token, advisor_token, _ = call_session()
    url = live_url.replace("http://", "ws://") + f"/api/consult/sessions/{session_id}/signal"
    advisor, shopper = asyncio.run(
        exchange(
            url,
            {"type": "hello", "role": "shopper", "token": shopper_token},
            {"type": "hello", "role": "advisor", "access_token": advisor_token},
        )
    )
    assert advisor.frames >= FRAME_FLOOR and shopper.frames >= FRAME_FLOOR
    # Both sides preferred VP8 only; the answer carries nothing else (rtx aside).
    assert advisor.codecs - {"rtx"} == {"VP8"}, advisor.codecs
    from consult.service_layer import sessions

    call = sessions.get_session(container.uow(), session_id)
    assert call.topology == "p2p" and call.status == "ended" and call.started_at is not None
