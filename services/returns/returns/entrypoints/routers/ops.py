"""The warehouse side (role ops): receive, inspect, quarantine, sanitization lots, dispositions,
and the board (JSON and a live Server-Sent Events stream)."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from returns.bootstrap import Container
from returns.domain.model import ReturnItem, SanitizationLot
from returns.domain.throughput import MAX_SPAN
from returns.entrypoints.dependencies import ContainerDep, actor_of
from returns.entrypoints.routers.portal import ReturnPublic, return_public
from returns.service_layer import services, views
from vitrine_shared.auth.dependencies import Ops
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import staff_router
from vitrine_shared.problems import Unprocessable

router = staff_router(Role.OPS, prefix="/ops", tags=["ops"])

Grade = Literal["A", "B", "C", "damaged"]
Method = Literal["steam", "uv_c", "ozone", "disinfectant", "none"]


class InspectionIn(BaseModel):
    grade: Grade
    material: str = Field(max_length=20, description="Selects the quarantine duration from the policy table.")
    seal_intact: bool | None = None
    notes: str = Field(default="", max_length=500)


class DockInspection(InspectionIn):
    item_id: uuid.UUID


class ReceiptIn(BaseModel):
    rma_number: str = Field(min_length=4, max_length=32, description="As scanned from the label's QR code.")
    dock_inspections: list[DockInspection] = Field(default_factory=list, max_length=1000)


class ItemOps(BaseModel):
    item_id: uuid.UUID
    return_id: uuid.UUID
    sku: str
    hygiene_class: str
    reason_code: str
    state: str
    state_entered_at: datetime
    grade: str | None
    seal_intact: bool | None
    material: str | None
    quarantine_started_at: datetime | None
    quarantined_until: datetime | None
    lot_id: uuid.UUID | None
    sanitized_at: datetime | None
    certificate_id: str | None
    disposition: str | None
    due_at: datetime | None = Field(description="When the item's stage service level runs out.")
    overdue: bool


class LotIn(BaseModel):
    item_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    method: Method
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=50)
    started_at: datetime | None = None
    # Give both to record a finished lot in one call.
    ended_at: datetime | None = None
    passed: bool | None = None


class LotResultIn(BaseModel):
    passed: bool
    ended_at: datetime | None = None
    parameters: dict[str, Any] | None = Field(default=None, max_length=50)


class LotOps(BaseModel):
    lot_id: uuid.UUID
    lot_code: str
    method: str
    status: str
    operator_initials: str
    started_at: datetime
    ended_at: datetime | None
    parameters: dict[str, Any]
    items: list[ItemOps]


class DispositionIn(BaseModel):
    disposition: Literal["refurbish", "donate", "destroy"]


def item_ops(item: ReturnItem, container: Container) -> ItemOps:
    due_at = container.policy.due_at(item.state, item.state_entered_at, item.quarantined_until)
    return ItemOps(
        item_id=item.id,
        return_id=item.return_id,
        sku=item.sku,
        hygiene_class=item.hygiene_class,
        reason_code=item.reason_code,
        state=item.state,
        state_entered_at=item.state_entered_at,
        grade=item.grade,
        seal_intact=item.seal_intact,
        material=item.material,
        quarantine_started_at=item.quarantine_started_at,
        quarantined_until=item.quarantined_until,
        lot_id=item.lot_id,
        sanitized_at=item.sanitized_at,
        certificate_id=item.certificate_id,
        disposition=item.disposition,
        due_at=due_at,
        overdue=due_at is not None and container.clock.now() > due_at,
    )


def lot_ops(lot: SanitizationLot, items: list[ReturnItem], container: Container) -> LotOps:
    return LotOps(
        lot_id=lot.id,
        lot_code=lot.lot_code,
        method=lot.method,
        status=lot.status,
        operator_initials=lot.operator_initials,
        started_at=lot.started_at,
        ended_at=lot.ended_at,
        parameters=lot.parameters,
        items=[item_ops(item, container) for item in items],
    )


def _inspection(body: InspectionIn) -> services.Inspection:
    return services.Inspection(grade=body.grade, material=body.material, seal_intact=body.seal_intact, notes=body.notes)


@router.post("/receipts", response_model=ReturnPublic)
def receive_return(body: ReceiptIn, principal: Ops, container: ContainerDep) -> ReturnPublic:
    """Scan the RMA at the dock; optionally grade items there (the refund of grade-A items leaves
    at receipt)."""
    request = services.receive_return(
        container.uow(),
        rma_number=body.rma_number,
        actor=actor_of(principal),
        now=container.clock.now(),
        policy=container.policy,
        dock_inspections={d.item_id: _inspection(d) for d in body.dock_inspections},
    )
    return return_public(request)


@router.get("/returns/{rma_number}", response_model=list[ItemOps])
def read_return_items(rma_number: str, container: ContainerDep) -> list[ItemOps]:
    items = services.return_for_ops(container.uow(), rma_number=rma_number).items
    return [item_ops(item, container) for item in items]


@router.post("/items/{item_id}/inspection", response_model=ItemOps)
def inspect_item(item_id: uuid.UUID, body: InspectionIn, principal: Ops, container: ContainerDep) -> ItemOps:
    item = services.inspect_item(
        container.uow(),
        item_id=item_id,
        inspection=_inspection(body),
        actor=actor_of(principal),
        now=container.clock.now(),
        policy=container.policy,
    )
    return item_ops(item, container)


@router.post("/items/{item_id}/quarantine", response_model=ItemOps)
def quarantine_item(item_id: uuid.UUID, principal: Ops, container: ContainerDep) -> ItemOps:
    item = services.quarantine_item(
        container.uow(), item_id=item_id, actor=actor_of(principal), now=container.clock.now(), policy=container.policy
    )
    return item_ops(item, container)


@router.post("/lots", response_model=LotOps, status_code=201)
def open_lot(body: LotIn, principal: Ops, container: ContainerDep) -> LotOps:
    lot, items = services.open_lot(
        container.uow(),
        item_ids=body.item_ids,
        method=body.method,
        parameters=body.parameters,
        started_at=body.started_at,
        actor=actor_of(principal),
        now=container.clock.now(),
        policy=container.policy,
        result=None if body.passed is None else (body.passed, body.ended_at),
    )
    return lot_ops(lot, items, container)


@router.post("/lots/{lot_id}/result", response_model=LotOps)
def record_lot_result(lot_id: uuid.UUID, body: LotResultIn, principal: Ops, container: ContainerDep) -> LotOps:
    """Passing: the lot's items are sanitized. Failing: all of them go back to quarantine."""
    lot, items = services.complete_lot(
        container.uow(),
        lot_id=lot_id,
        passed=body.passed,
        ended_at=body.ended_at,
        parameters=body.parameters,
        actor=actor_of(principal),
        now=container.clock.now(),
        policy=container.policy,
    )
    return lot_ops(lot, items, container)


