"""Wires consult's dependencies once per process; tests build their own with other settings."""

from dataclasses import dataclass
from functools import cached_property

from consult.adapters.changefeed import ChangeFeed
from consult.adapters.clients import CatalogClient, CheckoutClient
from consult.adapters.mailer import SmtpMailer
from consult.adapters.orm import start_mappers
from consult.adapters.relay import RelayHub
from consult.config import Settings
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from consult.subscriptions import subscriptions
from vitrine_shared.container import ServiceContainer
from vitrine_shared.db import libpq_url
from vitrine_shared.messaging.consumer import Subscription
from vitrine_shared.service_client import ServiceTokenProvider


@dataclass
class Container(ServiceContainer[Settings, ConsultUnitOfWork]):
    service = "consult"
    unit_of_work_class = ConsultUnitOfWork

    def start_mappers(self) -> None:
        start_mappers()

    @cached_property
    def mailer(self) -> SmtpMailer:
        return SmtpMailer(self.settings.smtp_host, self.settings.smtp_port, sender=self.settings.mail_sender)

    @cached_property
    def changes(self) -> ChangeFeed:
        return ChangeFeed(libpq_url(self.engine))

    @cached_property
    def catalog(self) -> CatalogClient:
        return CatalogClient(self.settings.catalog_url)

    @cached_property
    def checkout(self) -> CheckoutClient:
        tokens = ServiceTokenProvider(
            identity_url=self.settings.identity_url,
            client_id="consult",
            client_secret=self.settings.service_client_secret,
        )
        return CheckoutClient(self.settings.checkout_url, tokens)

    @cached_property
    def relay(self) -> RelayHub:
        return RelayHub(self.settings.ice_servers)

    def subscriptions(self) -> list[Subscription]:
        return subscriptions(self.mailer)


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
