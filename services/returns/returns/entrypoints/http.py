from fastapi import FastAPI

from returns.bootstrap import bootstrap
from returns.config import Settings
from returns.domain.clock import Clock
from returns.entrypoints.routers import certificates, ops, portal
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings, clock),
        routers=[portal.router, certificates.router, ops.router],
        description="Returns, inspection, hygiene quarantine and sanitization, certificates, refunds, ops board.",
    )
