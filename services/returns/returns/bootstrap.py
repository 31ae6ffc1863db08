"""Wires returns's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass

from returns.config import Settings
from returns.service_layer.unit_of_work import ReturnsUnitOfWork
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, ReturnsUnitOfWork]):
    service = "returns"
    unit_of_work_class = ReturnsUnitOfWork


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
