"""The shopper's side: find an order, see what can go back, open a return, add photos, print the
label, follow the return. Public routes; a return is reached only with its return token."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Header, Request, Response
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from returns.adapters.label import render_label
from returns.domain.eligibility import REFUSAL_TEXT, RequestedLine
from returns.domain.model import REASON_CODES, ReturnRequest
from returns.entrypoints.dependencies import ContainerDep
from returns.service_layer import services
from vitrine_shared.http import public_router
from vitrine_shared.problems import Unprocessable

router = public_router(tags=["portal"])

ReturnToken = Annotated[str | None, Header(alias="X-Return-Token", max_length=200)]


class OrderLookup(BaseModel):
    """The order number, proved by the email it was paid with or by the shopper's order token."""

    order_number: str = Field(min_length=1, max_length=64)
    email: str | None = Field(default=None, min_length=3, max_length=320)
    order_token: str | None = Field(default=None, min_length=16, max_length=200)

    @model_validator(mode="after")
    def _email_or_token(self) -> "OrderLookup":
        if self.email is None and self.order_token is None:
            raise ValueError("give the email the order was paid with, or the order token")
        return self


class Localized(BaseModel):
    fr: str
    en: str


class LinePublic(BaseModel):
    line_no: int
    sku: str
    quantity: int
    unit_price_minor: int
    tax_minor: int
    hygiene_class: str
    final_sale: bool
    returnable_quantity: int
    refusal: str | None
    refusal_text: Localized | None
    needs_intact_seal: bool


class OrderPublic(BaseModel):
    order_number: str
    currency: str
    paid_at: datetime
    window_closes_at: datetime
    lines: list[LinePublic]


class ReturnLineCreate(BaseModel):
    line_no: int = Field(ge=1, le=10_000)
    quantity: int = Field(ge=1, le=1000)
    reason_code: str = Field(max_length=40)
    seal_intact: bool | None = Field(default=None, description="Required (true) for sealed hygiene items.")


class ReturnCreate(OrderLookup):
    lines: list[ReturnLineCreate] = Field(min_length=1, max_length=100)
    preference: Literal["refund", "exchange", "store_credit"]
    comment: str = Field(default="", max_length=2000)


class ItemPublic(BaseModel):
    item_id: uuid.UUID
    line_no: int
    sku: str
    reason_code: str
    state: str
    grade: str | None
    refund_minor: int


class ReturnPublic(BaseModel):
    return_id: uuid.UUID
    rma_number: str
    order_number: str
    status: str
    preference: str
    currency: str
    created_at: datetime
    received_at: datetime | None
    refund_status: str | None
    refunded_minor: int
    items: list[ItemPublic]
    label_url: str


class ReturnCreated(ReturnPublic):
    return_token: str = Field(description="Shown once: send it as X-Return-Token to follow this return.")


class PhotoCreated(BaseModel):
    photo_id: uuid.UUID


def return_public(request: ReturnRequest) -> ReturnPublic:
    return ReturnPublic(
        return_id=request.id,
        rma_number=request.rma_number,
        order_number=request.order_number,
        status=request.status,
        preference=request.preference,
        currency=request.currency,
        created_at=request.created_at,
        received_at=request.received_at,
        refund_status=request.refund_status,
        refunded_minor=request.refunded_minor,
        items=[
            ItemPublic(
                item_id=item.id,
                line_no=item.line_no,
                sku=item.sku,
                reason_code=item.reason_code,
                state=item.state,
                grade=item.grade,
                refund_minor=item.unit_refund_minor,
            )
            for item in request.items
        ],
        label_url=f"/api/returns/returns/{request.id}/label.pdf",
    )


@router.get("/reason-codes", response_model=dict[str, Localized])
def list_reason_codes() -> dict[str, Localized]:
    return {code: Localized(**text) for code, text in REASON_CODES.items()}


@router.post("/orders/lookup", response_model=OrderPublic)
def lookup_order(body: OrderLookup, container: ContainerDep) -> OrderPublic:
    """Find an order by its number and the email it was paid with; unknown order and wrong email
    get the same 404."""
    found = services.find_order(
        container.uow(),
        order_number=body.order_number,
        email=body.email,
        order_token=body.order_token,
        now=container.clock.now(),
        policy=container.policy,
    )
    return OrderPublic(
        order_number=found.order.order_number,
        currency=found.order.currency,
        paid_at=found.order.paid_at,
        window_closes_at=found.window_closes_at,
        lines=[
            LinePublic(
                line_no=entry.line.line_no,
                sku=entry.line.sku,
                quantity=entry.line.quantity,
                unit_price_minor=entry.line.unit_price_minor,
                tax_minor=entry.line.tax_minor,
                hygiene_class=entry.line.hygiene_class,
                final_sale=entry.line.final_sale,
                returnable_quantity=entry.returnable_quantity,
                refusal=entry.refusal,
                refusal_text=Localized(**REFUSAL_TEXT[entry.refusal]) if entry.refusal else None,
                needs_intact_seal=entry.needs_intact_seal,
            )
            for entry in found.lines
        ],
    )


@router.post("/returns", response_model=ReturnCreated, status_code=201)
def create_return(body: ReturnCreate, container: ContainerDep) -> ReturnCreated:
    request, token = services.request_return(
        container.uow(),
        order_number=body.order_number,
        email=body.email,
        order_token=body.order_token,
        lines=[
            RequestedLine(
                line_no=line.line_no, quantity=line.quantity, reason_code=line.reason_code, seal_intact=line.seal_intact
            )
            for line in body.lines
        ],
        preference=body.preference,
        comment=body.comment,
        now=container.clock.now(),
        policy=container.policy,
    )
    return ReturnCreated(**return_public(request).model_dump(), return_token=token)


@router.get("/returns/{return_id}", response_model=ReturnPublic)
def read_return(return_id: uuid.UUID, container: ContainerDep, token: ReturnToken = None) -> ReturnPublic:
    return return_public(services.return_for_shopper(container.uow(), return_id=return_id, token=token))


@router.get("/returns/{return_id}/label.pdf", response_class=Response)
def read_label(return_id: uuid.UUID, container: ContainerDep, token: ReturnToken = None) -> Response:
    request = services.return_for_shopper(container.uow(), return_id=return_id, token=token)
    pdf = render_label(rma_number=request.rma_number, order_number=request.order_number, item_count=len(request.items))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{request.rma_number}.pdf"', "Cache-Control": "no-store"},
    )


@router.post(
    "/returns/{return_id}/photos",
    response_model=PhotoCreated,
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}} for t in ("image/jpeg", "image/png", "image/webp")
            },
        }
    },
)
async def add_photo(
    return_id: uuid.UUID,
    request: Request,
    container: ContainerDep,
    token: ReturnToken = None,
    content_type: Annotated[str | None, Header(alias="Content-Type")] = None,
) -> PhotoCreated:
    """One photo per call, the image bytes as the body (JPEG, PNG or WebP, size limited)."""
    limit = container.policy.max_photo_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Unprocessable("photo", f"at most {limit // (1024 * 1024)} MiB")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:  # stop reading: a lying Content-Length does not fill memory
            raise Unprocessable("photo", f"at most {limit // (1024 * 1024)} MiB")
    photo_id = await run_in_threadpool(
        lambda: services.add_photo(
            container.uow(),
            return_id=return_id,
            token=token,
            declared_type=content_type,
            data=bytes(data),
            now=container.clock.now(),
            policy=container.policy,
        )
    )
    return PhotoCreated(photo_id=photo_id)
