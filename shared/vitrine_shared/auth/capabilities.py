"""Capability tokens: how a shopper without an account reaches their own cart, order, booking or
return. The token is 256 random bits shown once to the shopper; only its SHA-256 digest is stored,
so a leaked database does not leak access."""

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    token: str
    digest: str


def new_capability() -> Capability:
    token = secrets.token_urlsafe(32)
    return Capability(token=token, digest=capability_digest(token))


def capability_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
