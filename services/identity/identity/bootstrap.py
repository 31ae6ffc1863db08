"""Wires identity's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from identity.adapters.orm import start_mappers
from identity.config import Settings
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.container import ServiceContainer


@dataclass
class Container(ServiceContainer[Settings, IdentityUnitOfWork]):
    service = "identity"
    unit_of_work_class = IdentityUnitOfWork

    def start_mappers(self) -> None:
        start_mappers()

    @cached_property
    def staff_token_issuer(self) -> TokenIssuer:
        return self._issuer(self.settings.staff_token_ttl_minutes)

    @cached_property
    def shopper_token_issuer(self) -> TokenIssuer:
        return self._issuer(self.settings.shopper_token_ttl_minutes)

    @cached_property
    def service_token_issuer(self) -> TokenIssuer:
        return self._issuer(self.settings.service_token_ttl_minutes)

    def _issuer(self, ttl_minutes: int) -> TokenIssuer:
        return TokenIssuer(self.settings.auth_private_key_file.read_text(), ttl=timedelta(minutes=ttl_minutes))


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
