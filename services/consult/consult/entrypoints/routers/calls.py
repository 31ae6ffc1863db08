"""Live calls: opening a booking's call, and the signaling WebSocket.

Protocol (JSON text messages; the full description is in docs/consult.md):
client -> server: hello {role, token | access_token, resume_after?}, offer {sdp}, answer {sdp},
  ice {candidate}, hangup, ping, consent {recording}, product {...} (advisor).
server -> client: welcome {session_id, role, peer_present, ice_servers, topology, seq},
  offer/answer/ice/product (from the other side, each with `seq`), peer-joined, peer-left,
  hangup {reason}, pong, error {code, reason}.
"""

import asyncio
import contextlib
import uuid
from typing import Annotated

from fastapi import Header, WebSocket
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from consult.bootstrap import Container
from consult.domain.session import RELAYED_TYPES, Role
from consult.entrypoints.dependencies import ContainerDep
from consult.entrypoints.sockets import Close, Socket, close_code_for
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


@router.websocket("/sessions/{session_id}/signal")
async def signal(websocket: WebSocket, session_id: uuid.UUID) -> None:
    container: Container = websocket.app.state.container
    socket = Socket(websocket)
    await websocket.accept()
    hello = await socket.hello(container.settings.hello_timeout_s)
    if hello is None:
        return
    try:
        role = await run_in_threadpool(
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
        attached = await run_in_threadpool(session_service.attach, container.uow(), session_id, role, connection)
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
            "ice_servers": container.settings.ice_servers,
            "resumed_after": last_seq,
        }
    )

    async def pump() -> None:
        nonlocal last_seq
        while True:
            messages, standing = await run_in_threadpool(
                session_service.pending, container.uow(), session_id, role, connection, last_seq
            )
            for message in messages:
                await socket.send(message)
                last_seq = message["seq"]
            if standing == "ended":
                await socket.close(Close.NORMAL, "the call has ended")
                return
            if standing == "replaced":
                await socket.close(Close.REPLACED, "replaced by a newer connection")
                return
            await subscription.wait(REFRESH_S)

    task = asyncio.create_task(pump())
    try:
        while (message := await socket.receive()) is not None:
            kind = message["type"]
            try:
                if kind in RELAYED_TYPES:
                    if kind == "product" and role is not Role.ADVISOR:
                        await socket.error("forbidden", "only the advisor shares products")
                        continue
                    await run_in_threadpool(session_service.relay_message, container.uow(), session_id, role, message)
                elif kind == "hangup":
                    await run_in_threadpool(
                        session_service.end, container.uow(), session_id, by=role, reason=f"{role} hung up"
                    )
                elif kind == "ping":
                    await socket.send({"type": "pong"})
                else:
                    await socket.error("unsupported", f"'{kind}' is not available on this socket yet")
            except Problem as problem:
                await socket.error(problem.slug, problem.detail)
    finally:
        subscription.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        with contextlib.suppress(Exception):
            await run_in_threadpool(session_service.detach, container.uow(), session_id, role, connection)
