"""The events catalog consumes: one queue per subscription, event type -> handler."""

from catalog.service_layer import reservations
from vitrine_shared.events.contracts import ItemRestocked, OrderCancelled, OrderPaid
from vitrine_shared.messaging.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = [
    Subscription(
        queue="catalog.stock",
        handlers={
            OrderPaid.event_type: reservations.on_order_paid,
            OrderCancelled.event_type: reservations.on_order_cancelled,
            ItemRestocked.event_type: reservations.on_item_restocked,
        },
    )
]
