"""Live calls: opening a booking's call, and the signaling WebSocket.

Protocol (JSON text messages; the full description is in docs/consult.md):
client -> server: hello {role, token | access_token, resume_after?}, offer {sdp}, answer {sdp},
  ice {candidate}, hangup, ping, consent {recording}, product {...} (advisor).
server -> client: welcome {session_id, role, peer_present, ice_servers, topology, streams, seq},
  offer/answer/ice/product (from the other side, each with `seq`), peer-joined, peer-left,
  hangup {reason}, pong, error {code, reason}.
"""

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Header, WebSocket
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from consult.bootstrap import Container
from consult.domain.session import RELAYED_TYPES, Role
from consult.entrypoints.dependencies import ContainerDep
from consult.entrypoints.sockets import Close, Socket, close_code_for
from consult.service_layer import commerce
from consult.service_layer import sessions as session_service
from vitrine_shared.auth.dependencies import OptionalPrincipal
from vitrine_shared.http import public_router
from vitrine_shared.problems import Problem, Unauthorized

router = public_router(tags=["calls"])
REFRESH_S = 2.0


class SessionPublic(BaseModel):
    session_id: uuid.UUID
    status: str
    topology: str
    mode: str
    signaling_path: str
    ice_servers: list[dict]


def _public(call, container: Container) -> SessionPublic:  # noqa: ANN001 - a CallSession
    return SessionPublic(
        session_id=call.id,
        status=call.status,
        topology=call.topology,
        mode=call.mode,
        signaling_path=f"/api/consult/sessions/{call.id}/signal",
        ice_servers=container.settings.ice_servers,
    )


@router.post("/bookings/{booking_id}/session", response_model=SessionPublic)
def open_booking_call(
    booking_id: uuid.UUID,
    container: ContainerDep,
    principal: OptionalPrincipal,
    token: Annotated[str | None, Header(alias="X-Booking-Token", max_length=100)] = None,
) -> SessionPublic:
    """The call of a video booking, for its shopper (X-Booking-Token) or its advisor (bearer)."""
    if token is None and principal is None:
        raise Unauthorized("Send the booking's X-Booking-Token, or an advisor's bearer token.")
    call = session_service.open_for_booking(
        container.uow(), booking_id, token=token, principal=principal, instance=container.settings.instance_id
    )
    return _public(call, container)


@router.delete("/sessions/{session_id}/recordings", status_code=204)
def delete_my_recordings(
    session_id: uuid.UUID,
    container: ContainerDep,
    token: Annotated[str, Header(alias="X-Shopper-Token", max_length=100)],
) -> None:
    """The shopper deletes the recordings of their call (their booking or queue token)."""
    session_service.delete_recordings(container.uow(), session_id, token)


class Invitation(BaseModel):
    session_id: uuid.UUID
    guest_token: str


@router.post("/sessions/{session_id}/companions", response_model=Invitation, status_code=201)
def invite_companion(
    session_id: uuid.UUID,
    container: ContainerDep,
    token: Annotated[str, Header(alias="X-Shopper-Token", max_length=100)],
) -> Invitation:
    """The shopper invites a companion into the call (it joins with role 'guest' and this token;
    a third participant moves the call onto the relay)."""
    return Invitation(
        session_id=session_id, guest_token=session_service.invite_companion(container.uow(), session_id, token)
    )


