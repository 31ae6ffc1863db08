"""Live sessions and their signaling: who may join, the message log every socket reads from,
start and end (with their events). Media never passes through here in peer-to-peer calls."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from consult.adapters.changefeed import notify
from consult.domain.session import CallSession, Role, SessionStatus
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest
from vitrine_shared.auth.principal import Principal
from vitrine_shared.auth.principal import Role as AuthRole
from vitrine_shared.events.contracts import SessionEnded, SessionStarted
from vitrine_shared.problems import Forbidden, IllegalTransition, NotFound


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
) -> Role:
    """Only the session's shopper (their booking or queue token) and its assigned advisor join."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if role == Role.SHOPPER:
            if not token or capability_digest(token) != call.shopper_token_digest:
                raise Forbidden("This token does not open this session.")
            return Role.SHOPPER
        if role == Role.ADVISOR:
            advisor = uow.advisors.get(call.advisor_id)
            if (
                principal is None
                or AuthRole.ADVISOR not in principal.roles
                or advisor is None
                or str(advisor.staff_id) != principal.subject
            ):
                raise Forbidden("Only the session's assigned advisor joins as advisor.")
            return Role.ADVISOR
        raise Forbidden("role is 'shopper' or 'advisor'.")


def attach(uow: ConsultUnitOfWork, session_id: uuid.UUID, role: Role, connection: str) -> Attached:
    now = datetime.now(UTC)
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        started = call.attach(role, connection, now)
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
            for recipient in (Role.SHOPPER, Role.ADVISOR):
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
) -> tuple[list[dict[str, Any]], str]:
    """Messages for this side after `after_seq`, and the socket's standing: 'live', 'replaced'
    (a newer socket of the same side took over) or 'ended'."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            return [], "ended"
        messages = uow.sessions.messages_for(call.id, role, after_seq)
        if call.status == SessionStatus.ENDED:
            return messages, "ended"
        if call.connection_of(role) != connection:
            return messages, "replaced"
        return messages, "live"


def get_session(uow: ConsultUnitOfWork, session_id: uuid.UUID) -> CallSession:
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        return call
