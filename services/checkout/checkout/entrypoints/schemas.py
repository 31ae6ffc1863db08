"""Request and response bodies of checkout's HTTP API."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from checkout.domain.model import MAX_LINES, MAX_QUANTITY, Cart, Order, Refund, Totals

Sku = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class LineIn(BaseModel):
    sku: Sku
    quantity: Quantity
    # Anything else the client sends (a price, a name) is ignored: the catalog prices every line.


class CartCreate(BaseModel):
    lines: list[LineIn] = Field(default_factory=list, max_length=MAX_LINES)


class QuantityIn(BaseModel):
    quantity: Quantity


class ConsultSessionIn(BaseModel):
    session_id: uuid.UUID | None


class LocalizedName(BaseModel):
    fr: str
    en: str


class CartLineOut(BaseModel):
    sku: str
    product_id: uuid.UUID
    name: LocalizedName
    quantity: int
    unit_price_minor: int
    amount_minor: int
    tax_minor: int
    hygiene_class: str
    final_sale: bool


class TaxOut(BaseModel):
    code: str
    rate: str
    amount_minor: int


class TotalsOut(BaseModel):
    currency: str
    province: str | None
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    taxes: list[TaxOut]


class CartOut(BaseModel):
    cart_id: uuid.UUID
    status: str
    consult_session_id: uuid.UUID | None
    expires_at: datetime
    lines: list[CartLineOut]
    totals: TotalsOut


class NewCartOut(CartOut):
    cart_token: str = Field(description="Shown once: send it as X-Cart-Token on every later call.")


def totals_out(totals: Totals, currency: str) -> TotalsOut:
    return TotalsOut(
        currency=currency,
        province=totals.province,
        subtotal_minor=totals.subtotal_minor,
        shipping_minor=totals.shipping_minor,
        tax_minor=totals.tax_minor,
        total_minor=totals.total_minor,
        taxes=[TaxOut(code=t.code, rate=str(t.rate), amount_minor=t.amount_minor) for t in totals.taxes],
    )


def cart_out(cart: Cart, totals: Totals) -> CartOut:
    return CartOut(
        cart_id=cart.id,
        status=cart.status,
        consult_session_id=cart.consult_session_id,
        expires_at=cart.expires_at,
        lines=[
            CartLineOut(
                sku=line.sku,
                product_id=line.product_id,
                name=LocalizedName(fr=line.name_fr, en=line.name_en),
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                amount_minor=line.amount_minor,
                tax_minor=tax,
                hygiene_class=line.hygiene_class,
                final_sale=line.final_sale,
            )
            for line, tax in zip(cart.lines, totals.line_taxes, strict=True)
        ],
        totals=totals_out(totals, cart.currency),
    )


class ShippingAddress(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=3, max_length=10, pattern=r"^[A-Za-z0-9 -]+$")
    country: str = Field(default="CA", pattern=r"^CA$")


class OrderCreate(BaseModel):
    cart_id: uuid.UUID
    email: str = Field(max_length=320)
    province: str = Field(min_length=2, max_length=2)
    shipping_address: ShippingAddress


class PaymentIn(BaseModel):
    payment_method: str = Field(
        min_length=3, max_length=255, pattern=r"^pm_[A-Za-z0-9_]+$", description="A PaymentMethod id from Stripe.js."
    )


class OrderLookup(BaseModel):
    order_number: str = Field(min_length=3, max_length=20)
    email: str = Field(max_length=320)


class OrderLineOut(BaseModel):
    sku: str
    product_id: uuid.UUID
    name: LocalizedName
    quantity: int
    unit_price_minor: int
    tax_minor: int
    hygiene_class: str
    final_sale: bool


class OrderOut(BaseModel):
    order_id: uuid.UUID
    order_number: str
    status: str
    email: str
    province: str
    currency: str
    subtotal_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    refunded_minor: int
    payment_error: str | None
    cancel_reason: str | None
    consult_session_id: uuid.UUID | None
    created_at: datetime
    paid_at: datetime | None
    reservation_expires_at: datetime
    lines: list[OrderLineOut]


class PlacedOrderOut(OrderOut):
    order_token: str = Field(description="Shown once: send it as X-Order-Token to read or pay the order.")
    payment_client_secret: str | None = Field(description="For Stripe.js confirmCardPayment in the browser.")


def order_out(order: Order) -> OrderOut:
    return OrderOut(**_order_fields(order))


def _order_fields(order: Order) -> dict[str, object]:
    return {
        "order_id": order.id,
        "order_number": order.number,
        "status": order.status,
        "email": order.email,
        "province": order.province,
        "currency": order.currency,
        "subtotal_minor": order.subtotal_minor,
        "shipping_minor": order.shipping_minor,
        "tax_minor": order.tax_minor,
        "total_minor": order.total_minor,
        "refunded_minor": order.refunded_minor,
        "payment_error": order.payment_error,
        "cancel_reason": order.cancel_reason,
        "consult_session_id": order.consult_session_id,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "reservation_expires_at": order.reservation_expires_at,
        "lines": [
            OrderLineOut(
                sku=line.sku,
                product_id=line.product_id,
                name=LocalizedName(fr=line.name_fr, en=line.name_en),
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                tax_minor=line.tax_minor,
                hygiene_class=line.hygiene_class,
                final_sale=line.final_sale,
            )
            for line in order.lines
        ],
    }


def placed_order_out(order: Order, token: str, client_secret: str | None) -> PlacedOrderOut:
    return PlacedOrderOut(**_order_fields(order), order_token=token, payment_client_secret=client_secret)  # type: ignore[arg-type]


class RefundOut(BaseModel):
    refund_id: uuid.UUID
    order_id: uuid.UUID
    return_id: uuid.UUID
    amount_minor: int
    currency: str
    status: str
    stripe_refund_id: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime


def refund_out(refund: Refund) -> RefundOut:
    return RefundOut(
        refund_id=refund.id,
        order_id=refund.order_id,
        return_id=refund.return_id,
        amount_minor=refund.amount_minor,
        currency=refund.currency,
        status=refund.status,
        stripe_refund_id=refund.stripe_refund_id,
        attempts=refund.attempts,
        last_error=refund.last_error,
        next_attempt_at=refund.next_attempt_at,
        created_at=refund.created_at,
        updated_at=refund.updated_at,
    )
