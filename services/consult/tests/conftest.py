"""Fixtures for consult's tests: the container, the HTTP app, a live server on loopback (for
WebSockets and real concurrency), test advisors with their own category, and tokens."""

import array
import asyncio
import collections
import json
import math
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from consult.bootstrap import Container, bootstrap
from consult.domain.model import Advisor
from consult.entrypoints.http import create_app
from consult.service_layer.advisors import ensure_advisor
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.settings import VAR_DIR

ALL_DAY = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(scope="session")
def container() -> Container:
    return bootstrap()


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="session")
def live_app() -> Any:
    return create_app()


@pytest.fixture(scope="session")
def live_url(live_app: Any) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, for WebSockets and concurrent load."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(live_app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer((VAR_DIR / "keys" / "auth-private.pem").read_text())


@pytest.fixture
def staff_token(issuer: TokenIssuer) -> Callable[..., str]:
    def make(*roles: str, subject: str | None = None) -> str:
        principal = Principal(subject=subject or str(uuid.uuid4()), roles=frozenset(Role(r) for r in roles))
        return issuer.issue(principal)

    return make


@pytest.fixture
def make_advisor(container: Container) -> Iterator[Callable[..., Advisor]]:
    """A fresh advisor with a category of its own, so tests never meet the demo advisors;
    deactivated afterwards, so the development database's listings stay the demo's."""
    made: list[Advisor] = []

    def make(**profile: Any) -> Advisor:
        tag = uuid.uuid4().hex[:10]
        defaults = {
            "languages": ["fr", "en"],
            "skills": [f"test-{tag}"],
            "time_zone": "America/Montreal",
            "weekly_hours": ALL_DAY,
            "buffer_minutes": 0,
            "max_per_day": 48,
            **profile,
        }
        with container.uow() as uow:
            advisor, _ = ensure_advisor(
                uow,
                email=f"adv-{tag}@vitrine.test",
                display_name=f"Advisor {tag}",
                staff_id=uuid.uuid4(),
                defaults=defaults,
            )
            uow.commit()
        made.append(advisor)
        return advisor

    yield make
    with container.uow() as uow:
        for advisor in made:
            row = uow.advisors.get(advisor.id)
            if row is not None:
                row.active = False
        uow.commit()


@pytest.fixture
def call_session(container: Container, make_advisor: Callable[..., Advisor], staff_token: Callable[..., str]):
    """A claimed queue call: (session id, the shopper's token, the advisor's access token, advisor)."""
    from datetime import timedelta

    from consult.service_layer import queue as queue_service

    def make() -> tuple[uuid.UUID, str, str, Advisor]:
        advisor = make_advisor()
        _, token, _ = queue_service.join(
            container.uow(),
            language="fr",
            category=advisor.skills[0],
            shopper_name="Test",
            average_call=timedelta(minutes=8),
        )
        _, call = queue_service.claim_next(container.uow(), advisor_id=advisor.id, instance="test")
        return call.id, token, staff_token("advisor", subject=str(advisor.staff_id)), advisor

    return make


# --- headless peers (aiortc) -------------------------------------------------------------------


@pytest.fixture
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice never offers 127.0.0.1; on a loopback-only test host it must (FACTS.md). The live
    server runs in this process, so its relay gets the same fix."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def small_camera(base: type) -> Any:
    """A synthetic 320x240 camera: real VP8 frames at a quarter of the encoding cost of 640x480,
    so the media tests hold up on a loaded machine (speed is the benchmark's business)."""
    import av

    class SmallCamera(base):  # type: ignore[misc, valid-type]
        async def recv(self) -> Any:
            pts, time_base = await self.next_timestamp()
            frame = av.VideoFrame(320, 240, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([128]) * plane.buffer_size)
            frame.pts, frame.time_base = pts, time_base
            return frame

    return SmallCamera()


