"""The policy tables of returns: return window, quarantine durations, service levels, refunds.

Values come from configuration (`Settings`); the defaults below are the documented ones.
Quarantine durations follow what retailers did in 2020 (24 h for fabric and cardboard, 72 h for
plastic and metal, where the virus stayed viable longest).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DEFAULT_QUARANTINE_HOURS: dict[str, int] = {
    "fabric": 24,
    "paper": 24,
    "cardboard": 24,
    "leather": 48,
    "wood": 48,
    "glass": 72,
    "plastic": 72,
    "metal": 72,
    "other": 72,
}

# How long an item may stay in a stage before the board calls it overdue. For `quarantined` the
# clock starts at the release time, not at the entry.
DEFAULT_SLA_HOURS: dict[str, int] = {
    "requested": 14 * 24,
    "received": 24,
    "inspected": 24,
    "quarantined": 24,
    "sanitizing": 12,
    "sanitized": 48,
}

# Reasons that are the shop's fault: the shipping paid is refunded too (once per order).
DEFAULT_SHIPPING_REFUND_REASONS: tuple[str, ...] = ("defective", "wrong_item", "arrived_damaged")


@dataclass(frozen=True)
class ReturnsPolicy:
    return_window_days: int = 30
    quarantine_hours: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_QUARANTINE_HOURS))
    sla_hours: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    # Grades that may go back on sale after quarantine and sanitization; C goes to refurbish.
    restock_grades: tuple[str, ...] = ("A", "B")
    # Grades whose refund is approved automatically (damaged ones wait for a person).
    refund_grades: tuple[str, ...] = ("A", "B", "C")
    shipping_refund_reasons: tuple[str, ...] = DEFAULT_SHIPPING_REFUND_REASONS
    max_photo_bytes: int = 5 * 1024 * 1024
    max_photos_per_return: int = 5

    @property
    def return_window(self) -> timedelta:
        return timedelta(days=self.return_window_days)

    def quarantine_for(self, material: str) -> timedelta:
        hours = self.quarantine_hours.get(material, self.quarantine_hours.get("other", 72))
        return timedelta(hours=hours)

    def sla_for(self, state: str) -> timedelta | None:
        hours = self.sla_hours.get(state)
        return None if hours is None else timedelta(hours=hours)

    def due_at(self, state: str, entered_at: datetime, quarantined_until: datetime | None) -> datetime | None:
        """When an item in `state` becomes overdue (None: no service level for the stage). The
        board's SQL applies the same rule as index ranges."""
        sla = self.sla_for(state)
        if sla is None:
            return None
        start = quarantined_until if state == "quarantined" and quarantined_until else entered_at
        return start + sla
