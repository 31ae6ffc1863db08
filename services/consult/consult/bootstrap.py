"""Wires consult's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass

from consult.config import Settings
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, ConsultUnitOfWork]):
    service = "consult"
    unit_of_work_class = ConsultUnitOfWork


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
