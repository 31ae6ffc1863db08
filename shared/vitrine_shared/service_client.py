"""Calling another Vitrine service over HTTP, against its published OpenAPI: a bearer token from
identity (client credentials, cached until shortly before it expires), the correlation id
forwarded, short timeouts, and the other side's problem+json turned into our own problems."""

import threading
import time
from typing import Any

import httpx

from vitrine_shared.context import CORRELATION_HEADER, current_correlation_id
from vitrine_shared.problems import Problem, ServiceUnavailable

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class UpstreamProblem(Problem):
    """The other service refused the request; its status and detail are passed on."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(str(body.get("detail", "The upstream service refused the request.")))
        self.status = status
        self.slug = str(body.get("type", "")).rsplit("/", 1)[-1] or "upstream-error"
        self.title = str(body.get("title", "Upstream error"))
        self.extensions = {k: v for k, v in body.items() if k not in ("type", "title", "status", "detail")}


class ServiceTokenProvider:
    """Fetches and caches this service's access token (role `service`) from identity."""

    REFRESH_MARGIN_S = 60

    def __init__(self, *, identity_url: str, client_id: str, client_secret: str) -> None:
        self._identity_url = identity_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() > self._expires_at - self.REFRESH_MARGIN_S:
                response = httpx.post(
                    f"{self._identity_url}/api/identity/service-tokens",
                    json={"client_id": self._client_id, "client_secret": self._client_secret},
                    timeout=DEFAULT_TIMEOUT,
                )
                if response.status_code != 201:
                    raise ServiceUnavailable(f"identity refused a service token ({response.status_code}).")
                body = response.json()
                self._token = body["access_token"]
                self._expires_at = time.monotonic() + body["expires_in"]
            return self._token


class ServiceClient:
    """A client for one other service. Thread-safe; make one per process and reuse it."""

    def __init__(self, base_url: str, tokens: ServiceTokenProvider | None, *, service: str) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=DEFAULT_TIMEOUT)
        self._tokens = tokens
        self.service = service

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        correlation_id = current_correlation_id()
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id
        if self._tokens is not None:
            headers["Authorization"] = f"Bearer {self._tokens.token()}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"The {self.service} service did not answer.") from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(f"The {self.service} service failed ({response.status_code}).")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"detail": response.text[:200]}
            raise UpstreamProblem(response.status_code, body if isinstance(body, dict) else {})
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self._http.close()
