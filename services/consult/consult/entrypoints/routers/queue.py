"""The instant queue: shoppers join and watch their position (HTTP or WebSocket); advisors watch
the live queue and claim the next shopper (WebSocket, or HTTP)."""

import asyncio
import contextlib
import uuid
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Header, WebSocket
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from consult.bootstrap import Container
from consult.entrypoints.dependencies import ContainerDep
from consult.entrypoints.sockets import Close, Socket, close_code_for
from consult.service_layer import advisors as advisor_service
from consult.service_layer import queue as queue_service
from vitrine_shared.auth.dependencies import Advisor
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import public_router, staff_router
from vitrine_shared.problems import NotFound, Problem

router = public_router(prefix="/queue", tags=["queue"])
staff = staff_router(Role.ADVISOR, prefix="/queue", tags=["queue"])
QueueToken = Annotated[str, Header(alias="X-Queue-Token", max_length=100)]
REFRESH_S = 2.0  # sockets re-read at least this often, whatever NOTIFY says


class QueueJoin(BaseModel):
    language: Literal["fr", "en"]
    category: str | None = Field(default=None, max_length=50)
    mode: Literal["video", "phone"] = "video"
    shopper_name: str = Field(default="", max_length=200)


class QueueStatusPublic(BaseModel):
    entry_id: uuid.UUID
    status: str
    position: int
    estimated_wait_seconds: int
    advisors_on_duty: int
    session_id: uuid.UUID | None


class QueueJoined(QueueStatusPublic):
    token: str = Field(description="Shown once: watch the queue and join the call with it.")


class Claimed(BaseModel):
    entry_id: uuid.UUID
    session_id: uuid.UUID
    shopper_name: str
    language: str
    category: str | None


def _average(container: Container) -> timedelta:
    return timedelta(minutes=container.settings.average_call_minutes)


@router.post("", response_model=QueueJoined, status_code=201)
def join_queue(body: QueueJoin, container: ContainerDep) -> QueueJoined:
    """Join now; outside opening hours a 409 `queue-closed` lists the next bookable slots."""
    _, token, view = queue_service.join(
        container.uow(),
        language=body.language,
        category=body.category,
        shopper_name=body.shopper_name,
        mode=body.mode,
        average_call=_average(container),
    )
    return QueueJoined(**view.__dict__, token=token)


@router.get("/{entry_id}", response_model=QueueStatusPublic)
def read_queue_status(entry_id: uuid.UUID, token: QueueToken, container: ContainerDep) -> QueueStatusPublic:
    view = queue_service.status(container.uow(), entry_id, token, average_call=_average(container))
    return QueueStatusPublic(**view.__dict__)


@router.delete("/{entry_id}", status_code=204)
def leave_queue(entry_id: uuid.UUID, token: QueueToken, container: ContainerDep) -> None:
    queue_service.leave(container.uow(), entry_id, token)


@staff.post("/claims", response_model=Claimed, status_code=201)
def claim_next(principal: Advisor, container: ContainerDep) -> Claimed:
    """The advisor takes the next shopper they can serve (409 `queue-empty` when none)."""
    advisor = advisor_service.advisor_for_principal(container.uow(), principal)
    if advisor is None:
        raise NotFound("You have no advisor profile.")
    entry, call = queue_service.claim_next(
        container.uow(), advisor_id=advisor.id, instance=container.settings.instance_id
    )
    return Claimed(
        entry_id=entry.id,
        session_id=call.id,
        shopper_name=entry.shopper_name,
        language=entry.language,
        category=entry.category,
    )


