"""Live sessions and their signaling: who may join, the message log every socket reads from,
start and end (with their events). Media never passes through here in peer-to-peer calls."""

import contextlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, text

from consult.adapters.changefeed import notify
from consult.adapters.orm import recordings
from consult.domain.session import CallSession, Role, SessionStatus, Topology
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.auth.principal import Principal
from vitrine_shared.auth.principal import Role as AuthRole
from vitrine_shared.events.contracts import SessionEnded, SessionStarted
from vitrine_shared.problems import Conflict, Forbidden, IllegalTransition, NotFound


def topic(session_id: uuid.UUID) -> str:
    return f"session:{session_id}"


@dataclass(frozen=True)
class Attached:
    session: CallSession
    peer_present: bool
    started: bool


def open_for_booking(
    uow: ConsultUnitOfWork, booking_id: uuid.UUID, *, token: str | None, principal: Principal | None, instance: str
) -> CallSession:
    """The call of a video booking: the shopper (booking token) or its advisor opens it; both
    land in the same session."""
    with uow:
        booking = uow.bookings.get(booking_id)
        if booking is None:
            raise NotFound("No such booking.")
        if token is not None:
            if capability_digest(token) != booking.token_digest:
                raise NotFound("No such booking.")
        else:
            advisor = uow.advisors.get(booking.advisor_id)
            if principal is None or advisor is None or str(advisor.staff_id) != principal.subject:
                raise Forbidden("Only the booking's advisor opens its call.")
        if booking.status != "confirmed":
            raise IllegalTransition("A cancelled booking has no call.", current_state=booking.status)
        if booking.mode != "video":
            raise IllegalTransition("Only video bookings have a call.", current_state=booking.mode)
        existing = uow.sessions.by_booking(booking.id)
        if existing is not None:
            return existing
        call = CallSession(
            advisor_id=booking.advisor_id,
            shopper_token_digest=booking.token_digest,
            owner_instance=instance,
            mode=booking.mode,
            booking_id=booking.id,
        )
        uow.sessions.add(call)
        uow.commit()
        return call


