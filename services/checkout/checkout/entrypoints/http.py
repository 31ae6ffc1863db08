from fastapi import FastAPI

from checkout.bootstrap import bootstrap
from checkout.config import Settings
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings),
        routers=[],
        description="Carts, orders, taxes, Stripe payments and refunds.",
    )
