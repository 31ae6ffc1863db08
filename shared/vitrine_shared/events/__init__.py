"""Integration events: one envelope, one schema per event type and version."""

from vitrine_shared.events.envelope import Envelope, EventData, event_model, known_event_types

__all__ = ["Envelope", "EventData", "event_model", "known_event_types"]