def tone_microphone(frequency: float) -> Any:
    """A synthetic microphone playing a steady tone, so a listener can tell whose voice a line
    carries (and that it is not silence)."""
    from aiortc import AudioStreamTrack

    class ToneMicrophone(AudioStreamTrack):
        async def recv(self) -> Any:
            frame = await super().recv()  # silence, paced in real time; the tone replaces it
            rate, start = frame.sample_rate, frame.pts
            wave = array.array(
                "h", (int(8000 * math.sin(2 * math.pi * frequency * (start + i) / rate)) for i in range(frame.samples))
            )
            frame.planes[0].update(wave.tobytes())
            return frame

    return ToneMicrophone()


def dominant_tone(frame: Any) -> int | None:
    """The tone a decoded audio frame carries, from its zero crossings (no numpy here); None for
    silence. Crossings are counted with hysteresis so codec noise around zero does not count."""
    channels = len(frame.layout.channels)
    samples = array.array("h", bytes(frame.planes[0])[: frame.samples * channels * 2])[::channels]
    crossings, sign = 0, 0
    for sample in samples:
        if abs(sample) < 1000:
            continue
        now = 1 if sample > 0 else -1
        if sign and now != sign:
            crossings += 1
        sign = now
    if crossings < 4:
        return None
    return round(crossings / 2 / (len(samples) / frame.sample_rate))