@router.get("/lots/{lot_id}", response_model=LotOps)
def read_lot(lot_id: uuid.UUID, container: ContainerDep) -> LotOps:
    return lot_ops(*services.lot_details(container.uow(), lot_id=lot_id), container)


@router.post("/items/{item_id}/restock", response_model=ItemOps)
def restock_item(item_id: uuid.UUID, principal: Ops, container: ContainerDep) -> ItemOps:
    item = services.restock_item(
        container.uow(), item_id=item_id, actor=actor_of(principal), now=container.clock.now(), policy=container.policy
    )
    return item_ops(item, container)


@router.post("/items/{item_id}/disposition", response_model=ItemOps)
def dispose_item(item_id: uuid.UUID, body: DispositionIn, principal: Ops, container: ContainerDep) -> ItemOps:
    item = services.dispose_item(
        container.uow(),
        item_id=item_id,
        disposition=body.disposition,
        actor=actor_of(principal),
        now=container.clock.now(),
    )
    return item_ops(item, container)


@router.get("/policy")
def read_policy(container: ContainerDep) -> dict[str, Any]:
    policy = container.policy
    return {
        "return_window_days": policy.return_window_days,
        "quarantine_hours": dict(policy.quarantine_hours),
        "sla_hours": dict(policy.sla_hours),
        "restock_grades": list(policy.restock_grades),
        "refund_grades": list(policy.refund_grades),
        "shipping_refund_reasons": list(policy.shipping_refund_reasons),
    }


@dataclass(frozen=True)
class BoardView:
    """How the caller wants the throughput series: over how many hours (hourly up to 48, daily
    beyond), in which time zone (so a day is the viewer's day)."""

    span: timedelta
    zone: ZoneInfo


def board_view(
    hours: Annotated[int, Query(ge=1, le=int(MAX_SPAN.total_seconds()) // 3600)] = 48,
    tz: Annotated[str, Query(min_length=1, max_length=64, description="An IANA time zone.")] = "UTC",
) -> BoardView:
    try:
        zone = ZoneInfo(tz)
    except (ValueError, ZoneInfoNotFoundError):
        raise Unprocessable("tz", "an IANA time zone such as America/Montreal") from None
    return BoardView(span=timedelta(hours=hours), zone=zone)


BoardViewDep = Annotated[BoardView, Depends(board_view)]


def _board(container: Container, view: BoardView) -> dict[str, Any]:
    return views.board(
        container.uow(),
        now=container.clock.now(),
        policy=container.policy,
        development=container.settings.is_development,
        throughput_span=view.span,
        zone=view.zone,
    )


@router.get("/board")
def read_board(container: ContainerDep, view: BoardViewDep) -> dict[str, Any]:
    return _board(container, view)


@router.get("/board/stream", response_class=StreamingResponse)
async def stream_board(request: Request, container: ContainerDep, view: BoardViewDep) -> StreamingResponse:
    """Server-Sent Events: the whole board first, then again whenever an item moves or the
    development clock does (a change of the ledger's last id or of the clock's offset, polled from
    the database, so any instance serves any client)."""
    settings = container.settings

    async def events() -> AsyncIterator[str]:
        deadline = time.monotonic() + settings.board_stream_max_seconds
        last_marker: tuple[int, int] | None = None
        last_sent = time.monotonic()
        yield f"retry: {int(settings.board_poll_seconds * 1000) + 1000}\n\n"
        while time.monotonic() < deadline and not await request.is_disconnected():
            marker = await run_in_threadpool(views.board_marker, container.uow())
            if marker != last_marker:
                snapshot = await run_in_threadpool(_board, container, view)
                last_marker = marker
                last_sent = time.monotonic()
                yield f"id: {snapshot['marker']}\nevent: board\ndata: {json.dumps(snapshot, separators=(',', ':'))}\n\n"
            elif time.monotonic() - last_sent > 15:
                last_sent = time.monotonic()
                yield ": keep-alive\n\n"
            await asyncio.sleep(settings.board_poll_seconds)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
