"""Live sessions (calls), the instant queue, and the signaling protocol's rules. No I/O here."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from vitrine_shared.problems import IllegalTransition

MAX_MESSAGE_BYTES = 64 * 1024
MAX_SDP_BYTES = 48 * 1024


class SessionStatus(StrEnum):
    WAITING = "waiting"  # created; not both participants have joined yet
    ACTIVE = "active"  # both joined at least once
    ENDED = "ended"


class Topology(StrEnum):
    P2P = "p2p"
    RELAY = "relay"


class Role(StrEnum):
    SHOPPER = "shopper"
    ADVISOR = "advisor"
    GUEST = "guest"  # a third participant: a supervisor, or a companion the shopper invited

    @property
    def other(self) -> "Role":
        """The peer in a two-party call (a guest has none: guests are always relayed)."""
        return Role.ADVISOR if self is Role.SHOPPER else Role.SHOPPER


@dataclass
class CallSession:
    advisor_id: uuid.UUID
    shopper_token_digest: str
    owner_instance: str
    mode: str = "video"
    booking_id: uuid.UUID | None = None
    queue_entry_id: uuid.UUID | None = None
    topology: str = Topology.P2P
    status: str = SessionStatus.WAITING
    shopper_connection: str | None = None  # the live socket of each side (instance/connection id)
    advisor_connection: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    recording_consent_shopper: bool = False
    recording_consent_advisor: bool = False
    cart_id: uuid.UUID | None = None
    rating: int | None = None
    rating_comment: str | None = None
    guest_kind: str | None = None  # supervisor | companion
    guest_connection: str | None = None
    guest_token_digest: str | None = None
    p2p_connected_at: datetime | None = None
    relay_reason: str | None = None
    recording_started_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None

    def connection_of(self, role: Role) -> str | None:
        return {
            Role.SHOPPER: self.shopper_connection,
            Role.ADVISOR: self.advisor_connection,
            Role.GUEST: self.guest_connection,
        }[role]

    def _set_connection(self, role: Role, connection: str | None) -> None:
        if role is Role.SHOPPER:
            self.shopper_connection = connection
        elif role is Role.ADVISOR:
            self.advisor_connection = connection
        else:
            self.guest_connection = connection

    @property
    def participants(self) -> list[Role]:
        """Who is in the call's media: the two parties, and the guest while connected."""
        return [Role.SHOPPER, Role.ADVISOR] + ([Role.GUEST] if self.guest_connection else [])

    @property
    def remote_streams(self) -> int:
        """How many remote streams (picture and voice) each participant receives: one per other
        participant."""
        return len(self.participants) - 1

    def attach(self, role: Role, connection: str, now: datetime) -> bool:
        """A participant's socket joins (or replaces their previous one). Returns True when this
        makes the call start: both sides have joined for the first time."""
        if self.status == SessionStatus.ENDED:
            raise IllegalTransition("This call has ended.", current_state=self.status)
        self._set_connection(role, connection)
        if self.status == SessionStatus.WAITING and self.shopper_connection and self.advisor_connection:
            self.status = SessionStatus.ACTIVE
            self.started_at = now
            return True
        return False

    def detach(self, role: Role, connection: str) -> bool:
        """A socket closed; True if it was still that side's live socket (not replaced)."""
        if self.connection_of(role) != connection:
            return False
        self._set_connection(role, None)
        return True

    def end(self, reason: str, now: datetime) -> bool:
        if self.status == SessionStatus.ENDED:
            return False
        self.status = SessionStatus.ENDED
        self.ended_at = now
        self.end_reason = reason
        self.shopper_connection = self.advisor_connection = self.guest_connection = None
        return True

    @property
    def duration(self) -> timedelta:
        if self.started_at is None or self.ended_at is None:
            return timedelta(0)
        return self.ended_at - self.started_at


