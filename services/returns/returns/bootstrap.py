"""Wires returns's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass, field
from functools import cached_property

from returns.adapters.orm import start_mappers
from returns.config import Settings
from returns.domain.clock import Clock, SystemClock
from returns.domain.policy import ReturnsPolicy
from returns.service_layer.unit_of_work import ReturnsUnitOfWork
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, ReturnsUnitOfWork]):
    service = "returns"
    unit_of_work_class = ReturnsUnitOfWork

    # Tests replace it with a MovableClock: quarantine is measured, never slept through.
    clock: Clock = field(default_factory=SystemClock)

    def start_mappers(self) -> None:
        start_mappers()

    @cached_property
    def policy(self) -> ReturnsPolicy:
        s = self.settings
        return ReturnsPolicy(
            return_window_days=s.return_window_days,
            quarantine_hours=dict(s.quarantine_hours),
            sla_hours=dict(s.sla_hours),
            shipping_refund_reasons=tuple(s.shipping_refund_reasons),
            max_photo_bytes=s.max_photo_bytes,
            max_photos_per_return=s.max_photos_per_return,
        )


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Container:
    return Container(settings or Settings(), clock=clock or SystemClock())
