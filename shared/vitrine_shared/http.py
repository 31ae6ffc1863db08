"""The one way a service builds its FastAPI app: routes under `/api/<service>/`, problem+json
errors, correlation ids, health endpoints, token verification, stable operation ids."""

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vitrine_shared.auth.dependencies import require_roles
from vitrine_shared.auth.principal import Role
from vitrine_shared.auth.tokens import TokenVerifier
from vitrine_shared.container import ServiceContainer
from vitrine_shared.context import (
    CORRELATION_HEADER,
    accept_correlation_id,
    bind_correlation_id,
    reset_correlation_id,
)
from vitrine_shared.health import ReadinessCheck, health_router
from vitrine_shared.logging import configure_logging
from vitrine_shared.problems import install_problem_handlers
from vitrine_shared.settings import ServiceSettings

log = logging.getLogger("vitrine.http")

PUBLIC_ROUTE = "public"
"""The OpenAPI tag that marks a route reachable without a token; every other route needs one."""


def public_router(**kwargs: Any) -> APIRouter:
    """A router whose routes anyone may call (shoppers reach their own data by capability token)."""
    tags = [*kwargs.pop("tags", []), PUBLIC_ROUTE]
    return APIRouter(tags=tags, **kwargs)


def staff_router(*roles: Role, **kwargs: Any) -> APIRouter:
    """A router whose every route needs a bearer token with one of `roles`."""
    dependencies = [*kwargs.pop("dependencies", []), Depends(require_roles(*roles))]
    return APIRouter(dependencies=dependencies, **kwargs)


class CorrelationMiddleware:
    """Takes the caller's correlation id (or makes one), binds it for logs and events, echoes it
    back, and logs one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = CORRELATION_HEADER.lower().encode()
        supplied = next((value.decode("latin-1") for name, value in scope["headers"] if name == header), None)
        correlation_id = accept_correlation_id(supplied)
        token = bind_correlation_id(correlation_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (header, correlation_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http" and not scope["path"].endswith(("/healthz", "/readyz")):
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            reset_correlation_id(token)


def _operation_id(route: APIRoute) -> str:
    return route.name


def _load_verifier(settings: ServiceSettings) -> TokenVerifier | None:
    try:
        return TokenVerifier(settings.auth_public_key())
    except OSError:
        log.warning(
            "no auth public key; token-protected routes will answer 503",
            extra={"path": str(settings.auth_public_key_file)},
        )
        return None


def create_service_app(
    container: ServiceContainer,
    *,
    routers: Sequence[APIRouter],
    description: str,
    extra_checks: Mapping[str, ReadinessCheck] | None = None,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    service, settings = container.service, container.settings
    configure_logging(service, settings.log_level)
    prefix = f"/api/{service}"
    app = FastAPI(
        title=f"Vitrine {service}",
        description=description,
        version="0.1.0",
        openapi_url=f"{prefix}/openapi.json",
        docs_url=f"{prefix}/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    app.state.container = container
    app.state.token_verifier = _load_verifier(settings)
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router({**container.readiness_checks(), **(extra_checks or {})}), prefix=prefix)
    for router in routers:
        app.include_router(router, prefix=prefix)
    return app
