"""The events returns consumes: one queue per subscription, event type -> handler."""

from returns.service_layer import services
from vitrine_shared.events.contracts import OrderPaid, OrderRefunded
from vitrine_shared.messaging.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = [
    Subscription(
        queue="returns.orders",
        handlers={
            OrderPaid.event_type: services.record_paid_order,
            OrderRefunded.event_type: services.record_refund_result,
        },
    )
]
