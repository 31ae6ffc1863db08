from fastapi import FastAPI

from returns.bootstrap import bootstrap
from returns.config import Settings
from returns.domain.clock import Clock
from returns.entrypoints.routers import certificates, ops, portal
from returns.entrypoints.routers.dev_clock import development_routers
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    container = bootstrap(settings, clock)
    return create_service_app(
        container,
        routers=[portal.router, certificates.router, ops.router, *development_routers(container.settings)],
        description="Returns, inspection, hygiene quarantine and sanitization, certificates, refunds, ops board.",
    )
