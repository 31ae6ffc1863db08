"""RFC 9457 problem details: the only shape an error takes when it leaves a service.

Domain and service code raise the `Problem` subclasses below; the handlers installed by
`install_problem_handlers` turn them, validation errors, routing errors and anything
unexpected into `application/problem+json`. No stack trace ever reaches a client.
"""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from vitrine_shared.context import current_correlation_id

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://vitrine.dev/problems/"

log = logging.getLogger(__name__)


class Problem(Exception):
    """An error meant for the client. Subclasses fix the status and the problem type."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        return problem_body(status=self.status, slug=self.slug, title=self.title, detail=self.detail, **self.extensions)


class BadRequest(Problem):
    pass


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class IllegalTransition(Conflict):
    """A state machine refused a move; the current state is named so the client can recover."""

    slug, title = "illegal-transition", "Illegal state transition"

    def __init__(self, detail: str, *, current_state: str, **extensions: Any) -> None:
        super().__init__(detail, current_state=current_state, **extensions)


class Unprocessable(Problem):
    status, slug, title = 422, "validation-error", "Invalid input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", errors=[{"field": field, "message": message}])


class ServiceUnavailable(Problem):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


def problem_body(*, status: int, slug: str | None, title: str, detail: str, **extensions: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    correlation_id = current_correlation_id()
    if correlation_id:
        body["correlation_id"] = correlation_id
    body.update(extensions)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def field_name(location: Sequence[int | str]) -> str:
    """`("body", "lines", 0, "qty")` -> `lines[0].qty`; query and path names stay as they are."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    if name:
        return name
    return str(location[0]) if location else "request"


async def _on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc.body())


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": field_name(error.get("loc", ())), "message": str(error.get("msg", "invalid"))}
        for error in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "message": "invalid"}
    return problem_response(
        problem_body(
            status=422,
            slug="validation-error",
            title="Invalid input",
            detail=f"{first['field']}: {first['message']}",
            errors=errors,
        )
    )


async def _on_http_exception(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return problem_response(
        problem_body(status=exc.status_code, slug=None, title=phrase, detail=detail),
        headers=getattr(exc, "headers", None),
    )


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(
        problem_body(
            status=500,
            slug="internal-error",
            title="Internal error",
            detail="Something went wrong on our side; quote the correlation id when reporting it.",
        )
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
