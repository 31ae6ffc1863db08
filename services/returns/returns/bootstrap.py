"""Wires returns's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass, field
from functools import cached_property

from returns.adapters.orm import start_mappers
from returns.config import Settings
from returns.domain.clock import Clock, OffsetClock, SystemClock
from returns.domain.policy import ReturnsPolicy
from returns.service_layer import dev_clock
from returns.service_layer.unit_of_work import ReturnsUnitOfWork
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, ReturnsUnitOfWork]):
    service = "returns"
    unit_of_work_class = ReturnsUnitOfWork

    # The service's time. Tests replace it with a MovableClock (quarantine is measured, never slept
    # through); in development it is real time plus the development clock's offset.
    clock: Clock = field(default_factory=SystemClock)
    # Real time, whatever `clock` says: when the development clock itself was moved.
    real_clock: Clock = field(default_factory=SystemClock)

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
    settings = settings or Settings()
    container = Container(settings, clock=clock or SystemClock())
    if clock is None and settings.is_development:
        # Read from the database at every call, so the api and the worker see the same time.
        container.clock = OffsetClock(container.real_clock, lambda: dev_clock.clock_offset(container.uow()))
    return container