def authorize(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, *, role: str, token: str | None, principal: Principal | None
) -> tuple[Role, str | None]:
    """Only the session's shopper (their booking or queue token), its assigned advisor, a
    supervisor (ops) or the companion the shopper invited (their invitation token) join.
    Returns the role in the call, and for a guest what kind of guest."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if role == Role.SHOPPER:
            if not token or capability_digest(token) != call.shopper_token_digest:
                raise Forbidden("This token does not open this session.")
            return Role.SHOPPER, None
        if role == Role.ADVISOR:
            advisor = uow.advisors.get(call.advisor_id)
            if (
                principal is None
                or AuthRole.ADVISOR not in principal.roles
                or advisor is None
                or str(advisor.staff_id) != principal.subject
            ):
                raise Forbidden("Only the session's assigned advisor joins as advisor.")
            return Role.ADVISOR, None
        if role == "supervisor":
            if principal is None or not principal.has_any_role(frozenset({AuthRole.OPS})):
                raise Forbidden("Supervisors are ops staff.")
            return Role.GUEST, "supervisor"
        if role == Role.GUEST:
            if not token or call.guest_token_digest is None or capability_digest(token) != call.guest_token_digest:
                raise Forbidden("This invitation does not open this session.")
            return Role.GUEST, "companion"
        raise Forbidden("role is 'shopper', 'advisor', 'guest' or 'supervisor'.")


def invite_companion(uow: ConsultUnitOfWork, session_id: uuid.UUID, shopper_token: str) -> str:
    """The shopper invites a companion: a token of its own (a new one replaces the last)."""
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None or capability_digest(shopper_token) != call.shopper_token_digest:
            raise NotFound("No session with this id and token.")
        if call.status == SessionStatus.ENDED:
            raise IllegalTransition("This call has ended.", current_state=call.status)
        capability = new_capability()
        call.guest_token_digest = capability.digest
        uow.commit()
        return capability.token


def attach(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, connection: str, *, guest_kind: str | None = None
) -> Attached:
    now = datetime.now(UTC)
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        started = call.attach(role, connection, now)
        if role is Role.GUEST:
            call.guest_kind = guest_kind
            peer_present = bool(call.shopper_connection or call.advisor_connection)
            for recipient in (Role.SHOPPER, Role.ADVISOR):
                uow.sessions.append_message(call.id, "server", recipient, "peer-joined", {"role": guest_kind})
        else:
            peer_present = call.connection_of(role.other) is not None
            uow.sessions.append_message(call.id, "server", role.other, "peer-joined", {"role": role})
        if started:
            uow.publish(
                SessionStarted(
                    session_id=call.id,
                    advisor_id=call.advisor_id,
                    booking_id=call.booking_id,
                    mode=call.mode,  # type: ignore[arg-type]
                    topology=call.topology,  # type: ignore[arg-type]
                )
            )
        notify(uow.session, topic(call.id))
        uow.commit()
        return Attached(call, peer_present, started)


def detach(uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, connection: str) -> None:
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None or not call.detach(role, connection):
            return
        if role is Role.GUEST:
            for recipient in (Role.SHOPPER, Role.ADVISOR):
                uow.sessions.append_message(call.id, "server", recipient, "peer-left", {"role": call.guest_kind})
                if call.topology == Topology.RELAY and call.status != SessionStatus.ENDED:
                    # Back to one remote stream each: renegotiate with the relay.
                    uow.sessions.append_message(
                        call.id,
                        "server",
                        recipient,
                        "topology",
                        {"topology": "relay", "reason": "guest-left", "streams": 1},
                    )
        else:
            uow.sessions.append_message(call.id, "server", role.other, "peer-left", {"role": role})
        notify(uow.session, topic(call.id))
        uow.commit()


def relay_message(uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, message: dict[str, Any]) -> int:
    """Put a participant's message in the other side's log (offer, answer, ice, product...)."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if call.status == SessionStatus.ENDED:
            raise IllegalTransition("This call has ended.", current_state=call.status)
        payload = {key: value for key, value in message.items() if key != "type"}
        seq = uow.sessions.append_message(call.id, role, role.other, message["type"], payload)
        notify(uow.session, topic(call.id))
        uow.commit()
        return seq


def end(uow: ConsultUnitOfWork, session_id: uuid.UUID, *, by: Role | None, reason: str) -> CallSession:
    now = datetime.now(UTC)
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        if call.end(reason, now):
            for recipient in (Role.SHOPPER, Role.ADVISOR, Role.GUEST):
                if recipient is not by:
                    uow.sessions.append_message(call.id, by or "server", recipient, "hangup", {"reason": reason})
            uow.publish(
                SessionEnded(
                    session_id=call.id,
                    advisor_id=call.advisor_id,
                    duration_seconds=int(call.duration.total_seconds()),
                    mode=call.mode,  # type: ignore[arg-type]
                    topology=call.topology,  # type: ignore[arg-type]
                )
            )
            notify(uow.session, topic(call.id))
            uow.commit()
        return call


