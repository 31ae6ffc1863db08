"""Every integration event of Vitrine, one schema per type and version, in one place.

Names are past facts of an aggregate: `<producer>.<aggregate>.<fact>`. Money is an integer in
minor units with its currency; times are UTC.
"""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from vitrine_shared.events.envelope import EventData


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class LocalizedText(_Part):
    fr: str
    en: str


# --- identity ------------------------------------------------------------------------------


class StaffRegistered(EventData):
    event_type = "identity.staff.registered"
    staff_id: uuid.UUID
    email: str
    display_name: str
    roles: list[str]


# --- catalog -------------------------------------------------------------------------------


class ProductUpserted(EventData):
    event_type = "catalog.product.upserted"
    product_id: uuid.UUID
    sku: str
    name: LocalizedText
    price_minor: int
    currency: str
    hygiene_class: Literal["standard", "sealed_hygiene", "cleanable"]
    consult_available: bool
    categories: list[str] = []
    variant_skus: list[str] = []


class ProductArchived(EventData):
    event_type = "catalog.product.archived"
    product_id: uuid.UUID
    sku: str


class StockChanged(EventData):
    event_type = "catalog.stock.changed"
    product_id: uuid.UUID
    variant_sku: str
    on_hand: int
    reserved: int
    available: int
    reason: str


# --- checkout ------------------------------------------------------------------------------


class OrderLine(_Part):
    sku: str
    product_id: uuid.UUID
    quantity: int
    unit_price_minor: int
    tax_minor: int = 0
    hygiene_class: Literal["standard", "sealed_hygiene", "cleanable"] = "standard"
    final_sale: bool = False
    # The product's main category (a catalog slug), for per-category return rates. Optional and
    # additive: lines published before it existed carry none.
    category: str | None = None


class OrderPlaced(EventData):
    event_type = "checkout.order.placed"
    order_id: uuid.UUID
    order_number: str
    currency: str
    total_minor: int
    lines: list[OrderLine]
    consult_session_id: uuid.UUID | None = None


class OrderPaid(EventData):
    event_type = "checkout.order.paid"
    order_id: uuid.UUID
    order_number: str
    customer_email: str
    province: str
    currency: str
    subtotal_minor: int
    tax_minor: int
    shipping_minor: int
    total_minor: int
    paid_at: datetime
    lines: list[OrderLine]
    consult_session_id: uuid.UUID | None = None
    # SHA-256 of the shopper's order token (never the token): lets returns find the order by it.
    order_token_digest: str | None = None


class OrderCancelled(EventData):
    event_type = "checkout.order.cancelled"
    order_id: uuid.UUID
    order_number: str
    reason: str
    lines: list[OrderLine]


class OrderRefunded(EventData):
    event_type = "checkout.order.refunded"
    order_id: uuid.UUID
    return_id: uuid.UUID | None
    refund_id: str
    amount_minor: int
    currency: str
    refunded_total_minor: int
    status: Literal["succeeded", "failed"]


class PaymentEventReceived(EventData):
    """Checkout-internal: a verified Stripe webhook was stored and awaits processing by checkout's
    own worker (the webhook answers at once; the work goes through the outbox and inbox)."""

    event_type = "checkout.payment_event.received"
    stripe_event_id: str
    stripe_event_type: str
    payment_intent_id: str | None = None


# --- consult -------------------------------------------------------------------------------

ConsultMode = Literal["video", "in_store", "phone"]


class BookingCreated(EventData):
    event_type = "consult.booking.created"
    booking_id: uuid.UUID
    advisor_id: uuid.UUID
    mode: ConsultMode
    starts_at: datetime
    ends_at: datetime
    language: Literal["fr", "en"]


class BookingRescheduled(EventData):
    event_type = "consult.booking.rescheduled"
    booking_id: uuid.UUID
    advisor_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    previous_starts_at: datetime


class BookingCancelled(EventData):
    event_type = "consult.booking.cancelled"
    booking_id: uuid.UUID
    reason: str


class BookingReminderDue(EventData):
    event_type = "consult.booking.reminder_due"
    booking_id: uuid.UUID
    starts_at: datetime
    mode: ConsultMode


class SessionStarted(EventData):
    event_type = "consult.session.started"
    session_id: uuid.UUID
    advisor_id: uuid.UUID
    booking_id: uuid.UUID | None = None
    mode: ConsultMode
    topology: Literal["p2p", "relay"]


class SessionEnded(EventData):
    event_type = "consult.session.ended"
    session_id: uuid.UUID
    advisor_id: uuid.UUID
    duration_seconds: int
    mode: ConsultMode
    topology: Literal["p2p", "relay"]


class ProductShared(EventData):
    event_type = "consult.product.shared"
    session_id: uuid.UUID
    advisor_id: uuid.UUID
    product_id: uuid.UUID
    sku: str


# --- returns -------------------------------------------------------------------------------


class ReturnLine(_Part):
    sku: str
    quantity: int
    reason_code: str


class ReturnRequested(EventData):
    event_type = "returns.return.requested"
    return_id: uuid.UUID
    rma_number: str
    order_id: uuid.UUID
    lines: list[ReturnLine]


class ReturnReceived(EventData):
    event_type = "returns.return.received"
    return_id: uuid.UUID
    rma_number: str
    received_at: datetime


class ItemInspected(EventData):
    event_type = "returns.item.inspected"
    item_id: uuid.UUID
    return_id: uuid.UUID
    sku: str
    grade: Literal["A", "B", "C", "damaged"]
    seal_intact: bool | None = None


class ItemQuarantined(EventData):
    event_type = "returns.item.quarantined"
    item_id: uuid.UUID
    sku: str
    quarantined_until: datetime


class ItemSanitized(EventData):
    event_type = "returns.item.sanitized"
    item_id: uuid.UUID
    sku: str
    lot_id: uuid.UUID
    method: Literal["steam", "uv_c", "ozone", "disinfectant", "none"]
    passed: bool


class ItemRestocked(EventData):
    event_type = "returns.item.restocked"
    item_id: uuid.UUID
    return_id: uuid.UUID
    sku: str
    certificate_id: str
    sanitized_at: datetime
    method: Literal["steam", "uv_c", "ozone", "disinfectant", "none"]


class ItemDisposed(EventData):
    event_type = "returns.item.disposed"
    item_id: uuid.UUID
    sku: str
    disposition: Literal["refurbish", "donate", "destroy"]


class RefundApproved(EventData):
    event_type = "returns.refund.approved"
    return_id: uuid.UUID
    order_id: uuid.UUID
    amount_minor: int
    currency: str
    lines: list[ReturnLine]
    # A stable key for this approval (the refund's idempotency key at the payment side).
    approval_id: uuid.UUID | None = None


# --- platform ------------------------------------------------------------------------------


class ProbeSent(EventData):
    """A harmless event that exists so the messaging machinery can be exercised end to end
    (round-trip tests, benchmarks) without touching any business flow."""

    event_type = "platform.probe.sent"
    probe_id: uuid.UUID
    sequence: int = 0
