"""Fixtures for consult's tests: the container, the HTTP app, a live server on loopback (for
WebSockets and real concurrency), test advisors with their own category, and tokens."""

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from consult.bootstrap import Container, bootstrap
from consult.domain.model import Advisor
from consult.entrypoints.http import create_app
from consult.service_layer.advisors import ensure_advisor
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer
from vitrine_shared.settings import VAR_DIR

ALL_DAY = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(scope="session")
def container() -> Container:
    return bootstrap()


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, for WebSockets and concurrent load."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    return TokenIssuer((VAR_DIR / "keys" / "auth-private.pem").read_text())


@pytest.fixture
def staff_token(issuer: TokenIssuer) -> Callable[..., str]:
    def make(*roles: str, subject: str | None = None) -> str:
        principal = Principal(subject=subject or str(uuid.uuid4()), roles=frozenset(Role(r) for r in roles))
        return issuer.issue(principal)

    return make


@pytest.fixture
def make_advisor(container: Container) -> Callable[..., Advisor]:
    """A fresh advisor with a category of its own, so tests never meet the demo advisors."""

    def make(**profile: Any) -> Advisor:
        tag = uuid.uuid4().hex[:10]
        defaults = {
            "languages": ["fr", "en"],
            "skills": [f"test-{tag}"],
            "time_zone": "America/Montreal",
            "weekly_hours": ALL_DAY,
            "buffer_minutes": 0,
            "max_per_day": 48,
            **profile,
        }
        with container.uow() as uow:
            advisor, _ = ensure_advisor(
                uow,
                email=f"adv-{tag}@vitrine.test",
                display_name=f"Advisor {tag}",
                staff_id=uuid.uuid4(),
                defaults=defaults,
            )
            uow.commit()
        return advisor

    return make


@pytest.fixture
def call_session(container: Container, make_advisor: Callable[..., Advisor], staff_token: Callable[..., str]):
    """A claimed queue call: (session id, the shopper's token, the advisor's access token, advisor)."""
    from datetime import timedelta

    from consult.service_layer import queue as queue_service

    def make() -> tuple[uuid.UUID, str, str, Advisor]:
        advisor = make_advisor()
        _, token, _ = queue_service.join(
            container.uow(),
            language="fr",
            category=advisor.skills[0],
            shopper_name="Test",
            average_call=timedelta(minutes=8),
        )
        _, call = queue_service.claim_next(container.uow(), advisor_id=advisor.id, instance="test")
        return call.id, token, staff_token("advisor", subject=str(advisor.staff_id)), advisor

    return make
