"""Events identity consumes: none. It only publishes."""

from vitrine_shared.messaging.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = []
