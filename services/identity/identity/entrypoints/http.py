from fastapi import FastAPI

from identity.bootstrap import bootstrap
from identity.config import Settings
from identity.entrypoints.routers import staff, tokens
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings),
        routers=[tokens.router, staff.router],
        description="Staff accounts, login, and the tokens every Vitrine service verifies.",
    )
