"""The events catalog consumes: one queue per subscription, event type -> handler."""

from vitrine_shared.messaging.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = []
