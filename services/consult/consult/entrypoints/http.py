from fastapi import FastAPI

from consult.bootstrap import bootstrap
from consult.config import Settings
from consult.entrypoints.routers import advisors, bookings, calls, commerce, queue
from vitrine_shared.http import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        bootstrap(settings),
        routers=[
            advisors.directory,
            advisors.router,
            bookings.router,
            queue.staff,
            queue.router,
            calls.router,
            commerce.router,
            commerce.staff,
        ],
        description="Advisors, availability, bookings, the instant queue, and live video calls.",
    )
