"""Wires checkout's dependencies once per process; tests build their own with other settings or
swap the catalog and payment ports for fakes."""

from dataclasses import dataclass
from functools import cached_property

from checkout.adapters.catalog import CatalogPort, HttpCatalog
from checkout.adapters.orm import start_mappers
from checkout.adapters.payments import PaymentGateway, StripeGateway
from checkout.config import Settings
from checkout.domain.model import ShippingRule
from checkout.service_layer.unit_of_work import CheckoutUnitOfWork
from vitrine_shared.container import ServiceContainer
from vitrine_shared.service_client import ServiceClient, ServiceTokenProvider


@dataclass
class Container(ServiceContainer[Settings, CheckoutUnitOfWork]):
    service = "checkout"
    unit_of_work_class = CheckoutUnitOfWork

    def start_mappers(self) -> None:
        start_mappers()

    @cached_property
    def catalog(self) -> CatalogPort:
        settings = self.settings
        tokens = ServiceTokenProvider(
            identity_url=settings.identity_url, client_id="checkout", client_secret=settings.service_client_secret
        )
        return HttpCatalog(
            public=ServiceClient(settings.catalog_url, None, service="catalog"),
            service=ServiceClient(settings.catalog_url, tokens, service="catalog"),
        )

    @cached_property
    def payments(self) -> PaymentGateway:
        settings = self.settings
        return StripeGateway(
            api_key=settings.stripe_api_key,
            api_base=settings.stripe_api_base,
            webhook_secret=settings.stripe_webhook_secret,
        )

    @cached_property
    def shipping(self) -> ShippingRule:
        return ShippingRule(
            flat_minor=self.settings.shipping_flat_minor, free_from_minor=self.settings.free_shipping_from_minor
        )


def bootstrap(settings: Settings | None = None) -> Container:
    return Container(settings or Settings())