@router.websocket("/{entry_id}/ws")
async def watch_my_place(websocket: WebSocket, entry_id: uuid.UUID) -> None:
    """Shopper: {"type": "hello", "token": ...}; then `status` messages whenever the position
    changes, and `claimed` (with the session id) when an advisor takes the call. Closing the
    socket while waiting leaves the queue."""
    container: Container = websocket.app.state.container
    socket = Socket(websocket)
    await websocket.accept()
    hello = await socket.hello(container.settings.hello_timeout_s)
    if hello is None:
        return
    token = hello.get("token")
    if not isinstance(token, str):
        await socket.close(Close.UNAUTHORIZED, "hello carries the queue 'token'")
        return
    subscription = container.changes.subscribe(queue_service.QUEUE_TOPIC)
    average = _average(container)

    async def pump() -> None:
        last = None
        while True:
            view = await run_in_threadpool(queue_service.status, container.uow(), entry_id, token, average_call=average)
            current = {
                "type": "status",
                **{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in view.__dict__.items()},
            }
            if current != last:
                await socket.send(current)
                last = current
            if view.status == "claimed":
                await socket.send({"type": "claimed", "session_id": str(view.session_id)})
                await socket.close(Close.NORMAL, "claimed: join the session")
                return
            if view.status == "left":
                await socket.close(Close.NORMAL, "left the queue")
                return
            await subscription.wait(REFRESH_S)

    task = None
    try:
        try:
            await run_in_threadpool(queue_service.status, container.uow(), entry_id, token, average_call=average)
        except Problem as problem:
            await socket.close(close_code_for(problem), problem.detail)
            return
        task = asyncio.create_task(pump())
        while (message := await socket.receive()) is not None:
            if message["type"] == "ping":
                await socket.send({"type": "pong"})
            else:
                await socket.error("unknown-type", "this socket takes only 'ping'")
    finally:
        subscription.close()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # A shopper whose socket closes while still waiting has left.
        with contextlib.suppress(Problem):
            await run_in_threadpool(queue_service.leave, container.uow(), entry_id, token)


@router.websocket("/live")
async def live_queue(websocket: WebSocket) -> None:
    """Advisor: {"type": "hello", "access_token": ...}; then `queue` snapshots on every change;
    send {"type": "claim"} to take the next shopper (answered with `claimed` or an error)."""
    container: Container = websocket.app.state.container
    socket = Socket(websocket)
    await websocket.accept()
    hello = await socket.hello(container.settings.hello_timeout_s)
    if hello is None:
        return
    principal = socket.principal(hello.get("access_token"))
    if principal is None:
        await socket.close(Close.UNAUTHORIZED, "hello carries a valid 'access_token'")
        return
    if Role.ADVISOR not in principal.roles:
        await socket.close(Close.FORBIDDEN, "the live queue is for advisors")
        return
    advisor = await run_in_threadpool(advisor_service.advisor_for_principal, container.uow(), principal)
    if advisor is None:
        await socket.close(Close.FORBIDDEN, "no advisor profile for this account")
        return
    subscription = container.changes.subscribe(queue_service.QUEUE_TOPIC)

    async def pump() -> None:
        last = None
        while True:
            entries = await run_in_threadpool(queue_service.snapshot, container.uow(), advisor)
            if entries != last:
                await socket.send({"type": "queue", "entries": entries})
                last = entries
            await subscription.wait(REFRESH_S)

    task = asyncio.create_task(pump())
    try:
        while (message := await socket.receive()) is not None:
            if message["type"] == "claim":
                try:
                    entry, call = await run_in_threadpool(
                        queue_service.claim_next,
                        container.uow(),
                        advisor_id=advisor.id,
                        instance=container.settings.instance_id,
                    )
                except Problem as problem:
                    await socket.error(problem.extensions.get("reason", problem.slug), problem.detail)
                    continue
                await socket.send(
                    {
                        "type": "claimed",
                        "session_id": str(call.id),
                        "entry_id": str(entry.id),
                        "shopper_name": entry.shopper_name,
                    }
                )
            elif message["type"] == "ping":
                await socket.send({"type": "pong"})
            else:
                await socket.error("unknown-type", "this socket takes 'claim' and 'ping'")
    finally:
        subscription.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
