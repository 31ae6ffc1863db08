"""Wires checkout's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass

from checkout.config import Settings
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, CheckoutUnitOfWork]):
    service = "checkout"
    unit_of_work_class = CheckoutUnitOfWork


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
