"""Stripe webhooks: verified on the raw body, stored once under the Stripe event id, answered at
once; the work (re-fetch the PaymentIntent, move the order) happens in the worker."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from checkout.adapters.payments import InvalidWebhook, PaymentGateway, PaymentObjectNotFound
from checkout.domain.model import now_utc
from checkout.service_layer import orders
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.events.contracts import PaymentEventReceived

log = logging.getLogger(__name__)

# The events that can move an order; others are stored and acknowledged, nothing more.
PAYMENT_INTENT_EVENTS = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.processing",
        "payment_intent.canceled",
        "payment_intent.requires_action",
        "payment_intent.amount_capturable_updated",
    }
)
# An event whose order is not committed yet is looked at again for this long, then left to ops.
DEFER_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class Receipt:
    event_id: str
    duplicate: bool


def receive_stripe_event(
    uow: CheckoutUnitOfWork, payments: PaymentGateway, *, payload: bytes, signature: str | None
) -> Receipt:
    event = payments.verify_webhook(payload, signature)
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    if not event_id or not event_type:
        raise InvalidWebhook("The event has no id or type.")
    obj = (event.get("data") or {}).get("object") or {}
    intent_id = obj.get("id") if obj.get("object") == "payment_intent" else None
    with uow:
        stored = uow.stripe_events.add_if_new(
            event_id=event_id, event_type=event_type, payment_intent_id=intent_id, payload=event
        )
        if stored and event_type in PAYMENT_INTENT_EVENTS and intent_id:
            uow.publish(
                PaymentEventReceived(
                    stripe_event_id=event_id, stripe_event_type=event_type, payment_intent_id=intent_id
                )
            )
        elif stored:
            uow.stripe_events.mark(event_id, outcome="ignored", processed=True)
        uow.commit()
    return Receipt(event_id=event_id, duplicate=not stored)


def process_stripe_event(uow: CheckoutUnitOfWork, payments: PaymentGateway, event_id: str) -> str:
    """Act on one stored event, inside the caller's open unit of work (the caller commits): re-fetch
    its PaymentIntent (the event itself may be stale, late or out of order) and bring the order in
    line. Returns the outcome recorded on the event."""
    row = uow.stripe_events.claim(event_id)
    if row is None:
        return "already-processed"
    try:
        intent = payments.retrieve_intent(row.payment_intent_id)
    except PaymentObjectNotFound:
        uow.stripe_events.mark(event_id, outcome="unknown payment intent", processed=True)
        return "unknown payment intent"
    if not intent.metadata.get("order_id"):
        uow.stripe_events.mark(event_id, outcome="not a checkout payment", processed=True)
        return "not a checkout payment"
    order = orders.order_for_intent(uow, intent)
    if order is None:
        too_old = now_utc() - row.received_at > DEFER_FOR
        outcome = "unknown order" if too_old else "deferred: order not yet known"
        uow.stripe_events.mark(event_id, outcome=outcome, processed=too_old)
        return outcome
    orders.apply_intent_to(uow, order, intent)
    outcome = f"order {order.status}"
    uow.stripe_events.mark(event_id, outcome=outcome, processed=True)
    return outcome


def on_payment_event(event: PaymentEventReceived, uow: CheckoutUnitOfWork, payments: PaymentGateway) -> None:
    """Consumer handler: the consumer recorded the message in the inbox and commits after this."""
    process_stripe_event(uow, payments, event.stripe_event_id)


def sweep_unprocessed_events(uow: CheckoutUnitOfWork, payments: PaymentGateway, *, min_age_s: float = 2.0) -> int:
    """The safety net: events deferred (order not yet committed) or whose message was lost."""
    with uow:
        ids = uow.stripe_events.unprocessed_ids(older_than=now_utc() - timedelta(seconds=min_age_s))
    for event_id in ids:
        try:
            with uow:
                process_stripe_event(uow, payments, event_id)
                uow.commit()
        except Exception:
            log.exception("stripe event processing failed; retried next sweep", extra={"event_id": event_id})
    return len(ids)
