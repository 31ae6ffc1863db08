"""The events consult consumes: one queue per subscription, event type -> handler."""

from consult.service_layer.advisors import on_staff_registered
from consult.service_layer.commerce import on_order_paid
from consult.service_layer.notifications import Mailer, notifier_handlers
from vitrine_shared.events.contracts import OrderPaid, StaffRegistered
from vitrine_shared.messaging.consumer import Subscription


def subscriptions(mailer: Mailer) -> list[Subscription]:
    return [
        Subscription(queue="consult.advisors", handlers={StaffRegistered.event_type: on_staff_registered}),
        Subscription(queue="consult.attribution", handlers={OrderPaid.event_type: on_order_paid}),
        # Consult's own booking events, turned into emails by the notifier.
        Subscription(queue="consult.notifier", handlers=notifier_handlers(mailer)),
    ]
