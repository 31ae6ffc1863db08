"""The events checkout consumes: one queue per subscription, event type -> handler."""

from collections.abc import Callable
from typing import Any

from checkout.adapters.payments import PaymentGateway
from checkout.service_layer import refunds, webhooks
from vitrine_shared.events.contracts import PaymentEventReceived, RefundApproved
from vitrine_shared.messaging.consumer import Subscription


def subscriptions(payments: Callable[[], PaymentGateway]) -> list[Subscription]:
    """`payments` is called when a message arrives (the gateway is built lazily by the container)."""

    def on_payment_event(event: PaymentEventReceived, uow: Any) -> None:
        webhooks.on_payment_event(event, uow, payments())

    return [
        Subscription(queue="checkout.refunds", handlers={RefundApproved.event_type: refunds.on_refund_approved}),
        Subscription(queue="checkout.payment-events", handlers={PaymentEventReceived.event_type: on_payment_event}),
    ]
