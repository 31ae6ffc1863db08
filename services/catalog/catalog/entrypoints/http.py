from fastapi import FastAPI

from catalog.bootstrap import bootstrap
from catalog.config import Settings
from catalog.entrypoints.routers import products, reservations, search, staff
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings),
        routers=[products.router, search.router, staff.router, reservations.router],
        description="Products, variants, prices, stock and reservations, and bilingual search on Elasticsearch.",
    )
