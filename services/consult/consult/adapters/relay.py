"""The server-side media relay (aiortc), for calls that cannot or must not be peer to peer.

Measured (FACTS.md): aiortc's MediaRelay decodes and re-encodes every frame, ~0.45 core per 1:1
session. This relay does not: it stands in for each receiver's decoder queue and hands the
*encoded* VP8 frames (already reassembled by aiortc's jitter buffer) straight to the senders of
the other participants, which only re-packetize them. Decoding happens only for a consented
recording. A subscriber that joins late, or whose queue overflowed, drops frames until the next
keyframe and asks the source for one (RTCP PLI).

Media lives in this process: a relayed session belongs to the instance that holds its room,
which is recorded as the session's owner instance."""

import asyncio
import contextlib
import fractions
import logging
import queue
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaRecorder
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpsender import RTCRtpSender

log = logging.getLogger(__name__)
TIME_BASES = {"video": fractions.Fraction(1, 90000), "audio": fractions.Fraction(1, 48000)}
_pending: set[asyncio.Task[None]] = set()  # keyframe requests in flight (kept referenced)
FORWARD_QUEUE = 30  # encoded frames a slow subscriber may lag before frames are dropped


def vp8_only() -> list[Any]:
    return [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/VP8"]


def opus_only() -> list[Any]:
    return [c for c in RTCRtpSender.getCapabilities("audio").codecs if c.mimeType == "audio/opus"]


CODECS = {"video": vp8_only, "audio": opus_only}


def peer_configuration(ice_servers: list[dict[str, Any]]) -> RTCConfiguration:
    # ICE servers always explicit: with None aiortc would reach for a public STUN server.
    # Max-bundle: every line on the first line's transport, the one a bundling browser uses.
    # With aiortc's default (balanced) the second line of a kind is created on the first
    # audio line's own transport and stays there when the offer's BUNDLE moves the first one:
    # in a three-way call the second remote voice went out on a transport nobody listened to.
    return RTCConfiguration(
        iceServers=[RTCIceServer(**server) for server in ice_servers], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE
    )


class PacketForwarder(MediaStreamTrack):
    """A track of encoded frames (VP8 video, Opus audio) from one participant, sent to another
    without decoding."""

    def __init__(self, kind: str, request_keyframe: Callable[[], None]) -> None:
        super().__init__()
        self.kind = kind
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()
        self._request_keyframe = request_keyframe
        self._synced = kind == "audio"  # every Opus frame stands alone; VP8 starts at a keyframe
        self.forwarded = 0
        self.dropped = 0

    def push(self, data: bytes, timestamp: int) -> None:
        # VP8 frame tag: bit 0 clear on keyframes. Audio needs no resynchronisation.
        keyframe = self.kind == "audio" or (bool(data) and data[0] & 0x01 == 0)
        if not self._synced:
            if not keyframe:
                self.dropped += 1
                self._request_keyframe()
                return
            self._synced = True
        if self._queue.qsize() >= FORWARD_QUEUE:
            # The subscriber cannot keep up: drop what is queued and restart from a keyframe,
            # rather than growing memory and latency without bound.
            while not self._queue.empty():
                self._queue.get_nowait()
                self.dropped += 1
            self._synced = keyframe
            if not keyframe:
                self._request_keyframe()
                return
        packet = av.Packet(data)
        packet.pts = timestamp
        packet.time_base = TIME_BASES[self.kind]
        self._queue.put_nowait(packet)
        self.forwarded += 1

    def end(self) -> None:
        self._queue.put_nowait(None)

    async def recv(self) -> av.Packet:  # type: ignore[override]
        packet = await self._queue.get()
        if packet is None or self.readyState != "live":
            self.stop()
            raise MediaStreamError
        return packet


class FrameTee:
    """Replaces an aiortc receiver's decoder queue (before the receiver starts): encoded frames
    go to the forwarders; to the decoder thread only while recording."""

    def __init__(self, receiver: RTCRtpReceiver, kind: str) -> None:
        self.receiver = receiver
        self.kind = kind
        self.original: queue.Queue = receiver._RTCRtpReceiver__decoder_queue  # type: ignore[attr-defined]
        self.forwarders: list[PacketForwarder] = []
        self.decode = False
        self.frames = 0
        self._last_pli = 0.0
        receiver._RTCRtpReceiver__decoder_queue = self  # type: ignore[attr-defined]

    # The decoder thread's side.
    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self.original.get(*args, **kwargs)

    # The receiver's side (on the event loop).
    def put(self, task: Any) -> None:
        if task is None:
            self.original.put(None)
            for forwarder in self.forwarders:
                forwarder.end()
            return
        _, frame = task
        self.frames += 1
        for forwarder in self.forwarders:
            forwarder.push(frame.data, frame.timestamp)
        if self.decode:
            self.original.put(task)

    def request_keyframe(self) -> None:
        if self.kind != "video":
            return
        now = time.monotonic()
        if now - self._last_pli < 0.5:
            return
        self._last_pli = now
        for ssrc in list(self.receiver._RTCRtpReceiver__active_ssrc):  # type: ignore[attr-defined]
            task = asyncio.ensure_future(self.receiver._send_rtcp_pli(ssrc))
            _pending.add(task)
            task.add_done_callback(_pending.discard)

    def subscribe(self) -> PacketForwarder:
        forwarder = PacketForwarder(self.kind, self.request_keyframe)
        self.forwarders.append(forwarder)
        return forwarder


class RelayRoom:
    """One relayed session: a peer connection per participant (all its lines bundled on one
    transport), each participant's video and audio forwarded to every other one."""

    def __init__(self, session_id: uuid.UUID, ice_servers: list[dict[str, Any]]) -> None:
        self.session_id = session_id
        self.ice_servers = ice_servers
        self.peers: dict[str, RTCPeerConnection] = {}
        self.tees: dict[tuple[str, str], FrameTee] = {}  # (participant, kind)
        self.forwarders: dict[tuple[str, str, str], PacketForwarder] = {}  # (source, subscriber, kind)
        self.recorders: list[MediaRecorder] = []
        self._sinks: list[_LateTrack] = []  # sending tracks, each waiting for or fed by a source
        self._lock = asyncio.Lock()

    async def answer(self, role: str, offer_sdp: str, roles: list[str]) -> str:
        """Answer a participant's offer. `roles` is everyone in the call; the offer carries one
        video m-line per other participant, the first also sending this participant's camera
        (and likewise audio m-lines, when the offer has any)."""
        async with self._lock:
            old = self.peers.pop(role, None)
            if old is not None:
                # A participant reconnecting: others re-subscribe to the new source.
                self._sinks = [sink for sink in self._sinks if sink.wanted and sink.wanted[1] != role]
                for sink in self._sinks:
                    if sink.wanted and sink.wanted[0] == role:
                        sink.source = None
                self.tees = {key: tee for key, tee in self.tees.items() if key[0] != role}
                await old.close()
            pc = RTCPeerConnection(peer_configuration(self.ice_servers))
            others = [r for r in roles if r != role]
            offered = {kind: offer_sdp.count(f"m={kind} ") for kind in ("video", "audio")}
            # Transceivers made before the offer is applied take its m-lines in order, with
            # codec preferences set first (the answering side must, FACTS.md).
            for kind in ("video", "audio"):
                for index, other in enumerate(others[: offered[kind]]):
                    sink = _LateTrack(kind, (other, role, kind))
                    transceiver = pc.addTransceiver(sink, direction="sendrecv" if index == 0 else "sendonly")
                    transceiver.setCodecPreferences(CODECS[kind]())
                    self._sinks.append(sink)
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            # Stand in for the decoders before the receivers start (they start once DTLS is up).
            for transceiver in pc.getTransceivers():
                key = (role, transceiver.kind)
                if key not in self.tees and transceiver.direction in ("sendrecv", "recvonly"):
                    self.tees[key] = FrameTee(transceiver.receiver, transceiver.kind)
            self.peers[role] = pc
            self._wire()
            await pc.setLocalDescription(await pc.createAnswer())
            return pc.localDescription.sdp

    def _wire(self) -> None:
        """Connect every waiting sink whose source has arrived."""
        for sink in self._sinks:
            source, _, kind = sink.wanted
            if sink.source is None and (source, kind) in self.tees:
                forwarder = self.tees[(source, kind)].subscribe()
                self.forwarders[sink.wanted] = forwarder
                sink.source = forwarder

    async def remove(self, role: str) -> None:
        """A participant left the media (a guest leaving): close their connection."""
        async with self._lock:
            pc = self.peers.pop(role, None)
            self.tees = {key: tee for key, tee in self.tees.items() if key[0] != role}
            self._sinks = [sink for sink in self._sinks if role not in sink.wanted[:2]]
            if pc is not None:
                await pc.close()

    async def start_recording(self, directory: Path) -> list[Path]:
        """Record each participant's video (decoded for the recorder only while recording)."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for (role, kind), tee in self.tees.items():
            if kind != "video":
                continue  # the audio is relayed but not recorded (not done yet)
            tee.decode = True
            path = directory / f"{role}.webm"
            recorder = MediaRecorder(str(path))
            recorder.addTrack(tee.receiver.track)
            await recorder.start()
            self.recorders.append(recorder)
            paths.append(path)
        return paths

    @property
    def recording(self) -> bool:
        return bool(self.recorders)

    async def stop_recording(self) -> None:
        for tee in self.tees.values():
            tee.decode = False
        recorders, self.recorders = self.recorders, []
        for recorder in recorders:
            with contextlib.suppress(Exception):
                await recorder.stop()

    def stats(self) -> dict[str, Any]:
        return {
            "received": {f"{role}/{kind}": tee.frames for (role, kind), tee in self.tees.items()},
            "forwarded": {
                (f"{s}->{d}" if k == "video" else f"{s}->{d}/{k}"): f.forwarded
                for (s, d, k), f in self.forwarders.items()
            },
        }

    async def close(self) -> None:
        for recorder in self.recorders:
            with contextlib.suppress(Exception):
                await recorder.stop()
        for pc in self.peers.values():
            with contextlib.suppress(Exception):
                await pc.close()
        self.peers.clear()


class _LateTrack(MediaStreamTrack):
    """A sending track whose source (a forwarder) may arrive after the answer is made."""

    def __init__(self, kind: str, wanted: tuple[str, str, str]) -> None:
        super().__init__()
        self.kind = kind
        self.wanted = wanted  # (source participant, subscriber, kind)
        self.source: PacketForwarder | None = None

    async def recv(self) -> av.Packet:  # type: ignore[override]
        while self.source is None:
            if self.readyState != "live":
                raise MediaStreamError
            await asyncio.sleep(0.05)
        return await self.source.recv()


class RelayHub:
    """The rooms this process holds."""

    def __init__(self, ice_servers: list[dict[str, Any]]) -> None:
        self.ice_servers = ice_servers
        self.rooms: dict[uuid.UUID, RelayRoom] = {}

    def room(self, session_id: uuid.UUID) -> RelayRoom:
        if session_id not in self.rooms:
            self.rooms[session_id] = RelayRoom(session_id, self.ice_servers)
        return self.rooms[session_id]

    async def close(self, session_id: uuid.UUID) -> None:
        room = self.rooms.pop(session_id, None)
        if room is not None:
            await room.close()
