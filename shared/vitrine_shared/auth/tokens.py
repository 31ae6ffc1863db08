"""Signed access tokens: EdDSA (Ed25519) JWTs issued by identity, verified everywhere with the
public key alone, so no service but identity can mint one."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt

from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.problems import Unauthorized

ISSUER = "vitrine-identity"
AUDIENCE = "vitrine"
ALGORITHM = "EdDSA"


class TokenIssuer:
    def __init__(self, private_key_pem: str, *, ttl: timedelta = timedelta(hours=8)) -> None:
        self._key = private_key_pem
        self.ttl = ttl

    def issue(self, principal: Principal, *, now: datetime | None = None) -> str:
        issued_at = now or datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": principal.subject,
            "roles": sorted(principal.roles),
            "iat": issued_at,
            "exp": issued_at + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        if principal.name:
            claims["name"] = principal.name
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)


class TokenVerifier:
    def __init__(self, public_key_pem: str) -> None:
        self._key = public_key_pem

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The access token has expired; sign in again.") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("The access token is not valid.") from exc
        try:
            roles = frozenset(Role(role) for role in claims.get("roles", []))
        except ValueError as exc:
            raise Unauthorized("The access token names an unknown role.") from exc
        return Principal(subject=str(claims["sub"]), roles=roles, name=claims.get("name"))