class HeadlessPeer:
    """One side of a call: a synthetic camera, frames received counted per topology. It follows
    the protocol: offers to the peer (or answers), reports its media state, and when the server
    announces the relay it reconnects its media to the server. `sabotage_p2p` strips its ICE
    candidates from what it sends the peer, so peer to peer cannot connect."""

    def __init__(
        self,
        url: str,
        hello: dict,
        *,
        sabotage_p2p: bool = False,
        p2p_timeout: float = 4.0,
        audio: bool = False,
        tone: float | None = None,
    ) -> None:
        self.url, self.hello, self.audio, self.tone = url, hello, audio or tone is not None, tone
        self.audio_frames = {"p2p": 0, "relay": 0}
        # On the relay: the tones heard on each receiving audio line (by its rank), counted.
        self.tones_heard: dict[int, collections.Counter[int | None]] = {}
        self.sabotage_p2p, self.p2p_timeout = sabotage_p2p, p2p_timeout
        self.frames = {"p2p": 0, "relay": 0}
        self.topology = "p2p"
        self.streams = 0  # remote streams expected from the relay (0: not relayed)
        self.codecs: set[str] = set()
        self.errors: list[dict] = []
        self.messages: list[dict] = []
        self._tasks: list[asyncio.Task] = []
        self.pc: Any = None  # made inside the event loop (aiortc binds to the loop it is made in)

    def _new_pc(self, topology: str, streams: int = 1):
        from aiortc import AudioStreamTrack, RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, VideoStreamTrack
        from aiortc.rtcrtpsender import RTCRtpSender

        # Never a public STUN server; every line on one transport, as a browser bundles.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        if topology == "relay":
            self.tones_heard = {}  # a new negotiation: lines are ranked afresh
        vp8 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/VP8"]
        pc.addTransceiver(small_camera(VideoStreamTrack), direction="sendrecv").setCodecPreferences(vp8)
        for _ in range(streams - 1):  # one more stream to receive per extra participant
            pc.addTransceiver("video", direction="recvonly").setCodecPreferences(vp8)
        if self.audio:
            microphone = AudioStreamTrack() if self.tone is None else tone_microphone(self.tone)
            pc.addTransceiver(microphone, direction="sendrecv")
            for _ in range(streams - 1):
                pc.addTransceiver("audio", direction="recvonly")

        @pc.on("track")
        def on_track(track) -> None:
            counts = self.frames if track.kind == "video" else self.audio_frames
            lines = [t for t in pc.getTransceivers() if t.kind == track.kind]
            rank = next(i for i, t in enumerate(lines) if t.receiver.track is track)
            tones = self.tones_heard.setdefault(rank, collections.Counter()) if track.kind == "audio" else None

            async def read() -> None:
                while True:
                    frame = await track.recv()
                    counts[topology] += 1
                    if tones is not None and topology == "relay" and self.tone is not None:
                        tones[dominant_tone(frame)] += 1

            self._tasks.append(asyncio.ensure_future(read()))

        return pc

    def _outgoing(self, sdp: str) -> str:
        # Applied to what it sends and what it receives: with no candidates either way, not even
        # peer-reflexive ones can be learned.
        if not self.sabotage_p2p or self.topology != "p2p":
            return sdp
        return "\r\n".join(line for line in sdp.split("\r\n") if not line.startswith("a=candidate"))

    async def run(self, *, offerer: bool, stop: asyncio.Event) -> None:
        import websockets

        self.pc = self._new_pc("p2p")
        async with websockets.connect(self.url, max_size=2**20) as socket:
            self.socket = socket
            await socket.send(json.dumps(self.hello))
            welcome = json.loads(await socket.recv())
            assert welcome["type"] == "welcome", welcome
            if offerer and welcome["peer_present"]:
                await self._offer_peer()
            receiver = asyncio.ensure_future(self._receive(offerer))
            watchdog = asyncio.ensure_future(self._watch_p2p())
            await stop.wait()
            receiver.cancel()
            watchdog.cancel()
            await socket.send(json.dumps({"type": "hangup"}))
        for task in self._tasks:
            task.cancel()
        await self.pc.close()

    async def _offer_peer(self) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        await self.socket.send(json.dumps({"type": "offer", "sdp": self._outgoing(self.pc.localDescription.sdp)}))

    async def _watch_p2p(self) -> None:
        """Peer to peer gets `p2p_timeout` seconds; then the client tells the server it failed."""
        await asyncio.sleep(self.p2p_timeout)
        if self.topology == "p2p":
            state = "connected" if self.pc.connectionState == "connected" else "failed"
            await self.socket.send(json.dumps({"type": "media", "state": state}))

    async def _receive(self, offerer: bool) -> None:
        from aiortc import RTCSessionDescription

        async for raw in self.socket:
            message = json.loads(raw)
            self.messages.append(message)
            kind = message["type"]
            if kind == "error":
                self.errors.append(message)
            elif kind == "peer-joined" and offerer and self.topology == "p2p" and self.pc.signalingState == "stable":
                await self._offer_peer()
            elif kind == "topology" and message["topology"] == "relay" and message["streams"] != self.streams:
                self.topology, self.streams = "relay", message["streams"]
                old, self.pc = self.pc, self._new_pc("relay", self.streams)
                await old.close()
                await self.pc.setLocalDescription(await self.pc.createOffer())
                await self.socket.send(
                    json.dumps({"type": "offer", "target": "server", "sdp": self.pc.localDescription.sdp})
                )
            elif kind == "offer" and self.topology == "p2p":
                await self.pc.setRemoteDescription(RTCSessionDescription(self._outgoing(message["sdp"]), "offer"))
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await self.socket.send(
                    json.dumps({"type": "answer", "sdp": self._outgoing(self.pc.localDescription.sdp)})
                )
            elif kind == "answer" and (self.topology == "p2p") == (message.get("from") != "server"):
                await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "answer"))
                sdp = message["sdp"]
                self.codecs = {
                    line.split(" ", 1)[1].split("/")[0] for line in sdp.splitlines() if line.startswith("a=rtpmap:")
                }
                if self.topology == "p2p":
                    await self.socket.send(json.dumps({"type": "media", "state": "connected"}))


async def run_call(
    url: str,
    shopper: HeadlessPeer,
    advisor: HeadlessPeer,
    *,
    until: Callable[[], bool],
    timeout: float = 240,
    during: Callable[[], Any] | None = None,
) -> None:
    stop = asyncio.Event()
    tasks = [
        asyncio.ensure_future(advisor.run(offerer=True, stop=stop)),
        asyncio.ensure_future(shopper.run(offerer=False, stop=stop)),
    ]

    async def wait() -> None:
        while not until():
            for task in tasks:
                if task.done() and task.exception():
                    raise task.exception()
            if during is not None:
                result = during()
                if asyncio.iscoroutine(result):
                    await result
            await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(wait(), timeout)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture
def peers() -> Any:
    """(HeadlessPeer, run_call): tests build the two sides and run the call until a condition."""
    return HeadlessPeer, run_call