@router.websocket("/sessions/{session_id}/signal")
async def signal(websocket: WebSocket, session_id: uuid.UUID) -> None:
    container: Container = websocket.app.state.container
    socket = Socket(websocket)
    await websocket.accept()
    hello = await socket.hello(container.settings.hello_timeout_s)
    if hello is None:
        return
    try:
        role, guest_kind = await run_in_threadpool(
            session_service.authorize,
            container.uow(),
            session_id,
            role=str(hello.get("role", "")),
            token=hello.get("token") if isinstance(hello.get("token"), str) else None,
            principal=socket.principal(hello.get("access_token")),
        )
    except Problem as problem:
        await socket.close(close_code_for(problem), problem.detail)
        return
    resume_after = hello.get("resume_after", 0)
    last_seq = resume_after if isinstance(resume_after, int) and resume_after >= 0 else 0
    connection = f"{container.settings.instance_id}/{uuid.uuid4().hex[:12]}"
    subscription = container.changes.subscribe(session_service.topic(session_id))
    try:
        attached = await run_in_threadpool(
            session_service.attach, container.uow(), session_id, role, connection, guest_kind=guest_kind
        )
    except Problem as problem:
        subscription.close()
        await socket.close(close_code_for(problem), problem.detail)
        return
    await socket.send(
        {
            "type": "welcome",
            "session_id": str(session_id),
            "role": role,
            "peer_present": attached.peer_present,
            "topology": attached.session.topology,
            # A participant joining a relayed call offers one receiving line per stream to expect.
            "streams": attached.session.remote_streams,
            "ice_servers": container.settings.ice_servers,
            "resumed_after": last_seq,
        }
    )

    settings = container.settings
    relay_lock = asyncio.Lock()

    async def move_to_relay(reason: str) -> None:
        try:
            await run_in_threadpool(
                session_service.request_relay,
                container.uow(),
                session_id,
                reason=reason,
                instance=settings.instance_id,
                max_sessions=settings.relay_max_sessions,
            )
        except Problem as problem:
            await socket.send({"type": "error", "code": problem.slug, "reason": problem.detail, **problem.extensions})

    async def pump() -> None:
        nonlocal last_seq
        overdue_checked = False
        while True:
            messages, standing, call = await run_in_threadpool(
                session_service.pending, container.uow(), session_id, role, connection, last_seq
            )
            for message in messages:
                await socket.send(message)
                last_seq = message["seq"]
            if standing == "ended":
                await container.relay.close(session_id)
                await socket.close(Close.NORMAL, "the call has ended")
                return
            if standing == "replaced":
                await socket.close(Close.REPLACED, "replaced by a newer connection")
                return
            timeout = timedelta(seconds=settings.p2p_timeout_s)
            if (
                call is not None
                and not overdue_checked
                and session_service.p2p_overdue(call, timeout, datetime.now(UTC))
            ):
                overdue_checked = True  # one attempt per socket; a refusal is reported once
                await move_to_relay("p2p-timeout")
            await subscription.wait(REFRESH_S)

    async def answer_from_relay(message: dict) -> None:
        call = await run_in_threadpool(session_service.get_session, container.uow(), session_id)
        if call.topology != "relay":
            await socket.error("not-relayed", "this call is peer to peer; send offers to the peer")
            return
        if call.owner_instance != settings.instance_id:
            # Media of a relayed call lives in one process: the edge must route here.
            await socket.send(
                {
                    "type": "error",
                    "code": "wrong-instance",
                    "reason": "reconnect to the owner",
                    "owner": call.owner_instance,
                }
            )
            return
        if message["type"] != "offer":
            return  # aiortc gathers candidates before answering; trickled ones are not needed
        room = container.relay.room(session_id)
        async with relay_lock:
            sdp = await room.answer(role, message["sdp"], list(call.participants))
        await socket.send({"type": "answer", "from": "server", "sdp": sdp})
        await maybe_record(call)

    async def maybe_record(call) -> None:  # noqa: ANN001 - a CallSession
        room = container.relay.rooms.get(session_id)
        both = call.recording_consent_shopper and call.recording_consent_advisor
        if room is None:
            return
        if not both:
            await room.stop_recording()
            return
        if room.recording or sum(1 for _, kind in room.tees if kind == "video") < 2:
            return
        directory = settings.recording_dir / str(session_id)
        paths = await room.start_recording(directory)
        await run_in_threadpool(
            session_service.register_recordings,
            container.uow(),
            session_id,
            {path.stem: str(path) for path in paths},
            instance=settings.instance_id,
            retention=timedelta(days=settings.recording_retention_days),
        )

    task = asyncio.create_task(pump())
    if role is Role.GUEST:
        # A third participant: media goes through the relay, if admission control lets it.
        try:
            await run_in_threadpool(
                session_service.request_relay,
                container.uow(),
                session_id,
                reason="third-participant",
                instance=settings.instance_id,
                max_sessions=settings.relay_max_sessions,
            )
        except Problem as problem:
            await socket.send({"type": "error", "code": problem.slug, "reason": problem.detail})
            await socket.close(Close.RELAY_FULL, problem.detail)
    try:
        while (message := await socket.receive()) is not None:
            kind = message["type"]
            try:
                if kind in ("offer", "answer", "ice") and message.get("target") == "server":
                    await answer_from_relay(message)
                elif kind == "product":
                    if role is not Role.ADVISOR:
                        await socket.error("forbidden", "only the advisor shares products")
                        continue
                    card = await run_in_threadpool(
                        commerce.share_product, container.uow(), container.catalog, session_id, message["sku"]
                    )
                    await socket.send({"type": "product-shared", "card": card})
                elif kind in RELAYED_TYPES and role is Role.GUEST:
                    await socket.error("relayed-only", "a third participant's media goes through the relay")
                elif kind in RELAYED_TYPES:
                    await run_in_threadpool(session_service.relay_message, container.uow(), session_id, role, message)
                elif kind == "media":
                    await run_in_threadpool(
                        session_service.report_media, container.uow(), session_id, role, message["state"]
                    )
                    if message["state"] == "failed":
                        await move_to_relay("p2p-failed")
                elif kind == "consent" and role is not Role.GUEST:
                    call = await run_in_threadpool(
                        session_service.consent_to_recording, container.uow(), session_id, role, message["recording"]
                    )
                    if call.recording_consent_shopper and call.recording_consent_advisor and call.topology == "p2p":
                        await move_to_relay("recording")
                    await maybe_record(call)
                elif kind == "hangup":
                    await run_in_threadpool(
                        session_service.end, container.uow(), session_id, by=role, reason=f"{role} hung up"
                    )
                    await container.relay.close(session_id)
                elif kind == "ping":
                    await socket.send({"type": "pong"})
                else:
                    await socket.error("unsupported", f"'{kind}' is not available on this socket")
            except Problem as problem:
                await socket.error(problem.slug, problem.detail)
    finally:
        subscription.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        with contextlib.suppress(Exception):
            await run_in_threadpool(session_service.detach, container.uow(), session_id, role, connection)
        if role is Role.GUEST and session_id in container.relay.rooms:
            await container.relay.rooms[session_id].remove(role)
