"""FastAPI dependencies: who is calling, and may they. Routes are staff-only unless they say
otherwise (see `vitrine_shared.http.public_router`).

They are `async def` although they wait on nothing: FastAPI runs a plain `def` dependency in its
thread pool, one hop per dependency, and a token check is a few microseconds of CPU that costs
far less than those hops (about half a millisecond each on a busy two-core machine)."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenVerifier
from vitrine_shared.problems import Forbidden, ServiceUnavailable, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/identity/tokens.")


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise ServiceUnavailable("Token verification is not configured on this service.")
    return verifier


async def optional_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal | None:
    if credentials is None:
        return None
    return _verifier(request).verify(credentials.credentials)


async def current_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("This endpoint needs a bearer token.")
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    wanted = frozenset(roles)

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has_any_role(wanted):
            raise Forbidden(f"This endpoint needs one of the roles: {', '.join(sorted(wanted))}.")
        return principal

    return dependency


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
Staff = Annotated[Principal, Depends(require_roles(Role.ADVISOR, Role.OPS, Role.ADMIN))]
Advisor = Annotated[Principal, Depends(require_roles(Role.ADVISOR))]
Ops = Annotated[Principal, Depends(require_roles(Role.OPS))]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
CallingService = Annotated[Principal, Depends(require_roles(Role.SERVICE))]
