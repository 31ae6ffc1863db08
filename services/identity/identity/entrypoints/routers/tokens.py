import uuid

from pydantic import BaseModel, Field

from identity.entrypoints.dependencies import ContainerDep
from identity.service_layer import services
from vitrine_shared.auth.dependencies import CurrentPrincipal
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.http import public_router

router = public_router(tags=["tokens"])


class LoginRequest(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class ServiceTokenRequest(BaseModel):
    client_id: str = Field(max_length=100)
    client_secret: str = Field(max_length=1024)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    roles: list[str]
    name: str | None = None


class PrincipalPublic(BaseModel):
    subject: str
    roles: list[str]
    name: str | None


class PublicKey(BaseModel):
    algorithm: str = "EdDSA"
    public_key_pem: str


@router.post("/tokens", response_model=TokenPublic)
def create_staff_token(body: LoginRequest, container: ContainerDep) -> TokenPublic:
    """Staff login: email and password in, a signed access token out."""
    member = services.authenticate(container.uow(), email=body.email, password=body.password)
    issuer = container.staff_token_issuer
    return TokenPublic(
        access_token=issuer.issue(member.principal()),
        expires_in=int(issuer.ttl.total_seconds()),
        roles=member.roles,
        name=member.display_name,
    )


@router.post("/shopper-tokens", response_model=TokenPublic, status_code=201)
def create_shopper_token(container: ContainerDep) -> TokenPublic:
    """An anonymous shopper identity for a browser; it grants nothing beyond the shopper role."""
    issuer = container.shopper_token_issuer
    principal = Principal(subject=f"shopper:{uuid.uuid4()}", roles=frozenset({Role.SHOPPER}))
    return TokenPublic(
        access_token=issuer.issue(principal), expires_in=int(issuer.ttl.total_seconds()), roles=["shopper"]
    )


@router.post("/service-tokens", response_model=TokenPublic, status_code=201)
def create_service_token(body: ServiceTokenRequest, container: ContainerDep) -> TokenPublic:
    """Client credentials for service-to-service calls: a token with the `service` role."""
    principal = services.authenticate_service(
        container.settings.service_clients, client_id=body.client_id, client_secret=body.client_secret
    )
    issuer = container.service_token_issuer
    return TokenPublic(
        access_token=issuer.issue(principal), expires_in=int(issuer.ttl.total_seconds()), roles=["service"]
    )


@router.get("/me", response_model=PrincipalPublic)
def read_me(principal: CurrentPrincipal) -> PrincipalPublic:
    return PrincipalPublic(subject=principal.subject, roles=sorted(principal.roles), name=principal.name)


@router.get("/public-key", response_model=PublicKey)
def read_public_key(container: ContainerDep) -> PublicKey:
    """The key every service verifies tokens with."""
    return PublicKey(public_key_pem=container.settings.auth_public_key())