def pending(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, connection: str, after_seq: int
) -> tuple[list[dict[str, Any]], str, CallSession | None]:
    """Messages for this side after `after_seq`, and the socket's standing: 'live', 'replaced'
    (a newer socket of the same side took over) or 'ended'."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            return [], "ended", None
        messages = uow.sessions.messages_for(call.id, role, after_seq)
        if call.status == SessionStatus.ENDED:
            return messages, "ended", call
        if call.connection_of(role) != connection:
            return messages, "replaced", call
        return messages, "live", call


def get_session(uow: ConsultUnitOfWork, session_id: uuid.UUID) -> CallSession:
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        return call


# --- the relay -------------------------------------------------------------------------------


class RelayFull(Conflict):
    slug, title = "relay-full", "The relay is at capacity"


def request_relay(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, *, reason: str, instance: str, max_sessions: int
) -> CallSession:
    """Move a call onto this instance's relay, if admission control lets it in. Idempotent.
    The count and the switch happen under a per-instance advisory lock, so two calls racing
    for the last place cannot both get it."""
    with uow:
        uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"relay:{instance}"})
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        if call.status == SessionStatus.ENDED:
            raise IllegalTransition("This call has ended.", current_state=call.status)
        if call.topology == Topology.RELAY:
            if reason == "third-participant":
                _announce_relay(uow, call, reason)
                uow.commit()
            return call
        relayed = uow.sessions.relayed_on(instance)
        if relayed >= max_sessions:
            raise RelayFull(
                f"The relay on this instance carries its maximum of {max_sessions} calls; "
                "the call continues peer to peer.",
                trigger=reason,  # not `reason`: the socket error's `reason` is the sentence above
                relayed_sessions=relayed,
            )
        call.topology = Topology.RELAY
        call.owner_instance = instance
        call.relay_reason = reason
        _announce_relay(uow, call, reason)
        uow.commit()
        return call


def _announce_relay(uow: ConsultUnitOfWork, call: CallSession, reason: str) -> None:
    """Tell every participant to (re)connect their media to the relay, expecting one stream
    (video and audio) per other participant."""
    for role in call.participants:
        uow.sessions.append_message(
            call.id,
            "server",
            role,
            "topology",
            {"topology": "relay", "reason": reason, "streams": call.remote_streams},
        )
    notify(uow.session, topic(call.id))


def report_media(uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, state: str) -> CallSession:
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        if state == "connected" and call.topology == Topology.P2P and call.p2p_connected_at is None:
            call.p2p_connected_at = datetime.now(UTC)
            uow.commit()
        return call


def p2p_overdue(call: CallSession, timeout: timedelta, now: datetime) -> bool:
    """Peer to peer has had its chance: the call started `timeout` ago and no side has reported
    its media connected."""
    return (
        call.status == SessionStatus.ACTIVE
        and call.topology == Topology.P2P
        and call.p2p_connected_at is None
        and call.started_at is not None
        and now - call.started_at > timeout
    )


def consent_to_recording(uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, recording: bool) -> CallSession:
    """Each side says yes or no; the call is recorded only while both say yes."""
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        if role is Role.SHOPPER:
            call.recording_consent_shopper = recording
        else:
            call.recording_consent_advisor = recording
        uow.sessions.append_message(call.id, "server", role.other, "consent", {"role": role, "recording": recording})
        notify(uow.session, topic(call.id))
        uow.commit()
        return call


def register_recordings(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, paths: dict[str, str], *, instance: str, retention: timedelta
) -> None:
    now = datetime.now(UTC)
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            return
        call.recording_started_at = now
        for participant, path in paths.items():
            uow.session.execute(
                insert(recordings).values(
                    id=uuid.uuid4(),
                    session_id=session_id,
                    participant=participant,
                    path=path,
                    instance=instance,
                    expires_at=now + retention,
                )
            )
        uow.commit()


def list_recordings(uow: ConsultUnitOfWork, session_id: uuid.UUID) -> list[dict[str, Any]]:
    with uow:
        rows = uow.session.execute(
            select(recordings).where(recordings.c.session_id == session_id).order_by(recordings.c.created_at)
        ).all()
        return [dict(row._mapping) for row in rows]


def remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()


def delete_recordings(uow: ConsultUnitOfWork, session_id: uuid.UUID, token: str) -> int:
    """The shopper deletes the recordings of their call (their session token)."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None or capability_digest(token) != call.shopper_token_digest:
            raise NotFound("No session with this id and token.")
        rows = uow.session.execute(
            delete(recordings).where(recordings.c.session_id == session_id).returning(recordings.c.path)
        ).all()
        uow.commit()
    remove_files([row.path for row in rows])
    return len(rows)


def expire_recordings(uow: ConsultUnitOfWork, *, now: datetime | None = None, limit: int = 100) -> int:
    """Periodic job: recordings past their retention are deleted, files and rows (SKIP LOCKED,
    so several workers may run it)."""
    now = now or datetime.now(UTC)
    with uow:
        ids = (
            select(recordings.c.id)
            .where(recordings.c.expires_at <= now)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        rows = uow.session.execute(
            delete(recordings).where(recordings.c.id.in_(ids)).returning(recordings.c.path)
        ).all()
        uow.commit()
    remove_files([row.path for row in rows])
    return len(rows)
