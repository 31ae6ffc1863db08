"""In-call commerce (the call's participants) and after-call notes, ratings and conversion."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Query
from pydantic import BaseModel, Field

from consult.entrypoints.dependencies import ContainerDep
from consult.service_layer import commerce
from vitrine_shared.auth.dependencies import OptionalPrincipal, Staff
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import public_router, staff_router
from vitrine_shared.problems import Forbidden

router = public_router(prefix="/sessions", tags=["in-call commerce"])
staff = staff_router(Role.ADVISOR, Role.OPS, tags=["after the call"])
ShopperToken = Annotated[str | None, Header(alias="X-Shopper-Token", max_length=100)]


class ProductShare(BaseModel):
    sku: str = Field(min_length=1, max_length=64)


class CartShare(BaseModel):
    cart_id: uuid.UUID
    cart_token: str = Field(min_length=1, max_length=200)


class CartLine(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=20)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class NotePublic(BaseModel):
    id: uuid.UUID
    author: str
    text: str
    tags: list[str]
    created_at: datetime


class RatingIn(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


def _advisor_of(container: Any, session_id: uuid.UUID, principal: Any) -> None:
    _, role = commerce.participant(container.uow(), session_id, shopper_token=None, principal=principal)
    if role is not commerce.Role.ADVISOR:
        raise Forbidden("Only the session's advisor does this.")


@router.get("/{session_id}/catalog")
def search_catalog(
    session_id: uuid.UUID,
    container: ContainerDep,
    principal: OptionalPrincipal,
    q: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """The session's advisor searches the catalog (catalog's public search, passed through)."""
    _advisor_of(container, session_id, principal)
    return container.catalog.search(q)


@router.post("/{session_id}/products", status_code=201)
def share_product(
    session_id: uuid.UUID, body: ProductShare, container: ContainerDep, principal: OptionalPrincipal
) -> dict[str, Any]:
    """The advisor pushes a product card to the shopper (it arrives on their signaling socket)."""
    _advisor_of(container, session_id, principal)
    return commerce.share_product(container.uow(), container.catalog, session_id, body.sku)


@router.put("/{session_id}/cart", status_code=204)
def share_cart(session_id: uuid.UUID, body: CartShare, container: ContainerDep, token: ShopperToken = None) -> None:
    """The shopper lends the call their cart (its token proves it is theirs)."""
    # Only the session's shopper: a missing or wrong X-Shopper-Token is a plain 404.
    commerce.participant(container.uow(), session_id, shopper_token=token or "", principal=None)
    commerce.attach_cart(
        container.uow(), container.checkout, session_id, cart_id=body.cart_id, cart_token=body.cart_token
    )


@router.post("/{session_id}/cart/lines", status_code=201)
def add_to_cart(
    session_id: uuid.UUID,
    body: CartLine,
    container: ContainerDep,
    principal: OptionalPrincipal,
    token: ShopperToken = None,
) -> dict[str, Any]:
    """Either participant adds a product to the shopper's cart, through checkout."""
    commerce.participant(container.uow(), session_id, shopper_token=token, principal=principal)
    return commerce.add_to_cart(container.uow(), container.checkout, session_id, sku=body.sku, quantity=body.quantity)


@router.delete("/{session_id}/shopper-data", status_code=204)
def erase_my_call_data(session_id: uuid.UUID, container: ContainerDep, token: ShopperToken = None) -> None:
    """The shopper erases what consult keeps about their call: notes about them, recordings."""
    commerce.erase_shopper_data(container.uow(), session_id=session_id, token=token or "")


@router.post("/{session_id}/rating", status_code=204)
def rate_call(session_id: uuid.UUID, body: RatingIn, container: ContainerDep, token: ShopperToken = None) -> None:
    commerce.rate(container.uow(), session_id, token or "", rating=body.rating, comment=body.comment)


@staff.post("/sessions/{session_id}/notes", response_model=NotePublic, status_code=201)
def add_note(session_id: uuid.UUID, body: NoteIn, principal: Staff, container: ContainerDep) -> NotePublic:
    """Notes and tags about the call: staff only, never shown to the shopper."""
    return NotePublic(**commerce.add_note(container.uow(), session_id, principal, text=body.text, tags=body.tags))


@staff.get("/sessions/{session_id}/notes", response_model=list[NotePublic])
def list_notes(session_id: uuid.UUID, principal: Staff, container: ContainerDep) -> list[NotePublic]:
    return [NotePublic(**note) for note in commerce.list_notes(container.uow(), session_id, principal)]


@staff.get("/sessions/{session_id}/summary")
def session_summary(session_id: uuid.UUID, principal: Staff, container: ContainerDep) -> dict[str, Any]:
    """What came of the call: products shared, added to the cart, orders paid."""
    call = commerce.staff_may_read(container.uow(), session_id, principal)
    return {
        "session_id": call.id,
        "status": call.status,
        "topology": call.topology,
        "rating": call.rating,
        "duration_seconds": int(call.duration.total_seconds()),
        **commerce.session_summary(container.uow(), session_id),
    }


@staff.get("/reports/conversion")
def conversion_report(principal: Staff, container: ContainerDep) -> list[dict[str, Any]]:
    """Conversion per advisor. Ops see everyone; an advisor sees their own line."""
    if principal.has_any_role(frozenset({Role.OPS})):
        return commerce.conversion(container.uow())
    from consult.service_layer.advisors import advisor_for_principal

    advisor = advisor_for_principal(container.uow(), principal)
    return commerce.conversion(container.uow(), advisor_id=advisor.id) if advisor else []
