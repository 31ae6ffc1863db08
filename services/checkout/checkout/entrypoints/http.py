from fastapi import FastAPI

from checkout.bootstrap import Container, bootstrap
from checkout.config import Settings
from checkout.entrypoints.routers import carts, orders, refunds, webhooks
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    return create_service_app(
        container or bootstrap(settings),
        routers=[carts.router, orders.router, webhooks.router, refunds.router],
        description="Carts, orders, Canadian sales taxes, Stripe payments with verified webhooks, and refunds.",
    )
