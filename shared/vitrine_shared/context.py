"""Request- and message-scoped context that travels with the work: the correlation id."""

import re
import uuid
from contextvars import ContextVar

CORRELATION_HEADER = "X-Correlation-ID"

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# Ids come from outside (HTTP headers, AMQP headers): accept only short, log-safe values.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def accept_correlation_id(candidate: str | None) -> str:
    """The caller's id when it is safe to log and forward, a fresh one otherwise."""
    if candidate and _SAFE_ID.match(candidate):
        return candidate
    return new_correlation_id()


def current_correlation_id() -> str | None:
    return _correlation_id.get()


def bind_correlation_id(correlation_id: str) -> object:
    """Set the id for the current context; returns a token for `reset_correlation_id`."""
    return _correlation_id.set(correlation_id)


def reset_correlation_id(token: object) -> None:
    _correlation_id.reset(token)  # type: ignore[arg-type]
