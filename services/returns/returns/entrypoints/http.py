from fastapi import FastAPI

from returns.bootstrap import bootstrap
from returns.config import Settings
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings),
        routers=[],
        description="Returns, inspection, hygiene quarantine and sanitization, certificates, refunds, ops board.",
    )
