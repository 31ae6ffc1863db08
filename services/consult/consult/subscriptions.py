"""The events consult consumes: one queue per subscription, event type -> handler."""

from consult.service_layer.advisors import on_staff_registered
from consult.service_layer.notifications import Mailer, notifier_handlers
from vitrine_shared.events.contracts import StaffRegistered
from vitrine_shared.messaging.consumer import Subscription


def subscriptions(mailer: Mailer) -> list[Subscription]:
    return [
        Subscription(queue="consult.advisors", handlers={StaffRegistered.event_type: on_staff_registered}),
        # Consult's own booking events, turned into emails by the notifier.
        Subscription(queue="consult.notifier", handlers=notifier_handlers(mailer)),
    ]
