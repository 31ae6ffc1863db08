from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine_shared.auth.capabilities import capability_digest, new_capability
from vitrine_shared.auth.dependencies import Ops
from vitrine_shared.auth.passwords import hash_password, verify_password
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.auth.tokens import TokenIssuer, TokenVerifier
from vitrine_shared.problems import Unauthorized, install_problem_handlers


def keypair() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


PRIVATE, PUBLIC = keypair()
OPS = Principal(subject="staff-1", roles=frozenset({Role.OPS}), name="Olivia")


def test_token_round_trip_keeps_subject_roles_and_name() -> None:
    token = TokenIssuer(PRIVATE).issue(OPS)
    assert TokenVerifier(PUBLIC).verify(token) == OPS


def test_token_signed_by_another_key_is_refused() -> None:
    other_private, _ = keypair()
    with pytest.raises(Unauthorized):
        TokenVerifier(PUBLIC).verify(TokenIssuer(other_private).issue(OPS))


def test_expired_token_is_refused() -> None:
    token = TokenIssuer(PRIVATE, ttl=timedelta(minutes=5)).issue(OPS, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(Unauthorized, match="expired"):
        TokenVerifier(PUBLIC).verify(token)


def test_tampered_token_is_refused() -> None:
    token = TokenIssuer(PRIVATE).issue(OPS)
    header, payload, signature = token.split(".")
    with pytest.raises(Unauthorized):
        TokenVerifier(PUBLIC).verify(f"{header}.{payload[:-2]}AA.{signature}")


def test_admin_satisfies_any_staff_role_but_shopper_none() -> None:
    admin = Principal(subject="a", roles=frozenset({Role.ADMIN}))
    shopper = Principal(subject="s", roles=frozenset({Role.SHOPPER}))
    assert admin.has_any_role(frozenset({Role.OPS}))
    assert not shopper.has_any_role(frozenset({Role.OPS}))


def ops_only_client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(PUBLIC)

    @app.get("/board")
    def board(principal: Ops) -> dict[str, str]:
        return {"who": principal.subject}

    return TestClient(app)


def test_role_dependency_refuses_anonymous_then_wrong_role_then_admits() -> None:
    client = ops_only_client()
    issuer = TokenIssuer(PRIVATE)
    shopper = issuer.issue(Principal(subject="s", roles=frozenset({Role.SHOPPER})))
    advisor = issuer.issue(Principal(subject="adv", roles=frozenset({Role.ADVISOR})))
    assert client.get("/board").status_code == 401
    assert client.get("/board", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get("/board", headers={"Authorization": f"Bearer {shopper}"}).status_code == 403
    assert client.get("/board", headers={"Authorization": f"Bearer {advisor}"}).status_code == 403
    admitted = client.get("/board", headers={"Authorization": f"Bearer {issuer.issue(OPS)}"})
    assert admitted.status_code == 200
    assert admitted.json() == {"who": "staff-1"}


def test_password_hash_verifies_only_the_right_password() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterx")
    assert not verify_password("not-a-hash", "anything")


def test_capability_tokens_are_unique_and_stored_as_digests() -> None:
    first, second = new_capability(), new_capability()
    assert first.token != second.token
    assert len(first.token) >= 43  # 256 bits, url-safe base64
    assert first.digest == capability_digest(first.token)
    assert first.token not in first.digest