class QueueStatus(StrEnum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    LEFT = "left"


@dataclass
class QueueEntry:
    token_digest: str
    language: str
    shopper_name: str
    mode: str = "video"
    category: str | None = None
    status: str = QueueStatus.WAITING
    advisor_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    joined_at: datetime | None = None
    last_seen_at: datetime | None = None
    claimed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def estimated_wait(position: int, advisors_on_duty: int, average_call: timedelta) -> timedelta:
    """Shoppers are served in rounds of one per advisor on duty; the first round waits for the
    calls in progress, on average half a call."""
    if position <= 0:
        return timedelta(0)
    rounds_ahead = (position - 1) // max(advisors_on_duty, 1)
    return average_call * rounds_ahead + average_call / 2


# --- the signaling protocol -----------------------------------------------------------------


class ProtocolError(Exception):
    """A message the protocol refuses; the socket survives and the sender gets an `error`."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


RELAYED_TYPES = frozenset({"offer", "answer", "ice", "product"})
CLIENT_TYPES = frozenset({"hello", "offer", "answer", "ice", "hangup", "ping", "consent", "media", "product", "claim"})
MEDIA_STATES = frozenset({"connected", "failed"})


def check_sdp(sdp: Any, kind: str) -> str:
    if not isinstance(sdp, str) or not sdp:
        raise ProtocolError("malformed-sdp", f"an {kind} carries the SDP as a string in 'sdp'")
    if len(sdp.encode()) > MAX_SDP_BYTES:
        raise ProtocolError("malformed-sdp", f"the SDP is larger than {MAX_SDP_BYTES} bytes")
    lines = [line for line in sdp.replace("\r\n", "\n").split("\n") if line]
    if not lines or lines[0] != "v=0" or not any(line.startswith("m=") for line in lines):
        raise ProtocolError("malformed-sdp", "not a session description (needs 'v=0' and an 'm=' line)")
    if any(len(line) < 2 or line[1] != "=" for line in lines):
        raise ProtocolError("malformed-sdp", "every SDP line is '<letter>=<value>'")
    return sdp


def check_candidate(candidate: Any) -> dict[str, Any]:
    if candidate is None:
        return {"candidate": None}  # end of candidates
    if not isinstance(candidate, dict) or not isinstance(candidate.get("candidate"), str):
        raise ProtocolError("malformed-candidate", "'candidate' is an object with a 'candidate' string")
    text = candidate["candidate"]
    if len(text) > 1024 or (text and not text.startswith(("candidate:", "a=candidate:"))):
        raise ProtocolError("malformed-candidate", "not an ICE candidate line")
    mid, index = candidate.get("sdpMid"), candidate.get("sdpMLineIndex")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 32):
        raise ProtocolError("malformed-candidate", "'sdpMid' is a short string")
    if index is not None and (not isinstance(index, int) or not 0 <= index < 64):
        raise ProtocolError("malformed-candidate", "'sdpMLineIndex' is a small integer")
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index}


def parse_client_message(raw: str | bytes) -> dict[str, Any]:
    """Validate one message from a participant; returns the normalised message."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too-large", f"messages are at most {MAX_MESSAGE_BYTES} bytes")
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("malformed", "messages are JSON objects") from exc
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("malformed", "messages are JSON objects with a 'type'")
    kind = message["type"]
    if kind not in CLIENT_TYPES:
        raise ProtocolError("unknown-type", f"unknown message type '{kind[:40]}'")
    target = message.get("target") or "peer"
    if target not in ("peer", "server"):
        raise ProtocolError("malformed", "'target' is 'peer' or 'server'")
    if kind in ("offer", "answer"):
        return {"type": kind, "sdp": check_sdp(message.get("sdp"), kind), "target": target}
    if kind == "ice":
        return {"type": kind, "candidate": check_candidate(message.get("candidate")), "target": target}
    if kind == "media":
        if message.get("state") not in MEDIA_STATES:
            raise ProtocolError("malformed", "'media' carries 'state': connected or failed")
        return {"type": kind, "state": message["state"]}
    if kind == "consent":
        if not isinstance(message.get("recording"), bool):
            raise ProtocolError("malformed", "'consent' carries 'recording': true or false")
        return {"type": kind, "recording": message["recording"]}
    if kind == "hello":
        return message
    if kind == "product":
        sku = message.get("sku")
        if not isinstance(sku, str) or not 0 < len(sku) <= 64:
            raise ProtocolError("malformed", "'product' carries the 'sku' to show")
        return {"type": kind, "sku": sku}
    return {"type": kind}
